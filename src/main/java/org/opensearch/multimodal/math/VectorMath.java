package org.opensearch.multimodal.math;

import org.apache.lucene.util.VectorUtil;

/** Small pure functions over float vectors. */
public final class VectorMath {

    private VectorMath() {
    }

    /** Scales {@code vector} in place to unit length; a zero vector is left as it is. */
    public static float[] l2NormalizeInPlace(float[] vector) {
        double sum = 0;
        for (float v : vector) {
            sum += (double) v * v;
        }
        if (sum > 0) {
            float inverse = (float) (1.0 / Math.sqrt(sum));
            for (int i = 0; i < vector.length; i++) {
                vector[i] *= inverse;
            }
        }
        return vector;
    }

    public static float dot(float[] a, float[] b) {
        return VectorUtil.dotProduct(a, b);
    }

    public static boolean isZero(float[] vector) {
        for (float v : vector) {
            if (v != 0f) {
                return false;
            }
        }
        return true;
    }
}
