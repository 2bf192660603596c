package org.opensearch.multimodal.math;

import org.apache.lucene.util.VectorUtil;

import java.util.Arrays;

/**
 * The primary retriever of Guided Query Refinement as a differentiable function of the query parameters z: its score
 * of every pool document, and the gradient of a weighted sum of those scores. Encoders are frozen: only z moves.
 * An instance serves one refinement on one thread: the multi-vector one keeps the argmax of its last scoring.
 */
public interface RefinablePrimary {

    /** The primary's score of each pool document for parameters {@code z}. */
    float[] scores(float[] z);

    /** {@code out = sum over pool documents i of weights[i] * d s_i / d z}. */
    void weightedGradient(float[] z, float[] weights, float[] out);

    /** Single-vector primary: {@code s_i = <z, d_i>}, so the gradient of s_i is d_i. */
    static RefinablePrimary singleVector(float[][] documents) {
        return new RefinablePrimary() {

            @Override
            public float[] scores(float[] z) {
                float[] scores = new float[documents.length];
                for (int i = 0; i < documents.length; i++) {
                    scores[i] = VectorUtil.dotProduct(z, documents[i]);
                }
                return scores;
            }

            @Override
            public void weightedGradient(float[] z, float[] weights, float[] out) {
                Arrays.fill(out, 0f);
                for (int i = 0; i < documents.length; i++) {
                    float w = weights[i];
                    float[] d = documents[i];
                    for (int k = 0; k < out.length; k++) {
                        out[k] += w * d[k];
                    }
                }
            }
        };
    }

    /**
     * Multi-vector primary: z is the query token matrix, {@code rows x dims} flattened, of which the first
     * {@code realRows} are tokens (the rest padding, which gets no gradient); {@code s_i} is MaxSim of z against
     * document i's tokens, and the gradient of token t is {@code (1/realRows) d_{i, j*}} with j* its best document token.
     */
    static RefinablePrimary multiVector(float[][][] documents, int rows, int realRows, int dims) {
        return new RefinablePrimary() {

            // the argmax found while scoring z: the gradient at the same z needs exactly it, so it is not searched twice
            private final int[][] best = new int[documents.length][realRows];
            private float[] scoredZ;

            @Override
            public float[] scores(float[] z) {
                float[][] query = matrix(z);
                float[] scores = new float[documents.length];
                for (int i = 0; i < documents.length; i++) {
                    scores[i] = MaxSim.scoreAndBestTokens(query, realRows, documents[i], best[i]);
                }
                scoredZ = z.clone();
                return scores;
            }

            @Override
            public void weightedGradient(float[] z, float[] weights, float[] out) {
                if (Arrays.equals(z, scoredZ) == false) {
                    scores(z);
                }
                Arrays.fill(out, 0f);
                for (int i = 0; i < documents.length; i++) {
                    if (documents[i].length == 0) {
                        continue;
                    }
                    float w = weights[i] / realRows;
                    for (int t = 0; t < realRows; t++) {
                        float[] token = documents[i][best[i][t]];
                        int offset = t * dims;
                        for (int k = 0; k < dims; k++) {
                            out[offset + k] += w * token[k];
                        }
                    }
                }
            }

            private float[][] matrix(float[] z) {
                float[][] query = new float[rows][];
                for (int t = 0; t < rows; t++) {
                    query[t] = Arrays.copyOfRange(z, t * dims, (t + 1) * dims);
                }
                return query;
            }
        };
    }

    /**
     * Multi-vector primary over documents kept encoded: document i is {@code rowCounts[i]} rows of {@code encoding} at
     * {@code offsets[i]} of {@code blocks[i]}, binary ones encoded against {@code centers[i]} (null: none). Scores are MaxSim on the encoded form ({@link EncodedMaxSim}); the
     * gradient adds the decoded best rows, as {@link #multiVector} adds the float ones. Only the candidates' encoded
     * bytes are held while GQR steps.
     */
    static RefinablePrimary encodedMultiVector(
        byte[][] blocks,
        int[] offsets,
        int[] rowCounts,
        float[][] centers,
        TokenEncoding encoding,
        int realRows,
        int dims
    ) {
        return new RefinablePrimary() {

            private final int[][] best = new int[blocks.length][realRows];
            private final float[][] query = new float[realRows][dims];
            private final EncodedMaxSim maxSim = new EncodedMaxSim(query, realRows, dims, encoding);
            private final float[] row = new float[dims];
            private final int rowBytes = encoding.bytesPerRow(dims);
            private float[] scoredZ;

            @Override
            public float[] scores(float[] z) {
                for (int t = 0; t < realRows; t++) {
                    System.arraycopy(z, t * dims, query[t], 0, dims);
                }
                maxSim.setQuery(query);
                float[] scores = new float[blocks.length];
                for (int i = 0; i < blocks.length; i++) {
                    maxSim.setCenter(centers[i]);
                    scores[i] = maxSim.score(blocks[i], offsets[i], rowCounts[i], best[i]);
                }
                scoredZ = z.clone();
                return scores;
            }

            @Override
            public void weightedGradient(float[] z, float[] weights, float[] out) {
                if (Arrays.equals(z, scoredZ) == false) {
                    scores(z);
                }
                Arrays.fill(out, 0f);
                for (int i = 0; i < blocks.length; i++) {
                    if (rowCounts[i] == 0) {
                        continue;
                    }
                    float w = weights[i] / realRows;
                    for (int t = 0; t < realRows; t++) {
                        encoding.decodeRow(blocks[i], offsets[i] + best[i][t] * rowBytes, dims, row, centers[i]);
                        int offset = t * dims;
                        for (int k = 0; k < dims; k++) {
                            out[offset + k] += w * row[k];
                        }
                    }
                }
            }
        };
    }
}
