package org.opensearch.multimodal.chunking;

/**
 * Where each of a text's first {@code count} tokens lies, as UTF-16 offsets ({@code starts[i]} inclusive, {@code ends[i]}
 * exclusive), in order; {@code more} when the text has tokens past them that were not read.
 */
public record TokenSpans(int[] starts, int[] ends, int count, boolean more) {

    public TokenSpans {
        if (starts.length < count || ends.length < count) {
            throw new IllegalArgumentException("fewer spans than the count");
        }
    }

    /** Whether a word goes on across the cut before token {@code i}: nothing lies between it and the token before. */
    boolean joinsPrevious(int i) {
        return i > 0 && i < count && starts[i] <= ends[i - 1];
    }
}
