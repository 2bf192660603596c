package org.opensearch.multimodal.math;

import org.apache.lucene.util.BitUtil;
import org.apache.lucene.util.VectorUtil;

import java.util.Arrays;
import java.util.Objects;

/**
 * A query prepared for {@link MaxSim} against documents stored in a {@link TokenEncoding}: a document is a block of
 * {@code docRows} rows of {@code encoding.bytesPerRow(dims)} bytes, scored on its encoded form without decoding it to a
 * float matrix. Per encoding:
 * <ul>
 * <li>float32, bfloat16 and int8: each document row is expanded once into a float scratch row (int8: its bytes widened,
 * the row's scale applied to the dot products), then dotted with every query row by {@link RowDots#get()}: exact up to
 * float rounding against the decoded rows. Asymmetric for int8: the query stays float, so only the document's own
 * quantization counts.</li>
 * <li>binary: asymmetric, float query against the sign bits. Each query row gets one table per 8 dimensions holding the
 * 256 signed sums of those 8 values, so a row's dot product is {@code scale * sum of dims/8 table lookups}: the float
 * MaxSim of the decoded rows, up to float rounding.</li>
 * </ul>
 * An instance holds its scratch space and serves one thread; {@link #setQuery} re-prepares it for another query of the
 * same shape without allocating, as Guided Query Refinement does at every step.
 */
public final class EncodedMaxSim {

    private static final int GROUP = 8;
    private static final int TABLE = 1 << GROUP;

    private final TokenEncoding encoding;
    private final int queryRows;
    private final int dims;
    private final int rowBytes;
    private final float[][] query;
    private final float[][] tables;
    private final float[] centerDots;
    private final float[] floatRow;
    private final float[] floatRowB;
    private final float[] rowDots;
    private final float[] rowDotsB;
    private final RowDots kernel = RowDots.get();
    private final float[] best;
    private float[] center;
    private float[] centerBuffer;

    /** Prepares the first {@code queryRows} rows of {@code query} (L2-normalized, {@code dims} long) for {@code encoding}. */
    public EncodedMaxSim(float[][] query, int queryRows, int dims, TokenEncoding encoding) {
        this(query, queryRows, dims, encoding, null);
    }

    /**
     * {@link #EncodedMaxSim(float[][], int, int, TokenEncoding)} for binary documents encoded against {@code center}
     * (see {@link TokenEncoding#encodeRow(float[], byte[], int, float[])}); {@code null} is no center.
     */
    public EncodedMaxSim(float[][] query, int queryRows, int dims, TokenEncoding encoding, float[] center) {
        if (queryRows < 0 || dims < 0) {
            throw new IllegalArgumentException("query rows [" + queryRows + "] and dims [" + dims + "] must not be negative");
        }
        this.encoding = Objects.requireNonNull(encoding);
        this.queryRows = queryRows;
        this.dims = dims;
        this.rowBytes = encoding.bytesPerRow(dims);
        this.query = new float[queryRows][dims];
        this.best = new float[queryRows];
        boolean binary = encoding == TokenEncoding.BINARY;
        this.floatRow = binary ? null : new float[dims];
        this.floatRowB = binary ? null : new float[dims];
        this.rowDots = binary ? null : new float[queryRows];
        this.rowDotsB = binary ? null : new float[queryRows];
        this.tables = binary ? new float[queryRows][groups(dims) * TABLE] : null;
        this.centerDots = binary ? new float[queryRows] : null;
        encoding.checkCenter(center, dims);
        this.center = center == null ? null : center.clone();
        setQuery(query);
    }

    /** The encoding of the documents this query scores. */
    public TokenEncoding encoding() {
        return encoding;
    }

    /** The number of query rows that count. */
    public int queryRows() {
        return queryRows;
    }

