package org.opensearch.multimodal.math;

import java.util.Locale;

/**
 * Puts one retriever's pool scores on a common scale before they are combined. {@code NaN} marks a document the
 * retriever could not score (e.g. it has no vector); it stays {@code NaN}. Degenerate pools are defined: all scores
 * equal gives 1 for min_max and 0 for z_score; a zero vector of scores gives 0 for l2.
 */
public enum ScoreNormalization {

    MIN_MAX, Z_SCORE, L2, NONE;

    public static ScoreNormalization parse(String value) {
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                String.format(Locale.ROOT, "unknown normalization [%s], expected one of [min_max, z_score, l2, none]", value)
            );
        }
    }

    /** A new array of the normalized scores. */
    public float[] apply(float[] scores) {
        float[] out = scores.clone();
        switch (this) {
            case MIN_MAX -> {
                float min = Float.POSITIVE_INFINITY;
                float max = Float.NEGATIVE_INFINITY;
                for (float s : scores) {
                    if (Float.isNaN(s) == false) {
                        min = Math.min(min, s);
                        max = Math.max(max, s);
                    }
                }
                for (int i = 0; i < out.length; i++) {
                    if (Float.isNaN(out[i]) == false) {
                        out[i] = max > min ? (out[i] - min) / (max - min) : 1f;
                    }
                }
            }
            case Z_SCORE -> {
                double sum = 0;
                int n = 0;
                for (float s : scores) {
                    if (Float.isNaN(s) == false) {
                        sum += s;
                        n++;
                    }
                }
                double mean = n == 0 ? 0 : sum / n;
                double squares = 0;
                for (float s : scores) {
                    if (Float.isNaN(s) == false) {
                        squares += (s - mean) * (s - mean);
                    }
                }
                double std = n == 0 ? 0 : Math.sqrt(squares / n);
                for (int i = 0; i < out.length; i++) {
                    if (Float.isNaN(out[i]) == false) {
                        out[i] = std > 0 ? (float) ((out[i] - mean) / std) : 0f;
                    }
                }
            }
            case L2 -> {
                double squares = 0;
                for (float s : scores) {
                    if (Float.isNaN(s) == false) {
                        squares += (double) s * s;
                    }
                }
                double norm = Math.sqrt(squares);
                for (int i = 0; i < out.length; i++) {
                    if (Float.isNaN(out[i]) == false) {
                        out[i] = norm > 0 ? (float) (out[i] / norm) : 0f;
                    }
                }
            }
            case NONE -> {
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
