package org.opensearch.multimodal.math;

import org.opensearch.test.OpenSearchTestCase;

import java.util.Arrays;

/**
 * {@link EncodedMaxSim} against a brute-force double-precision MaxSim of the float query and the decoded document rows,
 * on random unit rows. Tolerances: float32 and int8 1e-5, bfloat16 and binary 1e-4: all are exact up to float rounding
 * against the decoded rows (measured at most 2e-7 at any dims); int8 scores the float query against the stored bytes, so
 * only the document's own quantization (which the decoded rows carry) separates it from float32.
 */
public final class EncodedMaxSimTests extends OpenSearchTestCase {

    private static float tolerance(TokenEncoding encoding) {
        return switch (encoding) {
            case FLOAT32, INT8 -> 1e-5f;
            case BFLOAT16, BINARY -> 1e-4f;
        };
    }

    /** A document: its encoded block (at an offset inside a larger array) and its decoded rows. */
    private record Document(byte[] block, int offset, float[][] decoded) {

        static Document random(TokenEncoding encoding, int rows, int dims, float[] center) {
            float[][] tokens = MaxSimTests.randomUnitRows(rows, dims);
            int rowBytes = encoding.bytesPerRow(dims);
            int offset = randomIntBetween(0, 9);
            byte[] block = new byte[offset + rows * rowBytes + randomIntBetween(0, 9)];
            float[][] decoded = new float[rows][dims];
            for (int j = 0; j < rows; j++) {
                encoding.encodeRow(tokens[j], block, offset + j * rowBytes, center);
                encoding.decodeRow(block, offset + j * rowBytes, dims, decoded[j], center);
            }
            return new Document(block, offset, decoded);
        }
    }

    /** Brute-force MaxSim in double; {@code best[t]} the reference's best dot product of query row t. */
    private static double reference(float[][] query, int queryRows, float[][] document, double[] best) {
        if (queryRows == 0 || document.length == 0) {
            return 0;
        }
        double sum = 0;
        for (int t = 0; t < queryRows; t++) {
            best[t] = Double.NEGATIVE_INFINITY;
            for (float[] row : document) {
                best[t] = Math.max(best[t], dot(query[t], row));
            }
            sum += best[t];
        }
        return sum / queryRows;
    }

    private static double dot(float[] a, float[] b) {
        double dot = 0;
        for (int k = 0; k < a.length; k++) {
            dot += (double) a[k] * b[k];
        }
        return dot;
    }

    public void testMatchesBruteForceOnDecodedRows() {
        for (TokenEncoding encoding : TokenEncoding.values()) {
            for (int trial = 0; trial < 30; trial++) {
                int dims = TokenEncodingTests.randomDims();
                checkAgainstBruteForce(encoding, dims, randomIntBetween(1, 12), randomIntBetween(0, 3), randomIntBetween(1, 40), null);
            }
        }
    }

    public void testMatchesBruteForceAtTheProductsShape() {
        for (TokenEncoding encoding : TokenEncoding.values()) {
            checkAgainstBruteForce(encoding, 384, 20, 0, 330, null, tolerance(encoding));
        }
    }

    public void testBinaryWithACenterMatchesBruteForceOnDecodedRows() {
        for (int trial = 0; trial < 30; trial++) {
            int dims = TokenEncodingTests.randomDims();
            float[] center = TokenEncodingTests.randomUnitRow(dims);
            for (int k = 0; k < dims; k++) {
                center[k] *= randomFloat();
            }
            checkAgainstBruteForce(TokenEncoding.BINARY, dims, randomIntBetween(1, 12), 0, randomIntBetween(1, 40), center);
        }
    }

    /** Scores one random document; the query has {@code padding} extra rows that must not count. */
    private void checkAgainstBruteForce(TokenEncoding encoding, int dims, int queryRows, int padding, int docRows, float[] center) {
        checkAgainstBruteForce(encoding, dims, queryRows, padding, docRows, center, tolerance(encoding));
    }

    private void checkAgainstBruteForce(
        TokenEncoding encoding,
        int dims,
        int queryRows,
        int padding,
        int docRows,
        float[] center,
        float tolerance
    ) {
        float[][] query = MaxSimTests.randomUnitRows(queryRows + padding, dims);
        Document document = Document.random(encoding, docRows, dims, center);
        EncodedMaxSim maxSim = new EncodedMaxSim(query, queryRows, dims, encoding, center);
        double[] best = new double[queryRows];
        double expected = reference(query, queryRows, document.decoded(), best);
        String what = encoding + " dims " + dims + " query rows " + queryRows + " document rows " + docRows;
        assertEquals(what, expected, maxSim.score(document.block(), document.offset(), docRows), tolerance);
        int[] argmax = new int[queryRows + padding];
        Arrays.fill(argmax, -7);
        float withArgmax = maxSim.score(document.block(), document.offset(), docRows, argmax);
        // the same arithmetic, but the vector API's lane sum has no fixed order: interpreted and compiled code may
        // round the last bit differently
        assertEquals(what, maxSim.score(document.block(), document.offset(), docRows), withArgmax, 1e-6f);
        for (int t = 0; t < queryRows; t++) {
            // a different row only where it ties with the reference's best within the kernel's tolerance
            assertEquals(what + " query row " + t, best[t], dot(query[t], document.decoded()[argmax[t]]), 2 * tolerance(encoding));
        }
        for (int t = queryRows; t < argmax.length; t++) {
            assertEquals("padding rows are left alone", -7, argmax[t]);
        }
    }

