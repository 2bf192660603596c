package org.opensearch.multimodal.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The files of one model directory, in the Hugging Face / transformers.js layout, each checked to stay inside it:
 * a text encoder ({@code model.onnx} or {@code text_model.onnx}, optionally under {@code onnx/}) with its
 * {@code tokenizer.json}, and/or an image encoder ({@code vision_model.onnx}) with its {@code preprocessor_config.json}.
 * A CLIP export may also be one {@code model.onnx} holding both towers: then both paths name it. Absent parts are null.
 */
public record ModelFiles(Path directory, Path textModel, Path tokenizer, Path visionModel, Path preprocessorConfig) {

    private static final List<String> TEXT_MODEL_CANDIDATES = List
        .of("model.onnx", "onnx/model.onnx", "text_model.onnx", "onnx/text_model.onnx");
    /** The last two: a CLIP export as one model with both towers, or an image-only model under the plain name. */
    private static final List<String> VISION_MODEL_CANDIDATES = List
        .of("vision_model.onnx", "onnx/vision_model.onnx", "model.onnx", "onnx/model.onnx");

    /** The files {@code kind} needs; an error names the first one missing. */
    public static ModelFiles locate(Path directory, ModelKind kind) throws IOException {
        Path root = directory.toRealPath();
        Path textModel = null;
        Path tokenizer = null;
        Path visionModel = null;
        Path preprocessor = null;
        if (kind.hasText()) {
            textModel = first(root, TEXT_MODEL_CANDIDATES, "a text encoder (model.onnx, text_model.onnx or onnx/ of either)");
            tokenizer = required(root, "tokenizer.json");
        }
        if (kind.hasImage()) {
            visionModel = first(root, VISION_MODEL_CANDIDATES, "an image encoder (vision_model.onnx, or model.onnx with both towers)");
            preprocessor = required(root, "preprocessor_config.json");
        }
        return new ModelFiles(root, textModel, tokenizer, visionModel, preprocessor);
    }

    private static Path first(Path root, List<String> candidates, String what) throws IOException {
        for (String candidate : candidates) {
            if (Files.isRegularFile(root.resolve(candidate))) {
                return inside(root, root.resolve(candidate));
            }
        }
        throw new IOException(String.format(Locale.ROOT, "model directory [%s] has no %s", root, what));
    }

    private static Path required(Path root, String name) throws IOException {
        Path file = root.resolve(name);
        if (Files.isRegularFile(file) == false) {
            throw new IOException(String.format(Locale.ROOT, "model directory [%s] has no %s", root, name));
        }
        return inside(root, file);
    }

    /** Resolves symlinks and refuses a file that ends up outside the model directory. */
    private static Path inside(Path root, Path file) throws IOException {
        Path real = file.toRealPath();
        if (real.startsWith(root) == false) {
            throw new IOException(String.format(Locale.ROOT, "model file [%s] resolves outside its model directory [%s]", file, root));
        }
        return real;
    }

    /** The files this model reads, by name relative to its directory. */
    public List<Path> all() {
        return Stream.of(textModel, tokenizer, visionModel, preprocessorConfig)
            .filter(Objects::nonNull)
            .distinct()
            .toList();
    }

    /** Bytes of the ONNX files the loaded encoders read. */
    public long onnxBytes(boolean text, boolean image) {
        long bytes = 0;
        Set<Path> counted = new HashSet<>();
        for (Path onnx : Arrays.asList(text ? textModel : null, image ? visionModel : null)) {
            if (onnx != null && counted.add(onnx)) {
                try {
                    bytes += Files.size(onnx);
                } catch (IOException e) {
                    // a file gone since loading: the session still holds it, its size is just unknown now
                }
            }
        }
        return bytes;
    }
}
