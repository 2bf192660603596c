package org.opensearch.multimodal.mapper;

import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.LateInteractionField;
import org.apache.lucene.util.BitUtil;
import org.apache.lucene.util.BytesRef;
import org.opensearch.multimodal.math.TokenEncoding;
import org.opensearch.multimodal.math.TokenPooling;
import org.opensearch.multimodal.math.VectorMath;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a {@code multi_vector} field holds a document's token vectors: its {@code encoding} and {@code pool_factor}.
 * <p>
 * Stored: float32 keeps Lucene's {@link LateInteractionField} layout ({@code [dims int32][rows x dims float32]}), so
 * indices written before encodings existed still read; the other encodings store the packed form below.
 * <p>
 * Packed (what the field accepts as a base64 string and gives back in {@code _source}): byte 0 the format version
 * ({@value #VERSION}), byte 1 the encoding (0 float32, 1 bfloat16, 2 int8, 3 binary), bytes 2-3 the dimensions
 * (unsigned 16-bit); binary only, the document's center c: {@code dims} bfloat16 values, the mean of its rows; then the
 * rows, {@link TokenEncoding#bytesPerRow} bytes each: float32 values; bfloat16 values (the upper 16 bits of each
 * float32); int8: a float32 scale then one signed byte per dimension (value = byte x scale); binary: a float32 scale
 * then one bit per dimension of {@code row - c}, dimension k in byte k/8 at bit k%8 (value = c_k + scale for 1,
 * c_k - scale for 0). Everything little-endian.
 * <p>
 * Why binary has a center: bge-style token vectors share a large common direction, so the plain signs of a row say more
 * about that direction than about the token; the signs of {@code row - c} keep what tells the document's tokens apart,
 * and {@code q . c} is scored exactly (docs/notes/compact-multi-vectors.md).
 */
public record MultiVectorFormat(TokenEncoding encoding, int poolFactor) {

    public static final byte VERSION = 1;
    public static final int HEADER_BYTES = 4;
    public static final int MAX_POOL_FACTOR = 64;
    public static final MultiVectorFormat DEFAULT = new MultiVectorFormat(TokenEncoding.FLOAT32, 1);

    public MultiVectorFormat {
        if (poolFactor < 1 || poolFactor > MAX_POOL_FACTOR) {
            throw new IllegalArgumentException(
                String.format(Locale.ROOT, "[pool_factor] must be between 1 and %d, got [%d]", MAX_POOL_FACTOR, poolFactor)
            );
        }
    }

    /**
     * Where a stored value's rows lie: {@code bytes[offset ...]}, {@code rows} rows of the field's encoding; binary's
     * center at {@code centerOffset} ({@code -1}: no center).
     */
    public record Rows(byte[] bytes, int offset, int rows, int centerOffset) {
    }

    /** The bytes of a packed value's center: binary's {@code dims} bfloat16 values, none for the other encodings. */
    static int centerBytes(TokenEncoding encoding, int dims) {
        return encoding == TokenEncoding.BINARY ? TokenEncoding.BFLOAT16.bytesPerRow(dims) : 0;
    }

    /** The doc values field that stores L2-normalized {@code rows} of field {@code name}: pooled, then encoded. */
    public BinaryDocValuesField field(String name, float[][] rows) {
        float[][] pooled = poolFactor > 1 ? TokenPooling.pool(rows, poolFactor) : rows;
        if (encoding == TokenEncoding.FLOAT32) {
            return new LateInteractionField(name, pooled);
        }
        return new BinaryDocValuesField(name, new BytesRef(pack(pooled, encoding)));
    }

    /** The packed bytes of {@code rows} in {@code encoding}, as they are, neither pooled nor normalized. */
    public static byte[] pack(float[][] rows, TokenEncoding encoding) {
        int dims = rows.length == 0 ? 0 : rows[0].length;
        int perRow = encoding.bytesPerRow(dims);
        int centerBytes = centerBytes(encoding, dims);
        byte[] packed = new byte[HEADER_BYTES + centerBytes + rows.length * perRow];
        header(packed, encoding, dims);
        float[] center = null;
        if (centerBytes > 0 && rows.length > 0) {
            TokenEncoding.BFLOAT16.encodeRow(TokenEncoding.mean(rows), packed, HEADER_BYTES);
            // the rows are encoded against the center as it is stored, so decoding gives back c + s * sign exactly
            center = new float[dims];
            TokenEncoding.BFLOAT16.decodeRow(packed, HEADER_BYTES, dims, center);
        }
        for (int r = 0; r < rows.length; r++) {
            encoding.encodeRow(rows[r], packed, HEADER_BYTES + centerBytes + r * perRow, center);
        }
        return packed;
    }

    /** The format a field's mapping definition gives ({@code encoding}, {@code pool_factor}; defaults where absent). */
    public static MultiVectorFormat of(Map<String, ?> definition) {
        Object encoding = definition.get("encoding");
        Object poolFactor = definition.get("pool_factor");
        return new MultiVectorFormat(
            encoding == null ? DEFAULT.encoding() : TokenEncoding.parse(encoding.toString()),
            poolFactor == null ? DEFAULT.poolFactor() : Integer.parseInt(poolFactor.toString())
        );
    }

    /**
     * The packed bytes the processors hand the mapper: normalized, pooled and encoded as the field stores them, which the
     * mapper then stores as sent, so no token vector travels as JSON numbers.
     */
    public byte[] handOff(float[][] rows) {
        return pack(normalizedPooled(rows), encoding);
    }

    /**
     * The packed bytes of a long text's passages, handed off as one value: each passage's rows normalized and pooled
     * ({@link #normalizedPooled}: pooling never merges tokens of different passages), in passage order.
     */
    public byte[] handOffPooled(List<float[][]> pooledPassages) {
        int rows = 0;
        for (float[][] passage : pooledPassages) {
            rows += passage.length;
        }
        float[][] all = new float[rows][];
        int at = 0;
        for (float[][] passage : pooledPassages) {
            System.arraycopy(passage, 0, all, at, passage.length);
            at += passage.length;
        }
        return pack(all, encoding);
    }

    /** {@code rows} L2-normalized (copies) and pooled by the field's {@code pool_factor}. */
    public float[][] normalizedPooled(float[][] rows) {
        float[][] normalized = new float[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            normalized[r] = VectorMath.l2NormalizeInPlace(rows[r].clone());
        }
        return poolFactor > 1 ? TokenPooling.pool(normalized, poolFactor) : normalized;
    }

    private static void header(byte[] packed, TokenEncoding encoding, int dims) {
        packed[0] = VERSION;
        packed[1] = encoding.id();
        packed[2] = (byte) dims;
        packed[3] = (byte) (dims >>> 8);
    }

    /**
     * The doc values field of a packed value sent for {@code field} of {@code dims}: in the field's own encoding it is
     * stored as sent (the sender normalized, pooled and encoded it, as {@link #handOff} does); float32 sent to a field of
     * another encoding is normalized, pooled and encoded as arrays are; anything else is a 400-style error naming the
     * field.
     */
    public BinaryDocValuesField fromPacked(byte[] packed, String field, int dims, int maxVectors) {
        if (packed.length < HEADER_BYTES || packed[0] != VERSION) {
            throw new IllegalArgumentException(
                String.format(
                    Locale.ROOT,
                    "field [%s]: not packed token vectors of format version %d (byte 0 is the version, here [%d])",
                    field,
                    VERSION,
                    packed.length == 0 ? -1 : packed[0]
                )
            );
        }
        TokenEncoding sent;
        try {
            sent = TokenEncoding.fromId(packed[1]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                String.format(Locale.ROOT, "field [%s]: unknown encoding id [%d] in byte 1", field, packed[1])
            );
        }
        int sentDims = (packed[2] & 0xFF) | ((packed[3] & 0xFF) << 8);
        if (sentDims != dims) {
            throw new IllegalArgumentException(
                String.format(Locale.ROOT, "field [%s] has %d dims, but the packed token vectors have %d", field, dims, sentDims)
            );
        }
        int perRow = sent.bytesPerRow(dims);
        int centerBytes = centerBytes(sent, dims);
        int payload = packed.length - HEADER_BYTES - centerBytes;
        if (payload < 0 || payload % perRow != 0) {
            throw new IllegalArgumentException(
                String.format(
                    Locale.ROOT,
                    "field [%s]: %d bytes of %s token vectors are not whole rows of %d bytes (%d dims)",
                    field,
                    payload,
                    sent,
                    perRow,
                    dims
                )
            );
        }
        int rows = payload / perRow;
        if (rows > maxVectors) {
            throw VectorParsing.tooManyVectors(field, rows, maxVectors);
        }
        if (sent != encoding && sent != TokenEncoding.FLOAT32) {
            throw new IllegalArgumentException(
                String.format(
                    Locale.ROOT,
                    "field [%s] stores [%s] token vectors; send [%s] or [float32], not [%s]",
                    field,
                    encoding,
                    encoding,
                    sent
                )
            );
        }
        float[][] decoded = unpack(packed);
        for (int r = 0; r < rows; r++) {
            for (float value : decoded[r]) {
                if (Float.isFinite(value) == false) {
                    throw new IllegalArgumentException(
                        String.format(Locale.ROOT, "field [%s]: token vector %d has a non-finite value", field, r)
                    );
                }
            }
        }
        if (sent == encoding) {
            // as sent: already normalized, pooled and encoded by the sender
            return encoding == TokenEncoding.FLOAT32 ? new LateInteractionField(field, decoded)
                : new BinaryDocValuesField(field, new BytesRef(packed));
        }
        for (float[] row : decoded) {
            VectorMath.l2NormalizeInPlace(row);
        }
        return field(field, decoded);
    }

    /** The rows of a packed value, decoded (any encoding): what a field was given, as a client reads it back. */
    public static float[][] unpack(byte[] packed) {
        TokenEncoding encoding = TokenEncoding.fromId(packed[1]);
        int dims = (packed[2] & 0xFF) | ((packed[3] & 0xFF) << 8);
        int centerBytes = centerBytes(encoding, dims);
        float[] center = null;
        if (centerBytes > 0) {
            center = new float[dims];
            TokenEncoding.BFLOAT16.decodeRow(packed, HEADER_BYTES, dims, center);
        }
        int perRow = encoding.bytesPerRow(dims);
        float[][] rows = new float[Math.max(0, packed.length - HEADER_BYTES - centerBytes) / perRow][dims];
        for (int r = 0; r < rows.length; r++) {
            encoding.decodeRow(packed, HEADER_BYTES + centerBytes + r * perRow, dims, rows[r], center);
        }
        return rows;
    }

    /**
     * Where the rows of a stored value lie, for scoring on the encoded form. A value this build cannot read (another
     * format version, written by a later build of the plugin; another encoding or dims than the field's) is an
     * {@link UnreadableTokenVectorsException}, never rows read the wrong way.
     */
    public Rows rows(BytesRef stored, int dims) {
        if (encoding == TokenEncoding.FLOAT32) {
            int storedDims = stored.length < Integer.BYTES ? -1 : (int) BitUtil.VH_LE_INT.get(stored.bytes, stored.offset);
            if (storedDims != dims) {
                throw new UnreadableTokenVectorsException(
                    String.format(Locale.ROOT, "stored float32 token vectors of %d dims, the field has %d", storedDims, dims)
                );
            }
            int rows = (stored.length - Integer.BYTES) / encoding.bytesPerRow(dims);
            return new Rows(stored.bytes, stored.offset + Integer.BYTES, rows, -1);
        }
        checkStoredHeader(stored, dims);
        int centerBytes = centerBytes(encoding, dims);
        int rows = Math.max(0, stored.length - HEADER_BYTES - centerBytes) / encoding.bytesPerRow(dims);
        int centerOffset = centerBytes > 0 ? stored.offset + HEADER_BYTES : -1;
        return new Rows(stored.bytes, stored.offset + HEADER_BYTES + centerBytes, rows, centerOffset);
    }

    private void checkStoredHeader(BytesRef stored, int dims) {
        if (stored.length < HEADER_BYTES || stored.bytes[stored.offset] != VERSION) {
            throw new UnreadableTokenVectorsException(
                String.format(
                    Locale.ROOT,
                    "stored token vectors of format version [%d]; this build of the plugin reads format version [%d]: the index was "
                        + "written by a later build, install that build (or a later one) on every node",
                    stored.length == 0 ? -1 : stored.bytes[stored.offset],
                    VERSION
                )
            );
        }
        int storedDims = (stored.bytes[stored.offset + 2] & 0xFF) | ((stored.bytes[stored.offset + 3] & 0xFF) << 8);
        if (stored.bytes[stored.offset + 1] != encoding.id() || storedDims != dims) {
            throw new UnreadableTokenVectorsException(
                String.format(
                    Locale.ROOT,
                    "stored token vectors of encoding id [%d] and %d dims, the field is %s of %d dims",
                    stored.bytes[stored.offset + 1],
                    storedDims,
                    encoding,
                    dims
                )
            );
        }
    }

    /** Binary's center of {@code rows} decoded into {@code dst} (returned); {@code null} for a value without one. */
    public float[] center(Rows rows, int dims, float[] dst) {
        if (rows.centerOffset() < 0) {
            return null;
        }
        TokenEncoding.BFLOAT16.decodeRow(rows.bytes(), rows.centerOffset(), dims, dst);
        return dst;
    }

    /** A stored value's rows as floats (decoded: the encoding's approximation of what was indexed). */
    public float[][] decode(BytesRef stored, int dims) {
        Rows rows = rows(stored, dims);
        float[] center = center(rows, dims, new float[dims]);
        int perRow = encoding.bytesPerRow(dims);
        float[][] decoded = new float[rows.rows()][dims];
        for (int r = 0; r < decoded.length; r++) {
            encoding.decodeRow(rows.bytes(), rows.offset() + r * perRow, dims, decoded[r], center);
        }
        return decoded;
    }

    /** A stored value in the packed form (for {@code _source}): float32 re-headed, the others as stored. */
    public byte[] packed(BytesRef stored, int dims) {
        if (encoding != TokenEncoding.FLOAT32) {
            return BytesRef.deepCopyOf(stored).bytes;
        }
        byte[] packed = new byte[HEADER_BYTES + stored.length - Integer.BYTES];
        header(packed, encoding, dims);
        System.arraycopy(stored.bytes, stored.offset + Integer.BYTES, packed, HEADER_BYTES, stored.length - Integer.BYTES);
        return packed;
    }

    /** The bytes one row takes when stored. */
    public int bytesPerRow(int dims) {
        return encoding.bytesPerRow(dims);
    }
}
