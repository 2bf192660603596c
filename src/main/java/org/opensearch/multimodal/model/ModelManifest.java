package org.opensearch.multimodal.model;

import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.json.JsonXContent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * What a model directory's files cannot say themselves, from its {@code multimodal-model.json}:
 * kind, pooling, normalization, prefixes, dims, and for image encoders which outputs hold the image and patch vectors.
 * Dims default to {@code hidden_size} (or, for CLIP exports, {@code projection_dim}) of the HF {@code config.json}.
 * {@code space} names the embedding space its vectors live in: its own id unless it was trained into another model's
 * space (the demo image model writes photos into bge-small's text space), so a query encoded by one model may search
 * vectors another wrote only when their spaces are the same.
 */
public record ModelManifest(
    String id,
    ModelKind kind,
    Pooling pooling,
    boolean normalize,
    String outputName,
    String queryPrefix,
    String queryTokenPrefix,
    String documentPrefix,
    int maxTokens,
    int dims,
    String description,
    String imageOutput,
    String patchOutput,
    int patchDims,
    int patchSkip,
    String space
) {

    public static final String FILE_NAME = "multimodal-model.json";
    static final int DEFAULT_MAX_TOKENS = 512;

    public ModelManifest {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("model id must not be empty");
        }
        if (dims < 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "model [%s]: dims must be positive, got [%d]", id, dims));
        }
        if (maxTokens < 2) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "model [%s]: max_tokens must be at least 2", id));
        }
        if (space == null || space.isBlank()) {
            space = id;
        }
    }

    /** Reads the manifest of the model in {@code dir}; the directory name is the id unless the manifest names one. */
    public static ModelManifest read(Path dir) throws IOException {
        Map<String, Object> manifest = readJson(dir.resolve(FILE_NAME));
        Path configFile = dir.resolve("config.json");
        Map<String, Object> config = Files.exists(configFile) ? readJson(configFile) : Map.of();
        String id = stringOr(manifest, "id", dir.getFileName().toString());
        Object dims = manifest.getOrDefault("dims", config.get("hidden_size"));
        if (dims == null && config.get("projection_dim") != null) {
            dims = config.get("projection_dim");
        }
        if (dims == null) {
            throw new IllegalArgumentException(
                String.format(Locale.ROOT, "model [%s]: neither %s nor config.json gives the output dims", id, FILE_NAME)
            );
        }
        Map<?, ?> textConfig = config.get("text_config") instanceof Map<?, ?> m ? m : config;
        Object maxTokens = manifest
            .getOrDefault("max_tokens", textConfig.get("max_position_embeddings") instanceof Number n ? n : DEFAULT_MAX_TOKENS);
        return new ModelManifest(
            id,
            ModelKind.parse(stringOr(manifest, "kind", "text")),
            Pooling.parse(stringOr(manifest, "pooling", "cls")),
            Boolean.parseBoolean(String.valueOf(manifest.getOrDefault("normalize", true))),
            stringOr(manifest, "text_output", stringOr(manifest, "output", "last_hidden_state")),
            stringOr(manifest, "query_prefix", ""),
            stringOr(manifest, "query_token_prefix", ""),
            stringOr(manifest, "document_prefix", ""),
            ((Number) maxTokens).intValue(),
            ((Number) dims).intValue(),
            stringOr(manifest, "description", ""),
            stringOr(manifest, "image_output", "image_embeds"),
            stringOr(manifest, "patch_output", null),
            ((Number) manifest.getOrDefault("patch_dims", dims)).intValue(),
            ((Number) manifest.getOrDefault("patch_skip", 1)).intValue(),
            stringOr(manifest, "space", id)
        );
    }

    public String prefix(EncodingPurpose purpose) {
        return switch (purpose) {
            case QUERY -> queryPrefix;
            case QUERY_TOKENS -> queryTokenPrefix;
            case DOCUMENT -> documentPrefix;
        };
    }

    private static String stringOr(Map<String, Object> map, String key, String fallback) {
        Object value = map.get(key);
        return value == null ? fallback : value.toString();
    }

    /** A model directory's JSON file as a map (manifest, config.json, tokenizer.json). */
    static Map<String, Object> readJson(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return XContentHelper.convertToMap(JsonXContent.jsonXContent, in, false);
        }
    }
}
