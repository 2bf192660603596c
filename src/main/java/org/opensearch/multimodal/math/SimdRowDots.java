package org.opensearch.multimodal.math;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link RowDots} on the JDK's vector API: four query rows per pass over the document row, one fused multiply-add per
 * lane group and query row, the lane sums reduced once per dot product. Loaded only when {@code jdk.incubator.vector}
 * is readable ({@link RowDots#get()}).
 */
final class SimdRowDots implements RowDots {

    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    /** As many bytes as {@link #FLOATS} has lanes, so one byte load widens into one float vector. */
    private static final VectorSpecies<Byte> BYTES = VectorSpecies.of(byte.class, VectorShape.forBitSize(FLOATS.length() * Byte.SIZE));

    SimdRowDots() {
        // touch the species so a JVM that cannot run the vector API fails here, at choice time
        FloatVector.zero(FLOATS).reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void dots(float[][] query, int queryRows, float[] row, int dims, float[] out) {
        int lanes = FLOATS.length();
        int bound = FLOATS.loopBound(dims);
        int t = 0;
        for (; t + 3 < queryRows; t += 4) {
            float[] q0 = query[t];
            float[] q1 = query[t + 1];
            float[] q2 = query[t + 2];
            float[] q3 = query[t + 3];
            FloatVector a0 = FloatVector.zero(FLOATS);
            FloatVector a1 = FloatVector.zero(FLOATS);
            FloatVector a2 = FloatVector.zero(FLOATS);
            FloatVector a3 = FloatVector.zero(FLOATS);
            for (int k = 0; k < bound; k += lanes) {
                FloatVector r = FloatVector.fromArray(FLOATS, row, k);
                a0 = FloatVector.fromArray(FLOATS, q0, k).fma(r, a0);
                a1 = FloatVector.fromArray(FLOATS, q1, k).fma(r, a1);
                a2 = FloatVector.fromArray(FLOATS, q2, k).fma(r, a2);
                a3 = FloatVector.fromArray(FLOATS, q3, k).fma(r, a3);
            }
            out[t] = finish(a0, q0, row, bound, dims);
            out[t + 1] = finish(a1, q1, row, bound, dims);
            out[t + 2] = finish(a2, q2, row, bound, dims);
            out[t + 3] = finish(a3, q3, row, bound, dims);
        }
        for (; t < queryRows; t++) {
            float[] q = query[t];
            FloatVector a = FloatVector.zero(FLOATS);
            for (int k = 0; k < bound; k += lanes) {
                a = FloatVector.fromArray(FLOATS, q, k).fma(FloatVector.fromArray(FLOATS, row, k), a);
            }
            out[t] = finish(a, q, row, bound, dims);
        }
    }

    /**
     * Two document rows by four query rows per pass: six loads feed eight independent multiply-adds (one row: five
     * loads for four, and four accumulators wait on the multiply-add's latency).
     */
    @Override
    public void dots(float[][] query, int queryRows, float[] rowA, float[] rowB, int dims, float[] outA, float[] outB) {
        int lanes = FLOATS.length();
        int bound = FLOATS.loopBound(dims);
        int t = 0;
        for (; t + 3 < queryRows; t += 4) {
            float[] q0 = query[t];
            float[] q1 = query[t + 1];
            float[] q2 = query[t + 2];
            float[] q3 = query[t + 3];
            FloatVector a0 = FloatVector.zero(FLOATS);
            FloatVector a1 = FloatVector.zero(FLOATS);
            FloatVector a2 = FloatVector.zero(FLOATS);
            FloatVector a3 = FloatVector.zero(FLOATS);
            FloatVector b0 = FloatVector.zero(FLOATS);
            FloatVector b1 = FloatVector.zero(FLOATS);
            FloatVector b2 = FloatVector.zero(FLOATS);
            FloatVector b3 = FloatVector.zero(FLOATS);
            for (int k = 0; k < bound; k += lanes) {
                FloatVector ra = FloatVector.fromArray(FLOATS, rowA, k);
                FloatVector rb = FloatVector.fromArray(FLOATS, rowB, k);
                FloatVector v0 = FloatVector.fromArray(FLOATS, q0, k);
                a0 = v0.fma(ra, a0);
                b0 = v0.fma(rb, b0);
                FloatVector v1 = FloatVector.fromArray(FLOATS, q1, k);
                a1 = v1.fma(ra, a1);
                b1 = v1.fma(rb, b1);
                FloatVector v2 = FloatVector.fromArray(FLOATS, q2, k);
                a2 = v2.fma(ra, a2);
                b2 = v2.fma(rb, b2);
                FloatVector v3 = FloatVector.fromArray(FLOATS, q3, k);
                a3 = v3.fma(ra, a3);
                b3 = v3.fma(rb, b3);
            }
            outA[t] = finish(a0, q0, rowA, bound, dims);
            outA[t + 1] = finish(a1, q1, rowA, bound, dims);
            outA[t + 2] = finish(a2, q2, rowA, bound, dims);
            outA[t + 3] = finish(a3, q3, rowA, bound, dims);
            outB[t] = finish(b0, q0, rowB, bound, dims);
            outB[t + 1] = finish(b1, q1, rowB, bound, dims);
            outB[t + 2] = finish(b2, q2, rowB, bound, dims);
            outB[t + 3] = finish(b3, q3, rowB, bound, dims);
        }
        for (; t < queryRows; t++) {
            float[] q = query[t];
            FloatVector a = FloatVector.zero(FLOATS);
            FloatVector b = FloatVector.zero(FLOATS);
            for (int k = 0; k < bound; k += lanes) {
                FloatVector v = FloatVector.fromArray(FLOATS, q, k);
                a = v.fma(FloatVector.fromArray(FLOATS, rowA, k), a);
                b = v.fma(FloatVector.fromArray(FLOATS, rowB, k), b);
            }
            outA[t] = finish(a, q, rowA, bound, dims);
            outB[t] = finish(b, q, rowB, bound, dims);
        }
    }

    /** The lane sum of {@code acc} plus the products past the last full lane group. */
    private static float finish(FloatVector acc, float[] q, float[] row, int bound, int dims) {
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (int k = bound; k < dims; k++) {
            s = Math.fma(q[k], row[k], s);
        }
        return s;
    }

    @Override
    public void widen(byte[] block, int offset, float[] row, int dims) {
        int lanes = FLOATS.length();
        int k = 0;
        for (; k + lanes <= dims; k += lanes) {
            ((FloatVector) ByteVector.fromArray(BYTES, block, offset + k).convertShape(VectorOperators.B2F, FLOATS, 0)).intoArray(row, k);
        }
        for (; k < dims; k++) {
            row[k] = block[offset + k];
        }
    }
}
