package org.opensearch.multimodal.chunking;

import java.util.Locale;

/** Where a window prefers to end, when such a place lies near its cut. */
public enum Boundary {

    /** The end of a sentence ({@link java.text.BreakIterator}'s sentence rules) or of a paragraph. */
    SENTENCE,
    /** A line break. */
    PARAGRAPH,
    /** Exactly at the token count (never inside a word). */
    NONE;

    public static Boundary parse(String value) {
        for (Boundary boundary : values()) {
            if (boundary.toString().equals(value)) {
                return boundary;
            }
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT, "must be one of [sentence, paragraph, none]; got [%s]", value));
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
