package org.opensearch.multimodal.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The files of one model directory, in the Hugging Face / transformers.js layout, each checked to stay inside it. */
public record ModelFiles(Path directory, Path model, Path tokenizer) {

    private static final List<String> MODEL_FILE_CANDIDATES = List.of("model.onnx", "onnx/model.onnx");

    public static ModelFiles locate(Path directory) throws IOException {
        Path root = directory.toRealPath();
        Path model = null;
        for (String candidate : MODEL_FILE_CANDIDATES) {
            if (Files.isRegularFile(root.resolve(candidate))) {
                model = inside(root, root.resolve(candidate));
                break;
            }
        }
        if (model == null) {
            throw new IOException(String.format(Locale.ROOT, "model directory [%s] has no model.onnx or onnx/model.onnx", root));
        }
        Path tokenizer = root.resolve("tokenizer.json");
        if (Files.isRegularFile(tokenizer) == false) {
            throw new IOException(String.format(Locale.ROOT, "model directory [%s] has no tokenizer.json", root));
        }
        return new ModelFiles(root, model, inside(root, tokenizer));
    }

    /** Resolves symlinks and refuses a file that ends up outside the model directory. */
    private static Path inside(Path root, Path file) throws IOException {
        Path real = file.toRealPath();
        if (real.startsWith(root) == false) {
            throw new IOException(String.format(Locale.ROOT, "model file [%s] resolves outside its model directory [%s]", file, root));
        }
        return real;
    }
}
