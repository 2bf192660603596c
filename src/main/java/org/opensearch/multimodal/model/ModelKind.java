package org.opensearch.multimodal.model;

import java.util.Locale;

/** What a model embeds. */
public enum ModelKind {
    TEXT;

    public static ModelKind parse(String value) {
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "unknown model kind [%s], expected one of [text]", value));
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
