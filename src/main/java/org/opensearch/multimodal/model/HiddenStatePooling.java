package org.opensearch.multimodal.model;

import org.opensearch.multimodal.math.VectorMath;

import java.util.Arrays;

/**
 * Turns a model's flat {@code last_hidden_state [batch, seq, dims]} output into one vector per input and
 * per-token vectors, with the same forward pass serving both.
 */
public final class HiddenStatePooling {

    private HiddenStatePooling() {
    }

    /** One pooled vector for row {@code row} of the batch. {@code mask[t]} is 1 for real tokens, 0 for padding. */
    public static float[] pool(float[] hidden, int row, int seqLen, int dims, long[] mask, Pooling pooling, boolean normalize) {
        int rowOffset = row * seqLen * dims;
        float[] pooled;
        if (pooling == Pooling.CLS) {
            pooled = Arrays.copyOfRange(hidden, rowOffset, rowOffset + dims);
        } else {
            pooled = new float[dims];
            int count = 0;
            for (int t = 0; t < seqLen; t++) {
                if (mask[t] == 0) {
                    continue;
                }
                count++;
                int offset = rowOffset + t * dims;
                for (int d = 0; d < dims; d++) {
                    pooled[d] += hidden[offset + d];
                }
            }
            for (int d = 0; d < dims; d++) {
                pooled[d] /= Math.max(count, 1);
            }
        }
        return normalize ? VectorMath.l2NormalizeInPlace(pooled) : pooled;
    }

    /**
     * The L2-normalized vectors of the tokens of row {@code row} that are neither padding ({@code mask == 0}) nor special
     * tokens such as [CLS] and [SEP] ({@code special == 1}), in sequence order.
     */
    public static float[][] tokenVectors(float[] hidden, int row, int seqLen, int dims, long[] mask, long[] special) {
        int rowOffset = row * seqLen * dims;
        int kept = 0;
        for (int t = 0; t < seqLen; t++) {
            if (isContentToken(mask, special, t)) {
                kept++;
            }
        }
        float[][] tokens = new float[kept][];
        int next = 0;
        for (int t = 0; t < seqLen; t++) {
            if (isContentToken(mask, special, t)) {
                int offset = rowOffset + t * dims;
                tokens[next++] = VectorMath.l2NormalizeInPlace(Arrays.copyOfRange(hidden, offset, offset + dims));
            }
        }
        return tokens;
    }

    private static boolean isContentToken(long[] mask, long[] special, int t) {
        return t < mask.length && mask[t] != 0 && (t >= special.length || special[t] == 0);
    }
}
