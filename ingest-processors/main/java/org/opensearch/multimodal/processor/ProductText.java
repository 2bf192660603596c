package org.opensearch.multimodal.processor;

import org.opensearch.ingest.IngestDocument;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads one text field of a product: a string, number or boolean, or an array of them; missing fields give null. */
final class ProductText {

    private ProductText() {
    }

    static String read(IngestDocument document, String field, String processorType) {
        if (document.hasField(field, true) == false) {
            return null;
        }
        Object value = document.getFieldValue(field, Object.class, true);
        String text = scalar(value);
        if (text == null && value instanceof List<?> list) {
            List<String> parts = new ArrayList<>();
            for (Object item : list) {
                String part = scalar(item);
                if (part == null) {
                    throw wrongKind(field, processorType);
                }
                parts.add(part);
            }
            text = String.join(", ", parts);
        } else if (text == null && value != null) {
            throw wrongKind(field, processorType);
        }
        return text == null || text.isBlank() ? null : text;
    }

    private static String scalar(Object value) {
        return value instanceof String || value instanceof Number || value instanceof Boolean ? value.toString() : null;
    }

    private static IllegalArgumentException wrongKind(String field, String processorType) {
        return new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "[%s] field [%s] is an object; text fields take strings, numbers, booleans or arrays of them",
                processorType,
                field
            )
        );
    }

}
