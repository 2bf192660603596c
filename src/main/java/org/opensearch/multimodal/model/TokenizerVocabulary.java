package org.opensearch.multimodal.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A tokenizer from another model gives token ids the encoder's embedding table does not have: ONNX Runtime would then
 * fail (or, worse, read the wrong rows) on a user's first text. When {@code config.json} states the model's
 * {@code vocab_size}, the highest id of {@code tokenizer.json} (its vocabulary and added tokens) is checked against it
 * at load time, and a mismatch is named plainly. Without a {@code vocab_size}, the probe run is the check.
 */
final class TokenizerVocabulary {

    private TokenizerVocabulary() {
    }

    static void check(ModelFiles files) {
        Path config = files.directory().resolve("config.json");
        if (Files.isRegularFile(config) == false) {
            return;
        }
        Map<String, Object> configJson = readJson(config);
        Object textConfig = configJson.get("text_config");
        Object vocabSize = (textConfig instanceof Map<?, ?> text ? text : configJson).get("vocab_size");
        if (vocabSize instanceof Number size) {
            long highest = highestId(readJson(files.tokenizer()));
            if (highest >= size.longValue()) {
                throw new IllegalArgumentException(
                    String.format(
                        Locale.ROOT,
                        "[%s] gives token ids up to %d, but [config.json] gives the model a vocabulary of %d (vocab_size): "
                            + "a tokenizer for another model?",
                        files.directory().relativize(files.tokenizer()),
                        highest,
                        size.longValue()
                    )
                );
            }
        }
    }

    /** WordPiece/BPE vocabularies map token to id; Unigram's is a list whose index is the id; added tokens carry ids. */
    private static long highestId(Map<String, Object> tokenizer) {
        long highest = -1;
        if (tokenizer.get("model") instanceof Map<?, ?> model) {
            Object vocab = model.get("vocab");
            if (vocab instanceof Map<?, ?> byToken) {
                for (Object id : byToken.values()) {
                    highest = Math.max(highest, ((Number) id).longValue());
                }
            } else if (vocab instanceof List<?> list) {
                highest = list.size() - 1;
            }
        }
        if (tokenizer.get("added_tokens") instanceof List<?> added) {
            for (Object token : added) {
                if (token instanceof Map<?, ?> t && t.get("id") instanceof Number id) {
                    highest = Math.max(highest, id.longValue());
                }
            }
        }
        return highest;
    }

    private static Map<String, Object> readJson(Path file) {
        try {
            return ModelManifest.readJson(file);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(
                String.format(Locale.ROOT, "[%s] is not readable JSON: %s", file.getFileName(), e.getMessage()),
                e
            );
        }
    }
}
