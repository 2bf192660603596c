package org.opensearch.multimodal.rest;

import org.opensearch.core.action.ActionListener;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.multimodal.image.ImageInputs;
import org.opensearch.multimodal.inference.InferenceService;
import org.opensearch.multimodal.inference.TokenVectorBudget;
import org.opensearch.multimodal.model.EncodingPurpose;
import org.opensearch.multimodal.model.TextEmbeddings;
import org.opensearch.multimodal.settings.MultimodalSettings;
import org.opensearch.multimodal.settings.RequestLimits;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.BytesRestResponse;
import org.opensearch.rest.RestChannel;
import org.opensearch.rest.RestRequest;
import org.opensearch.transport.client.node.NodeClient;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code POST /_plugins/_multimodal/_embed} {@code {"model": "...", "texts": ["..."] | "images": ["<base64 | data URI | URL | path>"],
 * "token_vectors": false, "purpose": "document"}}: the vectors a model gives, for clients and debugging. Images are
 * loaded under the same {@code plugins.multimodal.image.*} limits and address guard as the ingest processors;
 * {@code token_vectors} gives an image's patch vectors.
 */
public final class RestEmbedAction extends BaseRestHandler {

    private final Supplier<InferenceService> inference;
    private final Supplier<RequestLimits> limits;
    private final Supplier<ImageInputs> images;

    public RestEmbedAction(Supplier<InferenceService> inference, Supplier<RequestLimits> limits, Supplier<ImageInputs> images) {
        this.inference = inference;
        this.limits = limits;
        this.images = images;
    }

    @Override
    public String getName() {
        return "multimodal_embed";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(RestRequest.Method.POST, MultimodalPaths.BASE + "/_embed"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws IOException {
        EmbedRequest embed;
        try (XContentParser parser = request.contentParser()) {
            embed = EmbedRequest.parse(parser.map(), limits.get().embedMaxTexts());
        }
        TokenVectorBudget budget = new TokenVectorBudget(limits.get().tokenVectorBytesPerRequest());
        inference.get().registry().requireManifest(embed.model(), "model");
        if (embed.images() != null) {
            return channel -> embedImages(embed, budget, channel);
        }
        return channel -> inference.get()
            .encodeText(embed.model(), embed.texts(), embed.purpose(), embed.tokenVectors(), new ActionListener<>() {
                @Override
                public void onResponse(TextEmbeddings embeddings) {
                    try {
                        checkTokenVectorsFit(embeddings, budget);
                        channel.sendResponse(new BytesRestResponse(RestStatus.OK, render(channel, embed, embeddings)));
                    } catch (IOException | RuntimeException e) {
                        onFailure(e);
                    }
                }

                @Override
                public void onFailure(Exception e) {
                    try {
                        channel.sendResponse(new BytesRestResponse(channel, e));
                    } catch (IOException inner) {
                        inner.addSuppressed(e);
                        throw new IllegalStateException(inner);
                    }
                }
            });
    }

    private void embedImages(EmbedRequest embed, TokenVectorBudget budget, RestChannel channel) {
        ImageInputs inputs = images.get();
        List<java.util.concurrent.CompletableFuture<byte[]>> loading = embed.images().stream().map(inputs::load).toList();
        java.util.concurrent.CompletableFuture.allOf(loading.toArray(new java.util.concurrent.CompletableFuture<?>[0])).whenComplete((done, ignored) -> {
            List<byte[]> bytes = new java.util.ArrayList<>();
            for (int i = 0; i < loading.size(); i++) {
                try {
                    bytes.add(loading.get(i).join());
                } catch (java.util.concurrent.CompletionException e) {
                    fail(channel, itemFailure(i, e.getCause() instanceof Exception cause ? cause : e));
                    return;
                }
            }
            inference.get().encodeImages(embed.model(), bytes, inputs::decode, embed.tokenVectors(), ActionListener.wrap(batch -> {
                for (int i = 0; i < batch.size(); i++) {
                    if (batch.failed(i)) {
                        fail(channel, itemFailure(i, batch.failures()[i]));
                        return;
                    }
                }
                if (batch.patchVectors() != null) {
                    checkTokenVectorsFit(new TextEmbeddings(batch.vectors(), batch.patchVectors()), budget);
                }
                channel.sendResponse(new BytesRestResponse(RestStatus.OK, render(channel, embed, new TextEmbeddings(batch.vectors(), batch.patchVectors()))));
            }, e -> fail(channel, e)));
        });
    }

    /** One image's failure as the request's, naming which image: its status is kept (400, 403, 408, 413, 415). */
    private static Exception itemFailure(int index, Exception cause) {
        RestStatus status = org.opensearch.ExceptionsHelper.status(cause);
        return new org.opensearch.OpenSearchStatusException(String.format(Locale.ROOT, "[images][%d] %s", index, cause.getMessage()), status, cause);
    }

    private static void fail(RestChannel channel, Exception e) {
        try {
            channel.sendResponse(new BytesRestResponse(channel, e));
        } catch (IOException inner) {
            inner.addSuppressed(e);
            throw new IllegalStateException(inner);
        }
    }

    /** The response must not hold more token vectors than the node allows one request: they are rendered as JSON. */
    private static void checkTokenVectorsFit(TextEmbeddings embeddings, TokenVectorBudget budget) {
        if (embeddings.hasTokenVectors() == false) {
            return;
        }
        for (float[][] tokens : embeddings.tokenVectors()) {
            if (tokens.length > 0 && budget.tryReserve(tokens.length, tokens[0].length) == false) {
                throw new IllegalArgumentException(
                    String.format(
                        Locale.ROOT,
                        "[token_vectors] the token vectors of these texts would take more than [%s] (%s); send fewer or shorter texts",
                        MultimodalSettings.TOKEN_VECTOR_BYTES_PER_REQUEST.getKey(),
                        budget.limit()
                    )
                );
            }
        }
    }

    private static XContentBuilder render(RestChannel channel, EmbedRequest embed, TextEmbeddings embeddings) throws IOException {
        XContentBuilder builder = channel.newBuilder();
        builder.startObject().field("model", embed.model()).startArray("embeddings");
        for (int i = 0; i < embeddings.size(); i++) {
            builder.startObject().array("vector", embeddings.vectors()[i]);
            if (embeddings.hasTokenVectors()) {
                builder.startArray(embed.images() != null ? "patch_vectors" : "token_vectors");
                for (float[] token : embeddings.tokenVectors()[i]) {
                    builder.value(token);
                }
                builder.endArray();
            }
            builder.endObject();
        }
        return builder.endArray().endObject();
    }

    /** The parsed body of an {@code _embed} request. */
    record EmbedRequest(String model, List<String> texts, List<String> images, boolean tokenVectors, EncodingPurpose purpose) {

        static EmbedRequest parse(Map<String, Object> body, int maxTexts) {
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
                    String.format(Locale.ROOT, "[%s] has %d items; at most %d (plugins.multimodal.embed.max_texts)", inputs, texts.size(), maxTexts)
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
}
