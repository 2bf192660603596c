package org.opensearch.multimodal.math;

import org.apache.lucene.util.VectorUtil;

/**
 * MaxSim's inner loop: one document row (expanded to floats) dotted with every query row. {@link #get()} is the
 * node's fastest: with the JDK's vector module readable (the distribution's {@code jvm.options} adds
 * {@code jdk.incubator.vector}, as Lucene's SIMD scoring needs) a kernel that dots four query rows per pass over the
 * document row, so each of its values is loaded once for four products and the lane sums are reduced once per pair;
 * otherwise one Lucene {@link VectorUtil#dotProduct(float[], float[])} per query row.
 */
public interface RowDots {

    /** {@code out[t] = query[t] . row} over the first {@code dims} values, for t below {@code queryRows}. */
    void dots(float[][] query, int queryRows, float[] row, int dims, float[] out);

    /**
     * {@link #dots} for two document rows at once: {@code outA[t] = query[t] . rowA}, {@code outB[t] = query[t] . rowB}.
     * A kernel may share each query value's load between the two rows.
     */
    default void dots(float[][] query, int queryRows, float[] rowA, float[] rowB, int dims, float[] outA, float[] outB) {
        dots(query, queryRows, rowA, dims, outA);
        dots(query, queryRows, rowB, dims, outB);
    }

    /** Widens {@code dims} signed bytes of {@code block} from {@code offset} into {@code row}. */
    void widen(byte[] block, int offset, float[] row, int dims);

    /** The kernel this node uses. */
    static RowDots get() {
        return Holder.BEST;
    }

    /** One Lucene dot product per query row; the kernel without the vector module, and the reference for tests. */
    final class PerRow implements RowDots {

        @Override
        public void dots(float[][] query, int queryRows, float[] row, int dims, float[] out) {
            for (int t = 0; t < queryRows; t++) {
                float[] q = query[t];
                if (q.length == dims && row.length == dims) {
                    out[t] = VectorUtil.dotProduct(q, row);
                } else {
                    float sum = 0f;
                    for (int k = 0; k < dims; k++) {
                        sum += q[k] * row[k];
                    }
                    out[t] = sum;
                }
            }
        }

        @Override
        public void widen(byte[] block, int offset, float[] row, int dims) {
            for (int k = 0; k < dims; k++) {
                row[k] = block[offset + k];
            }
        }
    }

    /** Chooses once per JVM. */
    final class Holder {

        static final RowDots BEST = choose();

        private Holder() {
        }

        private static RowDots choose() {
            if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
                return new PerRow();
            }
            try {
                return new SimdRowDots();
            } catch (LinkageError e) {
                return new PerRow();
            }
        }
    }
}
