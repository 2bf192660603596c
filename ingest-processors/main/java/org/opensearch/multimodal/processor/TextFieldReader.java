package org.opensearch.multimodal.processor;

import org.opensearch.ingest.IngestDocument;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads the text of one source field, or explains in an error naming the field why it cannot be embedded. */
final class TextFieldReader {

    private TextFieldReader() {
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
