package org.opensearch.multimodal.math;

import org.opensearch.test.OpenSearchTestCase;

/**
 * {@link RowDots}: the node's kernel (the vector API one where the JVM has the module, as these tests and the
 * distribution run) and the per-row fallback against a double-precision reference, at every remainder of the four- and
 * eight-row blocks and of the lane width; widening against a plain cast.
 */
public final class RowDotsTests extends OpenSearchTestCase {

    public void testTheNodeUsesTheVectorKernelWhereTheModuleIsReadable() {
        boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        assertEquals(module, RowDots.get() instanceof SimdRowDots);
    }

    public void testDotsMatchADoublePrecisionReference() {
        for (RowDots kernel : new RowDots[]{RowDots.get(), new RowDots.PerRow()}) {
            for (int trial = 0; trial < 40; trial++) {
                int dims = randomFrom(1, 7, 15, 16, 17, 33, 64, 100, 384, randomIntBetween(1, 400));
                int queryRows = randomIntBetween(0, 21);
                float[][] query = MaxSimTests.randomUnitRows(queryRows, dims);
                // the row may be longer than dims (a scratch row): only the first dims count
                float[] row = new float[dims + randomIntBetween(0, 3)];
                for (int k = 0; k < row.length; k++) {
                    row[k] = randomFloat() * 2 - 1;
                }
                float[] out = new float[queryRows + 2];
                out[queryRows] = 42f;
                kernel.dots(query, queryRows, row, dims, out);
                for (int t = 0; t < queryRows; t++) {
                    double expected = 0;
                    for (int k = 0; k < dims; k++) {
                        expected += (double) query[t][k] * row[k];
                    }
                    assertEquals(kernel + " dims " + dims + " row " + t, expected, out[t], 1e-5);
                }
                assertEquals("nothing written past the query rows", 42f, out[queryRows], 0f);
            }
        }
    }

    public void testTwoRowsAtOnceGiveEachRowsOwnDots() {
        for (RowDots kernel : new RowDots[]{RowDots.get(), new RowDots.PerRow()}) {
            for (int trial = 0; trial < 40; trial++) {
                int dims = randomFrom(1, 7, 15, 16, 17, 33, 64, 100, 384, randomIntBetween(1, 400));
                int queryRows = randomIntBetween(0, 21);
                float[][] query = MaxSimTests.randomUnitRows(queryRows, dims);
                float[] rowA = new float[dims + randomIntBetween(0, 3)];
                float[] rowB = new float[dims + randomIntBetween(0, 3)];
                for (int k = 0; k < dims; k++) {
                    rowA[k] = randomFloat() * 2 - 1;
                    rowB[k] = randomFloat() * 2 - 1;
                }
                float[] outA = new float[queryRows + 1];
                float[] outB = new float[queryRows + 1];
                outA[queryRows] = 42f;
                outB[queryRows] = 43f;
                kernel.dots(query, queryRows, rowA, rowB, dims, outA, outB);
                for (int t = 0; t < queryRows; t++) {
                    double expectedA = 0;
                    double expectedB = 0;
                    for (int k = 0; k < dims; k++) {
                        expectedA += (double) query[t][k] * rowA[k];
                        expectedB += (double) query[t][k] * rowB[k];
                    }
                    assertEquals(kernel + " dims " + dims + " row A " + t, expectedA, outA[t], 1e-5);
                    assertEquals(kernel + " dims " + dims + " row B " + t, expectedB, outB[t], 1e-5);
                }
                assertEquals("nothing written past the query rows", 42f, outA[queryRows], 0f);
                assertEquals("nothing written past the query rows", 43f, outB[queryRows], 0f);
            }
        }
    }

    public void testWidenCopiesSignedBytesFromTheOffset() {
        for (RowDots kernel : new RowDots[]{RowDots.get(), new RowDots.PerRow()}) {
            for (int trial = 0; trial < 20; trial++) {
                int dims = randomFrom(1, 15, 16, 17, 64, 384, randomIntBetween(1, 400));
                int offset = randomIntBetween(0, 9);
                byte[] block = randomByteArrayOfLength(offset + dims + randomIntBetween(0, 9));
                float[] row = new float[dims + 1];
                row[dims] = 7f;
                kernel.widen(block, offset, row, dims);
                for (int k = 0; k < dims; k++) {
                    assertEquals((float) block[offset + k], row[k], 0f);
                }
                assertEquals(7f, row[dims], 0f);
            }
        }
    }
}
