package org.opensearch.multimodal.math;

import java.util.Arrays;

/**
 * Combines several retrievers' scores of one candidate pool into one score per document. {@code scores[r][i]} is
 * retriever r's score of pool document i, {@code NaN} where it cannot score it; such a document gets nothing from
 * that retriever.
 */
public final class Fusion {

    private Fusion() {
    }

    /**
     * Reciprocal rank fusion: sum over retrievers of {@code weight / (rankConstant + rank)}, rank 1 for a retriever's best
     * score in the pool. Equal scores share the better rank (1, 2, 2, 4), so the fusion does not depend on pool order.
     */
    public static float[] reciprocalRank(float[][] scores, float[] weights, int rankConstant) {
        int n = scores.length == 0 ? 0 : scores[0].length;
        float[] fused = new float[n];
        for (int r = 0; r < scores.length; r++) {
            int[] ranks = ranks(scores[r]);
            for (int i = 0; i < n; i++) {
                if (ranks[i] > 0) {
                    fused[i] += weights[r] / (rankConstant + ranks[i]);
                }
            }
        }
        return fused;
    }

    /** Normalized linear combination: sum over retrievers of {@code weight * normalize(scores)}. */
    public static float[] linear(float[][] scores, float[] weights, ScoreNormalization normalization) {
        int n = scores.length == 0 ? 0 : scores[0].length;
        float[] fused = new float[n];
        for (int r = 0; r < scores.length; r++) {
            float[] normalized = normalization.apply(scores[r]);
            for (int i = 0; i < n; i++) {
                if (Float.isNaN(normalized[i]) == false) {
                    fused[i] += weights[r] * normalized[i];
                }
            }
        }
        return fused;
    }

    /** 1-based competition ranks of the scores, higher first; 0 for {@code NaN}. O(n log n): pools can be large. */
    public static int[] ranks(float[] scores) {
        Integer[] order = new Integer[scores.length];
        int scored = 0;
        for (int i = 0; i < scores.length; i++) {
            if (Float.isNaN(scores[i]) == false) {
                order[scored++] = i;
            }
        }
        Arrays.sort(order, 0, scored, (a, b) -> Float.compare(scores[b], scores[a]));
        int[] ranks = new int[scores.length];
        for (int position = 0; position < scored; position++) {
            int doc = order[position];
            boolean tiedWithPrevious = position > 0 && scores[order[position - 1]] == scores[doc];
            ranks[doc] = tiedWithPrevious ? ranks[order[position - 1]] : position + 1;
        }
        return ranks;
    }
}
