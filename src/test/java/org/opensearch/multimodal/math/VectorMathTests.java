package org.opensearch.multimodal.math;

import org.opensearch.test.OpenSearchTestCase;

/** {@link VectorMath#l2NormalizeInPlace}: unit length, zero left alone, and idempotent to the bit. */
public final class VectorMathTests extends OpenSearchTestCase {

    public void testNormalizingTwiceChangesNoBit() {
        for (int trial = 0; trial < 200; trial++) {
            float[] vector = new float[randomIntBetween(1, 1024)];
            for (int i = 0; i < vector.length; i++) {
                vector[i] = (randomFloat() * 2 - 1) * randomFrom(1e-3f, 1f, 50f);
            }
            float[] once = VectorMath.l2NormalizeInPlace(vector.clone());
            double norm = 0;
            for (float v : once) {
                norm += (double) v * v;
            }
            if (norm > 0) {
                assertEquals("unit length", 1.0, norm, VectorMath.UNIT_TOLERANCE);
            }
            // what a replica or _reindex does with a vector read back from _source: normalizes it again
            float[] twice = VectorMath.l2NormalizeInPlace(parseBack(once));
            assertArrayEquals(once, twice, 0f);
        }
    }

    public void testAZeroVectorStaysZero() {
        assertArrayEquals(new float[3], VectorMath.l2NormalizeInPlace(new float[3]), 0f);
    }

    /** A vector's values as {@code _source} renders and parses them back. */
    private static float[] parseBack(float[] vector) {
        float[] back = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            back[i] = Float.parseFloat(Float.toString(vector[i]));
        }
        return back;
    }
}