    public void testArgmaxIsTheFirstOfEqualRows() {
        float[][] query = {{1f, 0f, 0f}, {0f, 1f, 0f}};
        float[][] document = {{0f, 1f, 0f}, {1f, 0f, 0f}, {0f, 1f, 0f}, {1f, 0f, 0f}};
        for (TokenEncoding encoding : TokenEncoding.values()) {
            int[] argmax = new int[2];
            float score = new EncodedMaxSim(query, 2, 3, encoding).score(encoding.encode(document), 0, 4, argmax);
            assertArrayEquals(encoding.toString(), new int[]{1, 0}, argmax);
            if (encoding != TokenEncoding.BINARY) {
                assertEquals(encoding.toString(), 1f, score, tolerance(encoding));
            }
        }
    }

    public void testSetQueryGivesTheSameScoresAsAFreshInstance() {
        for (TokenEncoding encoding : TokenEncoding.values()) {
            int dims = TokenEncodingTests.randomDims();
            int queryRows = randomIntBetween(1, 10);
            float[] center = encoding == TokenEncoding.BINARY && randomBoolean() ? TokenEncodingTests.randomUnitRow(dims) : null;
            EncodedMaxSim reused = new EncodedMaxSim(MaxSimTests.randomUnitRows(queryRows, dims), queryRows, dims, encoding, center);
            for (int step = 0; step < 5; step++) {
                float[][] query = MaxSimTests.randomUnitRows(queryRows + 1, dims);
                reused.setQuery(query);
                EncodedMaxSim fresh = new EncodedMaxSim(query, queryRows, dims, encoding, center);
                for (int doc = 0; doc < 3; doc++) {
                    int docRows = randomIntBetween(1, 20);
                    Document document = Document.random(encoding, docRows, dims, center);
                    int[] reusedArgmax = new int[queryRows];
                    int[] freshArgmax = new int[queryRows];
                    assertEquals(
                        fresh.score(document.block(), document.offset(), docRows, freshArgmax),
                        reused.score(document.block(), document.offset(), docRows, reusedArgmax),
                        0f
                    );
                    assertArrayEquals(freshArgmax, reusedArgmax);
                }
            }
        }
    }

    public void testSetCenterReplacesTheCenter() {
        int dims = 17;
        float[][] query = MaxSimTests.randomUnitRows(3, dims);
        float[] first = TokenEncodingTests.randomUnitRow(dims);
        float[] second = TokenEncodingTests.randomUnitRow(dims);
        Document document = Document.random(TokenEncoding.BINARY, 5, dims, second);
        EncodedMaxSim moved = new EncodedMaxSim(query, 3, dims, TokenEncoding.BINARY, first);
        moved.setCenter(second);
        EncodedMaxSim fresh = new EncodedMaxSim(query, 3, dims, TokenEncoding.BINARY, second);
        assertEquals(fresh.score(document.block(), document.offset(), 5), moved.score(document.block(), document.offset(), 5), 0f);
        moved.setCenter(null);
        EncodedMaxSim none = new EncodedMaxSim(query, 3, dims, TokenEncoding.BINARY);
        assertEquals(none.score(document.block(), document.offset(), 5), moved.score(document.block(), document.offset(), 5), 0f);
        expectThrows(IllegalArgumentException.class, () -> new EncodedMaxSim(query, 3, dims, TokenEncoding.INT8, first));
        expectThrows(IllegalArgumentException.class, () -> moved.setCenter(new float[dims + 1]));
    }

    public void testNoRowsScoreZero() {
        for (TokenEncoding encoding : TokenEncoding.values()) {
            float[][] query = MaxSimTests.randomUnitRows(2, 9);
            byte[] block = encoding.encode(MaxSimTests.randomUnitRows(3, 9));
            int[] argmax = {5, 5};
            assertEquals(0f, new EncodedMaxSim(query, 2, 9, encoding).score(block, 0, 0, argmax), 0f);
            assertArrayEquals(new int[]{-1, -1}, argmax);
            assertEquals(0f, new EncodedMaxSim(query, 0, 9, encoding).score(block, 0, 3), 0f);
            assertEquals(0f, new EncodedMaxSim(new float[0][], 0, 9, encoding).score(block, 0, 3), 0f);
        }
    }

    public void testShapesAreChecked() {
        float[][] query = MaxSimTests.randomUnitRows(2, 9);
        EncodedMaxSim maxSim = new EncodedMaxSim(query, 2, 9, TokenEncoding.INT8);
        expectThrows(IllegalArgumentException.class, () -> maxSim.setQuery(MaxSimTests.randomUnitRows(1, 9)));
        expectThrows(IllegalArgumentException.class, () -> maxSim.setQuery(MaxSimTests.randomUnitRows(2, 8)));
        expectThrows(IndexOutOfBoundsException.class, () -> maxSim.score(new byte[13 * 2], 1, 2));
        expectThrows(IllegalArgumentException.class, () -> maxSim.score(new byte[13], 0, -1));
    }
}