    /**
     * Re-prepares this instance for {@code query}, of the same shape as the first (at least {@code queryRows} rows of
     * {@code dims}); reuses every buffer.
     */
    public void setQuery(float[][] query) {
        if (query.length < queryRows) {
            throw new IllegalArgumentException("the query has [" + query.length + "] rows, [" + queryRows + "] expected");
        }
        for (int t = 0; t < queryRows; t++) {
            if (query[t].length != dims) {
                throw new IllegalArgumentException("query row [" + t + "] has [" + query[t].length + "] dims, [" + dims + "] expected");
            }
            System.arraycopy(query[t], 0, this.query[t], 0, dims);
        }
        if (encoding == TokenEncoding.BINARY) {
            for (int t = 0; t < queryRows; t++) {
                fillTables(this.query[t], tables[t]);
            }
            updateCenterDots();
        }
    }

    /**
     * Binary only: the center the documents scored from now on were encoded against ({@code null}: none), for a center
     * that changes from document to document; costs one dot product per query row.
     */
    public void setCenter(float[] center) {
        encoding.checkCenter(center, dims);
        if (center == null) {
            this.center = null;
        } else {
            if (centerBuffer == null) {
                centerBuffer = new float[dims];
            }
            System.arraycopy(center, 0, centerBuffer, 0, dims);
            this.center = centerBuffer;
        }
        updateCenterDots();
    }

    /** MaxSim of the query against the {@code docRows} encoded rows at {@code offset} of {@code block}. */
    public float score(byte[] block, int offset, int docRows) {
        return score(block, offset, docRows, null);
    }

    /**
     * {@link #score(byte[], int, int)}, also writing into {@code argmax[t]} the index of query row t's best document row
     * (the first of equals), or -1 for a document without rows.
     */
    public float score(byte[] block, int offset, int docRows, int[] argmax) {
        if (docRows < 0) {
            throw new IllegalArgumentException("document rows [" + docRows + "] must not be negative");
        }
        Objects.checkFromIndexSize(offset, Math.multiplyExact(docRows, rowBytes), block.length);
        if (queryRows == 0) {
            return 0f;
        }
        if (docRows == 0) {
            if (argmax != null) {
                Arrays.fill(argmax, 0, queryRows, -1);
            }
            return 0f;
        }
        switch (encoding) {
            case FLOAT32, BFLOAT16, INT8 -> maxExpanded(block, offset, docRows, argmax);
            case BINARY -> maxBinary(block, offset, docRows, argmax);
        }
        float sum = 0f;
        for (int t = 0; t < queryRows; t++) {
            sum += best[t];
        }
        return sum / queryRows;
    }

    /**
     * Document rows outer, two at a time, query rows inner: each row is expanded once for all query rows, and the kernel
     * shares each query value between the two rows.
     */
    private void maxExpanded(byte[] block, int offset, int docRows, int[] argmax) {
        Arrays.fill(best, Float.NEGATIVE_INFINITY);
        int j = 0;
        for (; j + 1 < docRows; j += 2) {
            float scaleA = expand(block, offset + j * rowBytes, floatRow);
            float scaleB = expand(block, offset + (j + 1) * rowBytes, floatRowB);
            kernel.dots(query, queryRows, floatRow, floatRowB, dims, rowDots, rowDotsB);
            keepBest(rowDots, scaleA, j, argmax);
            keepBest(rowDotsB, scaleB, j + 1, argmax);
        }
        if (j < docRows) {
            float scale = expand(block, offset + j * rowBytes, floatRow);
            kernel.dots(query, queryRows, floatRow, dims, rowDots);
            keepBest(rowDots, scale, j, argmax);
        }
    }

    /** Document row {@code j}'s dot products (times its scale) against each query row's best so far. */
    private void keepBest(float[] dots, float scale, int j, int[] argmax) {
        for (int t = 0; t < queryRows; t++) {
            float dot = dots[t] * scale;
            if (dot > best[t]) {
                best[t] = dot;
                if (argmax != null) {
                    argmax[t] = j;
                }
            }
        }
    }

