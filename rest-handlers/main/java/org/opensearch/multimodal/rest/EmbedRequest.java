package org.opensearch.multimodal.rest;

import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.multimodal.model.EncodingPurpose;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The parsed body of an {@code _embed} request: a model and texts or images (image values as sent: base64, URL, ...). */
public record EmbedRequest(String model, List<String> texts, List<String> images, boolean tokenVectors, EncodingPurpose purpose)
    implements
        Writeable {

    EmbedRequest(StreamInput in) throws IOException {
        this(
            in.readString(),
            in.readBoolean() ? in.readStringList() : null,
            in.readBoolean() ? in.readStringList() : null,
            in.readBoolean(),
            in.readEnum(EncodingPurpose.class)
        );
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(model);
        out.writeBoolean(texts != null);
        if (texts != null) {
            out.writeStringCollection(texts);
        }
        out.writeBoolean(images != null);
        if (images != null) {
            out.writeStringCollection(images);
        }
        out.writeBoolean(tokenVectors);
        out.writeEnum(purpose);
    }

    public static EmbedRequest parse(Map<String, Object> body, int maxTexts) {
        for (String key : body.keySet()) {
            if (List.of("model", "texts", "images", "token_vectors", "purpose").contains(key) == false) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "[_embed] unknown parameter [%s]", key));
            }
        }
        if (!(body.get("model") instanceof String model)) {
            throw new IllegalArgumentException("[model] is required and must be a string");
        }
        if (body.containsKey("texts") == body.containsKey("images")) {
            throw new IllegalArgumentException("[_embed] needs exactly one of [texts] and [images]");
        }
        String inputs = body.containsKey("texts") ? "texts" : "images";
        if (!(body.get(inputs) instanceof List<?> texts) || texts.isEmpty()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "[%s] must be a non-empty array of strings", inputs));
        }
        if (texts.size() > maxTexts) {
            throw new IllegalArgumentException(
                String.format(
                    Locale.ROOT,
                    "[%s] has %d items; at most %d (plugins.multimodal.embed.max_texts)",
                    inputs,
                    texts.size(),
                    maxTexts
                )
            );
        }
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) instanceof String == false) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "[%s][%d] must be a string", inputs, i));
            }
        }
        Object tokens = body.getOrDefault("token_vectors", false);
        if (tokens instanceof Boolean == false) {
            throw new IllegalArgumentException("[token_vectors] must be true or false");
        }
        String purpose = String.valueOf(body.getOrDefault("purpose", "document"));
        EncodingPurpose parsedPurpose = switch (purpose) {
            case "document" -> EncodingPurpose.DOCUMENT;
            case "query" -> EncodingPurpose.QUERY;
            default -> throw new IllegalArgumentException(
                String.format(Locale.ROOT, "[purpose] must be [document] or [query], got [%s]", purpose)
            );
        };
        @SuppressWarnings("unchecked")
        List<String> strings = (List<String>) texts;
        List<String> values = List.copyOf(strings);
        return "texts".equals(inputs)
            ? new EmbedRequest(model, values, null, (Boolean) tokens, parsedPurpose)
            : new EmbedRequest(model, null, values, (Boolean) tokens, parsedPurpose);
    }
}
