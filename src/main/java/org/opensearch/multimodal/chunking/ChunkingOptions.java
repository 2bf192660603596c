package org.opensearch.multimodal.chunking;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An {@code embed_text} processor's {@code chunking}: windows of at most {@code maxTokens} tokens, each starting
 * {@code overlapTokens} before the last one ended, ending at a {@code boundary} when one lies near the cut; at most
 * {@code maxChunks} per text, past which the text is cut and counted ({@code failPastMaxChunks} false) or the document
 * fails with a 400.
 */
public record ChunkingOptions(int maxTokens, int overlapTokens, Boundary boundary, int maxChunks, boolean failPastMaxChunks) {

    /** The splitter's name, recorded with the options in the fields it fills. */
    public static final String SPLITTER = "token_windows";
    /** Passages per text without {@code max_chunks}: about 30,000 tokens with bge-small's window. */
    public static final int DEFAULT_MAX_CHUNKS = 64;
    /** Most passages a text may have; a chunked dense_vector field holds one HNSW graph per passage position. */
    public static final int MAX_CHUNKS = 256;

    /** A bad option: names it ({@code chunking.<option>}) and says why. */
    public static final class InvalidOption extends IllegalArgumentException {

        private final String option;

        InvalidOption(String option, String message) {
            super(message);
            this.option = "chunking." + option;
        }

        public String option() {
            return option;
        }
    }

    public ChunkingOptions {
        if (maxTokens < 1) {
            throw new InvalidOption("max_tokens", "must be a positive integer; got [" + maxTokens + "]");
        }
        if (overlapTokens < 0 || overlapTokens >= maxTokens) {
            throw new InvalidOption(
                "overlap_tokens",
                String.format(Locale.ROOT, "must be at least 0 and less than max_tokens [%d]; got [%d]", maxTokens, overlapTokens)
            );
        }
        if (maxChunks < 1 || maxChunks > MAX_CHUNKS) {
            throw new InvalidOption("max_chunks", String.format(Locale.ROOT, "must be between 1 and %d; got [%d]", MAX_CHUNKS, maxChunks));
        }
    }

    /**
     * Parses a processor's {@code chunking} object for a model whose window holds {@code window} tokens of text (its
     * limit less its special tokens and the document prefix). {@code {}}: the whole window, about 10% overlap, ending
     * at sentences.
     */
    public static ChunkingOptions parse(Object value, int window) {
        if (value instanceof Map<?, ?> == false) {
            throw new InvalidOption("", "must be an object like {\"max_tokens\": 256, \"overlap_tokens\": 32, \"boundary\": \"sentence\"}");
        }
        Map<?, ?> config = new LinkedHashMap<>((Map<?, ?>) value);
        int maxTokens = integer(config.remove("max_tokens"), "max_tokens", window);
        if (maxTokens > window) {
            throw new InvalidOption(
                "max_tokens",
                String.format(
                    Locale.ROOT,
                    "[%d] is more than the model's window holds for a text: %d tokens (its limit less its special tokens and prefix)",
                    maxTokens,
                    window
                )
            );
        }
        int overlap = integer(config.remove("overlap_tokens"), "overlap_tokens", maxTokens / 10);
        Object boundaryValue = config.remove("boundary");
        Boundary boundary;
        try {
            boundary = boundaryValue == null ? Boundary.SENTENCE : Boundary.parse(String.valueOf(boundaryValue));
        } catch (IllegalArgumentException e) {
            throw new InvalidOption("boundary", e.getMessage());
        }
        int maxChunks = integer(config.remove("max_chunks"), "max_chunks", DEFAULT_MAX_CHUNKS);
        Object past = config.remove("on_max_chunks");
        boolean fail;
        if (past == null || "keep_first".equals(past)) {
            fail = false;
        } else if ("fail".equals(past)) {
            fail = true;
        } else {
            throw new InvalidOption("on_max_chunks", "must be [keep_first] or [fail]; got [" + past + "]");
        }
        if (config.isEmpty() == false) {
            String unknown = String.valueOf(config.keySet().iterator().next());
            throw new InvalidOption(
                unknown,
                "unknown option; chunking takes max_tokens, overlap_tokens, boundary, max_chunks and on_max_chunks"
            );
        }
        return new ChunkingOptions(maxTokens, overlap, boundary, maxChunks, fail);
    }

    private static int integer(Object value, String option, int defaultValue) {
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            long number = ((Number) value).longValue();
            if (number < 1 && option.equals("overlap_tokens") == false || number < 0) {
                throw new InvalidOption(option, "must be a positive integer; got [" + value + "]");
            }
            return (int) Math.min(number, Integer.MAX_VALUE);
        }
        throw new InvalidOption(option, "must be an integer; got [" + value + "]");
    }

    /** Tokens to read from a text to fill every window: one more tells that it goes on past them. */
    public int tokensNeeded() {
        return maxChunks * maxTokens + 1;
    }

    /**
     * How a field records the chunking it was filled with: the splitter and the options that decide where passages lie
     * (not {@code max_chunks}, which only decides how many are kept).
     */
    public String describe() {
        return String.format(Locale.ROOT, "%s(max_tokens=%d,overlap_tokens=%d,boundary=%s)", SPLITTER, maxTokens, overlapTokens, boundary);
    }
}