    /** Decodes the row at {@code start} into {@code into}; returns the factor its dot products take (int8: its scale). */
    private float expand(byte[] block, int start, float[] into) {
        switch (encoding) {
            case BFLOAT16 -> {
                for (int k = 0; k < dims; k++) {
                    into[k] = TokenEncoding.fromBfloat16((short) BitUtil.VH_LE_SHORT.get(block, start + 2 * k));
                }
                return 1f;
            }
            case INT8 -> {
                kernel.widen(block, start + 4, into, dims);
                return (float) BitUtil.VH_LE_FLOAT.get(block, start);
            }
            default -> {
                for (int k = 0; k < dims; k++) {
                    into[k] = (float) BitUtil.VH_LE_FLOAT.get(block, start + 4 * k);
                }
                return 1f;
            }
        }
    }

    /** Query row outer, document rows inner: one query row's tables stay in cache while the document streams by. */
    private void maxBinary(byte[] block, int offset, int docRows, int[] argmax) {
        int groups = groups(dims);
        for (int t = 0; t < queryRows; t++) {
            float[] table = tables[t];
            float top = Float.NEGATIVE_INFINITY;
            int topRow = 0;
            for (int j = 0; j < docRows; j++) {
                int start = offset + j * rowBytes;
                float scale = (float) BitUtil.VH_LE_FLOAT.get(block, start);
                int bits = start + 4;
                // independent sums: one chain of dependent float additions would wait on its latency at every lookup;
                // eight groups' bits are read as one long
                float s0 = 0f;
                float s1 = 0f;
                float s2 = 0f;
                float s3 = 0f;
                int g = 0;
                for (; g + 7 < groups; g += 8) {
                    long word = (long) BitUtil.VH_LE_LONG.get(block, bits + g);
                    int base = g << GROUP;
                    s0 += table[base | (int) (word & 0xFF)];
                    s1 += table[(base + TABLE) | (int) ((word >>> 8) & 0xFF)];
                    s2 += table[(base + 2 * TABLE) | (int) ((word >>> 16) & 0xFF)];
                    s3 += table[(base + 3 * TABLE) | (int) ((word >>> 24) & 0xFF)];
                    s0 += table[(base + 4 * TABLE) | (int) ((word >>> 32) & 0xFF)];
                    s1 += table[(base + 5 * TABLE) | (int) ((word >>> 40) & 0xFF)];
                    s2 += table[(base + 6 * TABLE) | (int) ((word >>> 48) & 0xFF)];
                    s3 += table[(base + 7 * TABLE) | (int) (word >>> 56)];
                }
                for (; g < groups; g++) {
                    s0 += table[(g << GROUP) | (block[bits + g] & 0xFF)];
                }
                float dot = scale * ((s0 + s1) + (s2 + s3));
                if (dot > top) {
                    top = dot;
                    topRow = j;
                }
            }
            best[t] = centerDots[t] + top;
            if (argmax != null) {
                argmax[t] = topRow;
            }
        }
    }

    /**
     * For each group of 8 dims, the 256 sums of those query values with the signs a byte of sign bits gives them (bit i
     * set: +, clear: -); dims past the end count 0. Built by adding one bit at a time: 256 additions a group.
     */
    private static void fillTables(float[] row, float[] tables) {
        for (int g = 0, base = 0; base < tables.length; g++, base += TABLE) {
            float allNegative = 0f;
            for (int i = 0; i < GROUP; i++) {
                int k = g * GROUP + i;
                allNegative -= k < row.length ? row[k] : 0f;
            }
            tables[base] = allNegative;
            for (int i = 0; i < GROUP; i++) {
                int k = g * GROUP + i;
                float twice = k < row.length ? 2f * row[k] : 0f;
                int bit = 1 << i;
                for (int b = 0; b < bit; b++) {
                    tables[base + (bit | b)] = tables[base + b] + twice;
                }
            }
        }
    }

    private void updateCenterDots() {
        if (centerDots == null) {
            return;
        }
        for (int t = 0; t < queryRows; t++) {
            centerDots[t] = center == null ? 0f : VectorUtil.dotProduct(query[t], center);
        }
    }

    private static int groups(int dims) {
        return (dims + GROUP - 1) / GROUP;
    }
}
