package org.opensearch.multimodal.chunking;

/**
 * One passage of a field's value: UTF-16 offsets {@code [start, end)} into the text, or into element {@code element} of
 * an array of passages the client chunked itself (0 for a single text).
 */
public record Chunk(int element, int start, int end) {

    public Chunk {
        if (element < 0 || start < 0 || end < start) {
            throw new IllegalArgumentException("chunk [" + element + ", " + start + ", " + end + "] is not a passage");
        }
    }

    /** The passage's text, from the value it was cut from. */
    public String text(String value) {
        return value.substring(start, end);
    }
}
