package org.opensearch.multimodal.model;

import java.util.Locale;

/** What a model embeds. */
public enum ModelKind {

    /** Text only: {@code model.onnx} (or {@code text_model.onnx}) and a tokenizer. */
    TEXT,
    /** Images only: {@code vision_model.onnx}, e.g. an image tower trained into a text model's space. */
    IMAGE,
    /** Both towers of a CLIP-family export: {@code text_model.onnx} and {@code vision_model.onnx} in one space. */
    CLIP;

    public boolean hasText() {
        return this != IMAGE;
    }

    public boolean hasImage() {
        return this != TEXT;
    }

    public static ModelKind parse(String value) {
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                String.format(Locale.ROOT, "unknown model kind [%s], expected one of [text, image, clip]", value)
            );
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
