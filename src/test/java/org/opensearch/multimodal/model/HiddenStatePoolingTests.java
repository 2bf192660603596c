package org.opensearch.multimodal.model;

import org.apache.lucene.util.VectorUtil;
import org.opensearch.test.OpenSearchTestCase;

/** Pooling of a flat {@code [batch, seq, dims]} hidden-state tensor, checked against brute force on tiny arrays. */
public final class HiddenStatePoolingTests extends OpenSearchTestCase {

    /** Batch of 2 rows, 3 tokens, 2 dims; value at (row, t, d) is {@code HIDDEN[row * 6 + t * 2 + d]}. */
    private static final float[] HIDDEN = {
        // row 0: [CLS], "a", [SEP]
        1f, 0f, 3f, 4f, 0f, 2f,
        // row 1: [CLS], [SEP], padding
        0f, 5f, 6f, 8f, 100f, -100f};
    private static final int SEQ = 3;
    private static final int DIMS = 2;

    public void testClsTakesTheFirstTokenOfItsOwnRow() {
        assertArrayEquals(new float[]{1f, 0f}, HiddenStatePooling.pool(HIDDEN, 0, SEQ, DIMS, new long[]{1, 1, 1}, Pooling.CLS, false), 0f);
        assertArrayEquals(new float[]{0f, 5f}, HiddenStatePooling.pool(HIDDEN, 1, SEQ, DIMS, new long[]{1, 1, 0}, Pooling.CLS, false), 0f);
    }

    public void testMeanAveragesTheRealTokensOnly() {
        float[] all = HiddenStatePooling.pool(HIDDEN, 0, SEQ, DIMS, new long[]{1, 1, 1}, Pooling.MEAN, false);
        assertArrayEquals(new float[]{(1f + 3f + 0f) / 3, (0f + 4f + 2f) / 3}, all, 1e-6f);
        float[] padded = HiddenStatePooling.pool(HIDDEN, 1, SEQ, DIMS, new long[]{1, 1, 0}, Pooling.MEAN, false);
        assertArrayEquals("the padding token (100, -100) must not count", new float[]{3f, 6.5f}, padded, 1e-6f);
    }

    public void testNormalizeGivesTheUnitVectorInTheSameDirection() {
        float[] raw = HiddenStatePooling.pool(HIDDEN, 1, SEQ, DIMS, new long[]{1, 1, 0}, Pooling.MEAN, false);
        float[] unit = HiddenStatePooling.pool(HIDDEN, 1, SEQ, DIMS, new long[]{1, 1, 0}, Pooling.MEAN, true);
        assertEquals(1.0, VectorUtil.dotProduct(unit, unit), 1e-6);
        double norm = Math.sqrt(VectorUtil.dotProduct(raw, raw));
        assertArrayEquals(new float[]{(float) (raw[0] / norm), (float) (raw[1] / norm)}, unit, 1e-6f);
    }

    public void testPoolingDoesNotModifyTheHiddenStates() {
        float[] hidden = HIDDEN.clone();
        HiddenStatePooling.pool(hidden, 0, SEQ, DIMS, new long[]{1, 1, 1}, Pooling.CLS, true);
        HiddenStatePooling.pool(hidden, 0, SEQ, DIMS, new long[]{1, 1, 1}, Pooling.MEAN, true);
        HiddenStatePooling.tokenVectors(hidden, 0, SEQ, DIMS, new long[]{1, 1, 1}, new long[]{0, 0, 0});
        assertArrayEquals(HIDDEN, hidden, 0f);
    }

    public void testTokenVectorsSkipSpecialAndPaddingTokensAndAreUnitLength() {
        float[][] row0 = HiddenStatePooling.tokenVectors(HIDDEN, 0, SEQ, DIMS, new long[]{1, 1, 1}, new long[]{1, 0, 1});
        assertEquals("only the content token remains", 1, row0.length);
        assertArrayEquals(new float[]{0.6f, 0.8f}, row0[0], 1e-6f);

        float[][] row1 = HiddenStatePooling.tokenVectors(HIDDEN, 1, SEQ, DIMS, new long[]{1, 1, 0}, new long[]{1, 1, 0});
        assertEquals("special tokens and padding leave no token vector", 0, row1.length);
    }

    public void testTokenVectorsKeepSequenceOrder() {
        float[][] tokens = HiddenStatePooling.tokenVectors(HIDDEN, 0, SEQ, DIMS, new long[]{1, 1, 1}, new long[]{0, 0, 0});
        assertEquals(3, tokens.length);
        assertArrayEquals(new float[]{1f, 0f}, tokens[0], 1e-6f);
        assertArrayEquals(new float[]{0.6f, 0.8f}, tokens[1], 1e-6f);
        assertArrayEquals(new float[]{0f, 1f}, tokens[2], 1e-6f);
    }

    public void testRandomBatchMatchesBruteForce() {
        int batch = randomIntBetween(1, 4);
        int seq = randomIntBetween(1, 8);
        int dims = randomIntBetween(1, 6);
        float[] hidden = new float[batch * seq * dims];
        for (int i = 0; i < hidden.length; i++) {
            hidden[i] = randomFloat() * 2 - 1 + (i % 3 == 0 ? 0.5f : 0f);
        }
        for (int row = 0; row < batch; row++) {
            int realTokens = randomIntBetween(1, seq);
            long[] mask = new long[seq];
            long[] special = new long[realTokens];
            for (int t = 0; t < realTokens; t++) {
                mask[t] = 1;
                special[t] = t == 0 || t == realTokens - 1 ? 1 : 0;
            }
            double[] sum = new double[dims];
            int contentTokens = 0;
            for (int t = 0; t < realTokens; t++) {
                for (int d = 0; d < dims; d++) {
                    sum[d] += hidden[(row * seq + t) * dims + d];
                }
                if (special[t] == 0) {
                    contentTokens++;
                }
            }
            float[] mean = HiddenStatePooling.pool(hidden, row, seq, dims, mask, Pooling.MEAN, false);
            float[] cls = HiddenStatePooling.pool(hidden, row, seq, dims, mask, Pooling.CLS, false);
            for (int d = 0; d < dims; d++) {
                assertEquals(sum[d] / realTokens, mean[d], 1e-5);
                assertEquals(hidden[row * seq * dims + d], cls[d], 0f);
            }
            float[][] tokens = HiddenStatePooling.tokenVectors(hidden, row, seq, dims, mask, special);
            assertEquals(contentTokens, tokens.length);
            for (float[] token : tokens) {
                assertEquals(1.0, VectorUtil.dotProduct(token, token), 1e-5);
            }
        }
    }
}
