package org.opensearch.multimodal.model;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Runs a freshly loaded encoder once on a tiny input, so a model whose files do not fit together (a tokenizer for
 * another vocabulary, an output of the wrong shape) fails when it is loaded, naming the file, rather than on a user's
 * first document.
 */
final class ModelProbe {

    private ModelProbe() {
    }

    static void checkText(TextModel model, ModelFiles files) {
        float[] vector;
        try {
            vector = model.encode(List.of("a probe sentence"), EncodingPurpose.DOCUMENT, false).vectors()[0];
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                String.format(
                    Locale.ROOT,
                    "[%s] with [%s] fails on a probe sentence: %s",
                    name(files, files.textModel()),
                    name(files, files.tokenizer()),
                    e.getMessage()
                ),
                e
            );
        }
        checkDims(vector, model.manifest(), files, files.textModel());
    }

    static void checkImage(ImageModel model, ModelFiles files) {
        BufferedImage probe = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        float[] vector;
        try {
            vector = model.encode(List.of(probe), false).vectors()[0];
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                String.format(Locale.ROOT, "[%s] fails on a probe image: %s", name(files, files.visionModel()), e.getMessage()),
                e
            );
        }
        checkDims(vector, model.manifest(), files, files.visionModel());
    }

    private static void checkDims(float[] vector, ModelManifest manifest, ModelFiles files, Path onnx) {
        if (vector.length != manifest.dims()) {
            throw new IllegalArgumentException(
                String.format(
                    Locale.ROOT,
                    "[%s] gives vectors of %d dims, but the model declares %d",
                    name(files, onnx),
                    vector.length,
                    manifest.dims()
                )
            );
        }
    }

    private static String name(ModelFiles files, Path file) {
        return files.directory().relativize(file).toString();
    }
}
