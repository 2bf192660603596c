package org.opensearch.multimodal.model;

import java.util.Locale;

/** How one vector per input is taken from a model's per-token hidden states. */
public enum Pooling {

    /** The first ([CLS]) token's hidden state, as bge models are trained. */
    CLS,
    /** The attention-masked mean of all token hidden states. */
    MEAN,
    /** The model's output already is one vector per input ({@code [batch, dims]}, e.g. CLIP's {@code text_embeds}). */
    NONE;

    public static Pooling parse(String value) {
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                String.format(Locale.ROOT, "unknown pooling [%s], expected one of [cls, mean, none]", value)
            );
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
