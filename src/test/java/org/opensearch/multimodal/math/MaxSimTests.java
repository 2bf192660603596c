package org.opensearch.multimodal.math;

import org.apache.lucene.util.VectorUtil;
import org.opensearch.test.OpenSearchTestCase;

/** MaxSim against a brute-force double-precision reference on random vectors. */
public final class MaxSimTests extends OpenSearchTestCase {

    static float[][] randomUnitRows(int rows, int dims) {
        float[][] out = new float[rows][dims];
        for (float[] row : out) {
            for (int k = 0; k < dims; k++) {
                row[k] = (float) random().nextGaussian();
            }
            VectorMath.l2NormalizeInPlace(row);
        }
        return out;
    }

    private static double reference(float[][] query, int rows, float[][] document) {
        double sum = 0;
        for (int t = 0; t < rows; t++) {
            double best = Double.NEGATIVE_INFINITY;
            for (float[] token : document) {
                double dot = 0;
                for (int k = 0; k < token.length; k++) {
                    dot += (double) query[t][k] * token[k];
                }
                best = Math.max(best, dot);
            }
            sum += best;
        }
        return sum / rows;
    }

    public void testMatchesBruteForceOnRandomVectors() {
        for (int trial = 0; trial < 20; trial++) {
            int dims = randomIntBetween(1, 70);
            float[][] query = randomUnitRows(randomIntBetween(1, 12), dims);
            float[][] document = randomUnitRows(randomIntBetween(1, 40), dims);
            int rows = randomIntBetween(1, query.length);
            assertEquals(reference(query, rows, document), MaxSim.score(query, rows, document), 1e-5);
            int[] best = bestTokens(query, rows, document);
            double viaBest = 0;
            for (int t = 0; t < rows; t++) {
                viaBest += VectorUtil.dotProduct(query[t], document[best[t]]);
            }
            assertEquals("the best tokens give the score", reference(query, rows, document), viaBest / rows, 1e-5);
            int[] bestInOnePass = new int[rows];
            assertEquals(MaxSim.score(query, rows, document), MaxSim.scoreAndBestTokens(query, rows, document, bestInOnePass), 0f);
            assertArrayEquals("one pass finds the same tokens", best, bestInOnePass);
        }
    }

    public void testPaddedRowsAndEmptyDocumentsAreDefined() {
        float[][] query = {{1f, 0f}, {0f, 1f}, {100f, 100f}};
        float[][] document = {{1f, 0f}};
        assertEquals("the third row is padding", 0.5f, MaxSim.score(query, 2, document), 1e-7f);
        assertEquals(0f, MaxSim.score(query, 2, new float[0][]), 0f);
    }

    /** For each of the first {@code queryRows} query rows, the index of the document token it matches best. */
    static int[] bestTokens(float[][] query, int queryRows, float[][] document) {
        int[] best = new int[queryRows];
        MaxSim.scoreAndBestTokens(query, queryRows, document, best);
        return best;
    }
}
