package org.opensearch.multimodal.processor;

import org.opensearch.ingest.IngestDocument;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads the text of one source field, or explains in an error naming the field why it cannot be embedded. */
final class TextFieldReader {

    private TextFieldReader() {
    }

    /** A field's text: one string, or an array of passages the client chunked itself ({@code null} for a blank one). */
    record Passages(List<String> texts, boolean clientChunked) {
    }

    /**
     * The passages to embed: a string's text alone, or the strings of an array, by position; {@code null} when there is
     * nothing to embed (missing and ignored, empty, blank).
     */
    static Passages readPassages(IngestDocument document, String field, boolean ignoreMissing, String processorType) {
        Object value = document.hasField(field, true) ? document.getFieldValue(field, Object.class, true) : null;
        if (value instanceof List<?> == false) {
            String text = read(document, field, ignoreMissing, processorType);
            return text == null ? null : new Passages(List.of(text), false);
        }
        List<?> list = (List<?>) value;
        List<String> passages = new ArrayList<>(list.size());
        boolean any = false;
        for (int i = 0; i < list.size(); i++) {
            Object element = list.get(i);
            if (element instanceof String text) {
                passages.add(text.isBlank() ? null : text);
                any |= text.isBlank() == false;
            } else {
                throw new IllegalArgumentException(
                    String.format(
                        Locale.ROOT,
                        "[%s] field [%s] is an array whose element [%d] is %s; expected strings (passages)",
                        processorType,
                        field,
                        i,
                        element == null ? "null" : describe(element)
                    )
                );
            }
        }
        return any ? new Passages(passages, true) : null;
    }

    /** The text to embed, or {@code null} when there is nothing to embed (missing and ignored, or empty). */
    static String read(IngestDocument document, String field, boolean ignoreMissing, String processorType) {
        if (document.hasField(field, true) == false) {
            if (ignoreMissing) {
                return null;
            }
            throw new IllegalArgumentException(
                String.format(
                    Locale.ROOT,
                    "[%s] field [%s] is missing; set ignore_missing to index such documents without it",
                    processorType,
                    field
                )
            );
        }
        Object value = document.getFieldValue(field, Object.class, true);
        if (value == null) {
            if (ignoreMissing) {
                return null;
            }
            throw new IllegalArgumentException(String.format(Locale.ROOT, "[%s] field [%s] is null", processorType, field));
        }
        if (value instanceof String text) {
            return text.isBlank() ? null : text;
        }
        throw new IllegalArgumentException(
            String.format(Locale.ROOT, "[%s] field [%s] is %s; expected a string", processorType, field, describe(value))
        );
    }

    private static String describe(Object value) {
        if (value instanceof Map) {
            return "an object";
        }
        if (value instanceof List) {
            return "an array";
        }
        if (value instanceof Boolean) {
            return "a boolean [" + value + "]";
        }
        if (value instanceof Number) {
            return "a number [" + value + "]";
        }
        return "a " + value.getClass().getSimpleName();
    }
}
