package org.opensearch.multimodal.query.rescore;

import java.util.Locale;

/** How the {@code late_interaction} rescorer combines a hit's first-pass score with its MaxSim score (each weighted). */
public enum LateInteractionScoreMode {

    REPLACE, TOTAL, MULTIPLY, MAX, MIN;

    float combine(float firstPass, float maxSim) {
        return switch (this) {
            case REPLACE -> maxSim;
            case TOTAL -> firstPass + maxSim;
            case MULTIPLY -> firstPass * maxSim;
            case MAX -> Math.max(firstPass, maxSim);
            case MIN -> Math.min(firstPass, maxSim);
        };
    }

    static LateInteractionScoreMode parse(String value) {
        for (LateInteractionScoreMode mode : values()) {
            if (mode.toString().equals(value)) {
                return mode;
            }
        }
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "[late_interaction.score_mode] unknown mode [%s], expected one of [replace, total, multiply, max, min]",
                value
            )
        );
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
