package org.opensearch.multimodal.math;

import org.apache.lucene.util.BitUtil;
import org.opensearch.test.OpenSearchTestCase;

import java.util.Locale;

/** Each token encoding's layout and round-trip error on random unit rows, with dims that are and are not multiples of 8. */
public final class TokenEncodingTests extends OpenSearchTestCase {

    static final int[] DIMS = {1, 7, 8, 9, 384, 385};

    static int randomDims() {
        return randomBoolean() ? DIMS[randomIntBetween(0, DIMS.length - 1)] : randomIntBetween(1, 70);
    }

    public void testIdsNamesAndParsingAreStable() {
        assertEquals(0, TokenEncoding.FLOAT32.id());
        assertEquals(1, TokenEncoding.BFLOAT16.id());
        assertEquals(2, TokenEncoding.INT8.id());
        assertEquals(3, TokenEncoding.BINARY.id());
        for (TokenEncoding encoding : TokenEncoding.values()) {
            assertSame(encoding, TokenEncoding.fromId(encoding.id()));
            assertSame(encoding, TokenEncoding.parse(encoding.toString()));
            assertSame(encoding, TokenEncoding.parse(encoding.toString().toUpperCase(Locale.ROOT)));
            assertEquals(encoding.name().toLowerCase(Locale.ROOT), encoding.toString());
        }
        assertEquals("bfloat16", TokenEncoding.BFLOAT16.toString());
        assertSame(TokenEncoding.INT8, TokenEncoding.parse("Int8"));
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> TokenEncoding.parse("float16"));
        assertEquals("unknown token encoding [float16]; expected one of [float32, bfloat16, int8, binary]", e.getMessage());
        expectThrows(IllegalArgumentException.class, () -> TokenEncoding.parse(null));
        expectThrows(IllegalArgumentException.class, () -> TokenEncoding.fromId((byte) 4));
    }

    public void testBytesPerRow() {
        int[][] expected = { // dims, float32, bfloat16, int8, binary
            {1, 4, 2, 5, 5},
            {7, 28, 14, 11, 5},
            {8, 32, 16, 12, 5},
            {9, 36, 18, 13, 6},
            {384, 1536, 768, 388, 52},
            {385, 1540, 770, 389, 53}};
        for (int[] row : expected) {
            assertEquals(row[1], TokenEncoding.FLOAT32.bytesPerRow(row[0]));
            assertEquals(row[2], TokenEncoding.BFLOAT16.bytesPerRow(row[0]));
            assertEquals(row[3], TokenEncoding.INT8.bytesPerRow(row[0]));
            assertEquals(row[4], TokenEncoding.BINARY.bytesPerRow(row[0]));
        }
    }

    public void testFloat32RoundTripIsExactAndLittleEndian() {
        byte[] one = new byte[4];
        TokenEncoding.FLOAT32.encodeRow(new float[]{1f}, one, 0);
        assertArrayEquals(new byte[]{0, 0, (byte) 0x80, 0x3f}, one);
        for (int trial = 0; trial < 20; trial++) {
            float[] row = randomUnitRow(randomDims());
            assertArrayEquals(row, roundTrip(TokenEncoding.FLOAT32, row, null), 0f);
        }
    }

    public void testBfloat16RoundsToNearestEvenWithinRelativeHalfUlp() {
        byte[] one = new byte[2];
        TokenEncoding.BFLOAT16.encodeRow(new float[]{1f}, one, 0);
        assertArrayEquals("upper half of 0x3f800000, little-endian", new byte[]{(byte) 0x80, 0x3f}, one);
        // bfloat16 keeps 7 mantissa bits: 1 + 2^-8 is halfway between 1 and 1 + 2^-7, 1 + 3 * 2^-8 between 1 + 2^-7 and 1 + 2^-6
        assertEquals(1f, roundTrip(TokenEncoding.BFLOAT16, new float[]{1f + 0x1p-8f}, null)[0], 0f);
        assertEquals(1f + 0x1p-6f, roundTrip(TokenEncoding.BFLOAT16, new float[]{1f + 3 * 0x1p-8f}, null)[0], 0f);
        assertEquals(1f + 0x1p-7f, roundTrip(TokenEncoding.BFLOAT16, new float[]{1f + 0x1p-8f + 0x1p-20f}, null)[0], 0f);
        assertEquals(-2f, roundTrip(TokenEncoding.BFLOAT16, new float[]{-2f}, null)[0], 0f);
        assertTrue(Float.isNaN(TokenEncoding.fromBfloat16(TokenEncoding.toBfloat16(Float.NaN))));
        for (int trial = 0; trial < 20; trial++) {
            float[] row = randomUnitRow(randomDims());
            float[] decoded = roundTrip(TokenEncoding.BFLOAT16, row, null);
            for (int k = 0; k < row.length; k++) {
                // half a unit in the last of 8 significant bits: |error| <= 2^-8 |x|
                assertEquals(row[k], decoded[k], Math.abs(row[k]) * 0x1p-8f);
            }
        }
    }

    public void testInt8ErrorIsAtMostHalfTheScale() {
        for (int trial = 0; trial < 20; trial++) {
            float[] row = randomUnitRow(randomDims());
            byte[] encoded = new byte[TokenEncoding.INT8.bytesPerRow(row.length)];
            TokenEncoding.INT8.encodeRow(row, encoded, 0);
            float scale = (float) BitUtil.VH_LE_FLOAT.get(encoded, 0);
            float max = 0f;
            for (float x : row) {
                max = Math.max(max, Math.abs(x));
            }
            assertEquals(max / 127f, scale, 0f);
            int extremes = 0;
            float[] decoded = roundTrip(TokenEncoding.INT8, row, null);
            for (int k = 0; k < row.length; k++) {
                assertTrue(encoded[4 + k] >= -127);
                extremes += Math.abs(encoded[4 + k]) == 127 ? 1 : 0;
                assertEquals(encoded[4 + k] * scale, decoded[k], 0f);
                assertEquals(row[k], decoded[k], scale / 2 * (1 + 1e-6f));
            }
            assertTrue("the largest value maps to +-127", extremes >= 1);
        }
        float[] zero = new float[9];
        byte[] encoded = new byte[TokenEncoding.INT8.bytesPerRow(9)];
        TokenEncoding.INT8.encodeRow(zero, encoded, 0);
        assertArrayEquals(new byte[13], encoded);
        assertArrayEquals(zero, roundTrip(TokenEncoding.INT8, zero, null), 0f);
    }

    public void testBinaryDecodesToPlusOrMinusTheMeanAbsoluteValue() {
        byte[] layout = new byte[TokenEncoding.BINARY.bytesPerRow(10)];
        TokenEncoding.BINARY.encodeRow(new float[]{1f, -1f, 1f, 1f, -1f, -1f, -1f, 1f, -1f, 1f}, layout, 0);
        assertEquals(1f, (float) BitUtil.VH_LE_FLOAT.get(layout, 0), 0f);
        assertEquals("bits 0, 2, 3, 7: least significant first", (byte) 0b1000_1101, layout[4]);
        assertEquals("bit 9 of the row is bit 1 of the second byte, the rest stays 0", (byte) 0b10, layout[5]);
        for (int trial = 0; trial < 20; trial++) {
            float[] row = randomUnitRow(randomDims());
            byte[] encoded = new byte[TokenEncoding.BINARY.bytesPerRow(row.length)];
            encoded[encoded.length - 1] = (byte) 0xff; // encoding overwrites whatever was there, padding bits included
            TokenEncoding.BINARY.encodeRow(row, encoded, 0);
            float scale = (float) BitUtil.VH_LE_FLOAT.get(encoded, 0);
            double meanAbs = 0;
            for (float x : row) {
                meanAbs += Math.abs(x);
            }
            assertEquals(meanAbs / row.length, scale, 1e-6);
            float[] decoded = roundTrip(TokenEncoding.BINARY, row, null);
            for (int k = 0; k < row.length; k++) {
                assertEquals(row[k] > 0 ? scale : -scale, decoded[k], 0f);
            }
            int usedBits = row.length % 8;
            if (usedBits != 0) {
                assertEquals("padding bits are 0", 0, (encoded[encoded.length - 1] & 0xff) >>> usedBits);
            }
        }
    }

    public void testBinaryWithACenterEncodesTheSignsOfTheDifference() {
        for (int trial = 0; trial < 20; trial++) {
            int dims = randomDims();
            float[] row = randomUnitRow(dims);
            float[] center = randomUnitRow(dims);
            for (int k = 0; k < dims; k++) {
                center[k] *= 0.5f;
            }
            byte[] encoded = new byte[TokenEncoding.BINARY.bytesPerRow(dims)];
            TokenEncoding.BINARY.encodeRow(row, encoded, 0, center);
            float scale = (float) BitUtil.VH_LE_FLOAT.get(encoded, 0);
            double meanAbs = 0;
            for (int k = 0; k < dims; k++) {
                meanAbs += Math.abs(row[k] - center[k]);
            }
            assertEquals(meanAbs / dims, scale, 1e-6);
            float[] decoded = roundTrip(TokenEncoding.BINARY, row, center);
            for (int k = 0; k < dims; k++) {
                assertEquals(center[k] + (row[k] - center[k] > 0 ? scale : -scale), decoded[k], 0f);
            }
            assertArrayEquals("a null center is none", roundTrip(TokenEncoding.BINARY, row, null), decodeWithNullCenter(row), 0f);
        }
        IllegalArgumentException e = expectThrows(
            IllegalArgumentException.class,
            () -> TokenEncoding.INT8.encodeRow(new float[2], new byte[6], 0, new float[2])
        );
        assertEquals("only the binary token encoding takes a center, not [int8]", e.getMessage());
        expectThrows(IllegalArgumentException.class, () -> TokenEncoding.BINARY.encodeRow(new float[2], new byte[5], 0, new float[3]));
    }

    public void testEncodeConcatenatesRowsAtTheirOffsets() {
        for (TokenEncoding encoding : TokenEncoding.values()) {
            int dims = randomDims();
            float[][] rows = MaxSimTests.randomUnitRows(randomIntBetween(0, 5), dims);
            byte[] all = encoding.encode(rows);
            int rowBytes = encoding.bytesPerRow(dims);
            assertEquals(rows.length * rowBytes, all.length);
            for (int i = 0; i < rows.length; i++) {
                byte[] one = new byte[rowBytes + 3];
                encoding.encodeRow(rows[i], one, 3);
                for (int b = 0; b < rowBytes; b++) {
                    assertEquals(one[3 + b], all[i * rowBytes + b]);
                }
                float[] viaBlock = new float[dims];
                encoding.decodeRow(all, i * rowBytes, dims, viaBlock);
                assertArrayEquals(roundTrip(encoding, rows[i], null), viaBlock, 0f);
            }
        }
        expectThrows(IllegalArgumentException.class, () -> TokenEncoding.INT8.encode(new float[][]{new float[3], new float[4]}));
    }

    public void testMean() {
        assertArrayEquals(new float[]{2f, -1f}, TokenEncoding.mean(new float[][]{{1f, 0f}, {3f, -2f}}), 0f);
        expectThrows(IllegalArgumentException.class, () -> TokenEncoding.mean(new float[0][]));
    }

    static float[] randomUnitRow(int dims) {
        return MaxSimTests.randomUnitRows(1, dims)[0];
    }

    private static float[] roundTrip(TokenEncoding encoding, float[] row, float[] center) {
        byte[] encoded = new byte[encoding.bytesPerRow(row.length) + 1];
        encoding.encodeRow(row, encoded, 1, center);
        float[] decoded = new float[row.length];
        encoding.decodeRow(encoded, 1, row.length, decoded, center);
        return decoded;
    }

    private static float[] decodeWithNullCenter(float[] row) {
        byte[] encoded = new byte[TokenEncoding.BINARY.bytesPerRow(row.length)];
        TokenEncoding.BINARY.encodeRow(row, encoded, 0);
        float[] decoded = new float[row.length];
        TokenEncoding.BINARY.decodeRow(encoded, 0, row.length, decoded);
        return decoded;
    }
}
