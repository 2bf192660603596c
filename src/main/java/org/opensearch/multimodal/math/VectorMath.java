package org.opensearch.multimodal.math;

/** Small pure functions over float vectors. */
public final class VectorMath {

    private VectorMath() {
    }

    /** How far from 1 a squared norm may be for a vector to count as unit length: float rounding of a normalized vector. */
    static final double UNIT_TOLERANCE = 1e-5;

    /**
     * Scales {@code vector} in place to unit length (a zero vector is left as it is), unless it is unit length already
     * (a squared norm within {@link #UNIT_TOLERANCE} of 1): so normalizing is idempotent, and a vector read back from an
     * index (derived {@code _source}, a replica's recovery, {@code _reindex}) is stored again bit for bit, not rescaled
     * by an ulp, and the copies of a shard agree.
     */
    public static float[] l2NormalizeInPlace(float[] vector) {
        double sum = 0;
        for (float v : vector) {
            sum += (double) v * v;
        }
        if (sum > 0 && Math.abs(sum - 1) > UNIT_TOLERANCE) {
            float inverse = (float) (1.0 / Math.sqrt(sum));
            for (int i = 0; i < vector.length; i++) {
                vector[i] *= inverse;
            }
        }
        return vector;
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
