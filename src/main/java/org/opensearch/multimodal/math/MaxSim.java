package org.opensearch.multimodal.math;

import org.apache.lucene.util.VectorUtil;

/**
 * Late-interaction scoring: MaxSim(q, d) = (1/|q|) * sum over query tokens t of max over document tokens j of
 * {@code <q_t, d_j>}, on L2-normalized rows (docs/DESIGN.md §5). Only the first {@code queryRows} query rows count, so a
 * padded query matrix can be scored as is.
 */
public final class MaxSim {

    private MaxSim() {
    }

    public static float score(float[][] query, int queryRows, float[][] document) {
        if (queryRows == 0 || document.length == 0) {
            return 0f;
        }
        float sum = 0f;
        for (int t = 0; t < queryRows; t++) {
            float best = Float.NEGATIVE_INFINITY;
            for (float[] token : document) {
                best = Math.max(best, VectorUtil.dotProduct(query[t], token));
            }
            sum += best;
        }
        return sum / queryRows;
    }

    /** {@link #score}, also writing each query row's best document token into {@code best} (one pass for both). */
    public static float scoreAndBestTokens(float[][] query, int queryRows, float[][] document, int[] best) {
        if (queryRows == 0 || document.length == 0) {
            return 0f;
        }
        float sum = 0f;
        for (int t = 0; t < queryRows; t++) {
            float top = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < document.length; j++) {
                float dot = VectorUtil.dotProduct(query[t], document[j]);
                if (dot > top) {
                    top = dot;
                    best[t] = j;
                }
            }
            sum += top;
        }
        return sum / queryRows;
    }
}
