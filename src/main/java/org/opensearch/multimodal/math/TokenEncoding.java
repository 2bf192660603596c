package org.opensearch.multimodal.math;

import org.apache.lucene.util.BitUtil;

import java.util.Arrays;
import java.util.Locale;

/**
 * How a multi-vector field stores each token row (docs/notes/compact-multi-vectors.md): the row layouts are a stored format, so the ids
 * and layouts never change. All multi-byte values are little-endian. Rows given to encode are L2-normalized by the
 * caller; decoding dequantizes and does not re-normalize.
 * <ul>
 * <li>{@code float32}: {@code dims} floats.</li>
 * <li>{@code bfloat16}: the upper 16 bits of each float after round-to-nearest-even.</li>
 * <li>{@code int8}: a float scale {@code s = max|x| / 127} (0 for a zero row), then {@code dims} signed bytes
 * {@code q = round(x / s)} in [-127, 127]; decoded as {@code q * s}.</li>
 * <li>{@code binary}: a float scale {@code s = mean |x_k|}, then the sign bits: bit k is {@code x_k > 0}, in byte
 * {@code k / 8} at bit {@code k % 8} (least significant first); decoded as {@code +s} or {@code -s}, the least-squares
 * scale for a sign vector. Optionally against a center c (a field's mean token, say): the bits are the signs of
 * {@code x - c}, the scale {@code mean |x_k - c_k|}, and the decoding {@code c + s * sign}.</li>
 * </ul>
 */
public enum TokenEncoding {

    /** Four bytes a dimension, exact. */
    FLOAT32((byte) 0) {

        @Override
        public int bytesPerRow(int dims) {
            return 4 * dims;
        }

        @Override
        void encode(float[] row, byte[] out, int offset, float[] center) {
            for (int k = 0; k < row.length; k++) {
                BitUtil.VH_LE_FLOAT.set(out, offset + 4 * k, row[k]);
            }
        }

        @Override
        void decode(byte[] block, int offset, int dims, float[] dst, float[] center) {
            for (int k = 0; k < dims; k++) {
                dst[k] = (float) BitUtil.VH_LE_FLOAT.get(block, offset + 4 * k);
            }
        }
    },

    /** Two bytes a dimension: a float's sign, exponent and top 7 mantissa bits (relative error at most 2^-9). */
    BFLOAT16((byte) 1) {

        @Override
        public int bytesPerRow(int dims) {
            return 2 * dims;
        }

        @Override
        void encode(float[] row, byte[] out, int offset, float[] center) {
            for (int k = 0; k < row.length; k++) {
                BitUtil.VH_LE_SHORT.set(out, offset + 2 * k, toBfloat16(row[k]));
            }
        }

        @Override
        void decode(byte[] block, int offset, int dims, float[] dst, float[] center) {
            for (int k = 0; k < dims; k++) {
                dst[k] = fromBfloat16((short) BitUtil.VH_LE_SHORT.get(block, offset + 2 * k));
            }
        }
    },

    /** A float scale then one signed byte a dimension. */
    INT8((byte) 2) {

        @Override
        public int bytesPerRow(int dims) {
            return 4 + dims;
        }

        @Override
        void encode(float[] row, byte[] out, int offset, float[] center) {
            float scale = quantize(row, out, offset + 4);
            BitUtil.VH_LE_FLOAT.set(out, offset, scale);
        }

        @Override
        void decode(byte[] block, int offset, int dims, float[] dst, float[] center) {
            float scale = (float) BitUtil.VH_LE_FLOAT.get(block, offset);
            for (int k = 0; k < dims; k++) {
                dst[k] = block[offset + 4 + k] * scale;
            }
        }
    },

    /** A float scale then one bit a dimension. */
    BINARY((byte) 3) {

        @Override
        public int bytesPerRow(int dims) {
            return 4 + (dims + 7) / 8;
        }

        @Override
        void encode(float[] row, byte[] out, int offset, float[] center) {
            int dims = row.length;
            Arrays.fill(out, offset + 4, offset + bytesPerRow(dims), (byte) 0);
            double sumAbs = 0;
            for (int k = 0; k < dims; k++) {
                float x = center == null ? row[k] : row[k] - center[k];
                sumAbs += Math.abs(x);
                if (x > 0) {
                    out[offset + 4 + (k >>> 3)] |= (byte) (1 << (k & 7));
                }
            }
            BitUtil.VH_LE_FLOAT.set(out, offset, dims == 0 ? 0f : (float) (sumAbs / dims));
        }

        @Override
        void decode(byte[] block, int offset, int dims, float[] dst, float[] center) {
            float scale = (float) BitUtil.VH_LE_FLOAT.get(block, offset);
            for (int k = 0; k < dims; k++) {
                float value = (block[offset + 4 + (k >>> 3)] & (1 << (k & 7))) != 0 ? scale : -scale;
                dst[k] = center == null ? value : center[k] + value;
            }
        }
    };

    private final byte id;

    TokenEncoding(byte id) {
        this.id = id;
    }

    /** The stable id stored with the data: float32 0, bfloat16 1, int8 2, binary 3. */
    public byte id() {
        return id;
    }

    /** The encoding with this {@link #id()}. */
    public static TokenEncoding fromId(byte id) {
        for (TokenEncoding encoding : values()) {
            if (encoding.id == id) {
                return encoding;
            }
        }
        throw new IllegalArgumentException("unknown token encoding id [" + id + "]");
    }

    /** The encoding named {@code name} (any case): float32, bfloat16, int8 or binary. */
    public static TokenEncoding parse(String name) {
        for (TokenEncoding encoding : values()) {
            if (encoding.toString().equals(name == null ? null : name.toLowerCase(Locale.ROOT))) {
                return encoding;
            }
        }
        throw new IllegalArgumentException("unknown token encoding [" + name + "]; expected one of " + Arrays.toString(names()));
    }

    private static String[] names() {
        return Arrays.stream(values()).map(TokenEncoding::toString).toArray(String[]::new);
    }

    /** The lower-case name, as {@link #parse} reads it. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The bytes one row of {@code dims} dimensions takes. */
    public abstract int bytesPerRow(int dims);

    /** Writes {@code row}'s encoding ({@link #bytesPerRow} of {@code row.length} bytes) into {@code out} at {@code offset}. */
    public void encodeRow(float[] row, byte[] out, int offset) {
        encode(row, out, offset, null);
    }

    /**
     * {@link #encodeRow(float[], byte[], int)} against {@code center} (binary only; {@code null} is no center): the bits
     * are the signs of {@code row - center}.
     */
    public void encodeRow(float[] row, byte[] out, int offset, float[] center) {
        checkCenter(center, row.length);
        encode(row, out, offset, center);
    }

    /** Dequantizes the row of {@code dims} dimensions at {@code offset} of {@code block} into {@code dst}. */
    public void decodeRow(byte[] block, int offset, int dims, float[] dst) {
        decode(block, offset, dims, dst, null);
    }

    /** {@link #decodeRow(byte[], int, int, float[])} of a row encoded against {@code center} (binary only; may be null). */
    public void decodeRow(byte[] block, int offset, int dims, float[] dst, float[] center) {
        checkCenter(center, dims);
        decode(block, offset, dims, dst, center);
    }

    /** The rows encoded one after the other, {@code rows.length * bytesPerRow(dims)} bytes. */
    public byte[] encode(float[][] rows) {
        return encode(rows, null);
    }

    /** {@link #encode(float[][])} against {@code center} (binary only; may be null). */
    public byte[] encode(float[][] rows, float[] center) {
        if (rows.length == 0) {
            return new byte[0];
        }
        int dims = rows[0].length;
        checkCenter(center, dims);
        int rowBytes = bytesPerRow(dims);
        byte[] out = new byte[rows.length * rowBytes];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != dims) {
                throw new IllegalArgumentException("row [" + i + "] has [" + rows[i].length + "] dims, the first has [" + dims + "]");
            }
            encode(rows[i], out, i * rowBytes, center);
        }
        return out;
    }

    /** The mean of {@code rows} (a center for binary), accumulated in double; an empty input has no mean. */
    public static float[] mean(float[][] rows) {
        if (rows.length == 0) {
            throw new IllegalArgumentException("no rows to average");
        }
        double[] sum = new double[rows[0].length];
        for (float[] row : rows) {
            for (int k = 0; k < sum.length; k++) {
                sum[k] += row[k];
            }
        }
        float[] mean = new float[sum.length];
        for (int k = 0; k < sum.length; k++) {
            mean[k] = (float) (sum[k] / rows.length);
        }
        return mean;
    }

    abstract void encode(float[] row, byte[] out, int offset, float[] center);

    abstract void decode(byte[] block, int offset, int dims, float[] dst, float[] center);

    void checkCenter(float[] center, int dims) {
        if (center == null) {
            return;
        }
        if (this != BINARY) {
            throw new IllegalArgumentException("only the binary token encoding takes a center, not [" + this + "]");
        }
        if (center.length != dims) {
            throw new IllegalArgumentException("the center has [" + center.length + "] dims, the rows [" + dims + "]");
        }
    }

    /** Round-to-nearest-even truncation of a float to its upper 16 bits; NaN stays NaN. */
    static short toBfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }

    static float fromBfloat16(short bits) {
        return Float.intBitsToFloat(bits << 16);
    }

    /**
     * Symmetric int8 quantization of {@code row} into {@code out} at {@code offset}: returns the scale
     * {@code max|x| / 127} (0 for a zero row, whose bytes are all 0).
     */
    static float quantize(float[] row, byte[] out, int offset) {
        float max = 0f;
        for (float x : row) {
            max = Math.max(max, Math.abs(x));
        }
        float scale = max / 127f;
        for (int k = 0; k < row.length; k++) {
            // a division, not a multiplication by 1/s: it keeps |x - q * s| <= s / 2 up to one rounding
            int q = scale == 0f ? 0 : Math.round(row[k] / scale);
            out[offset + k] = (byte) Math.max(-127, Math.min(127, q));
        }
        return scale;
    }
}
