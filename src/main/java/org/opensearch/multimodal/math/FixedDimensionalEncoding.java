package org.opensearch.multimodal.math;

import org.apache.lucene.util.VectorUtil;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * MUVERA's fixed-dimensional encodings (Dhulipala et al. 2024, "MUVERA: Multi-Vector Retrieval via Fixed Dimensional
 * Encodings"; docs/notes/compact-multi-vectors.md): one vector per token set whose inner product approximates the sum over query tokens
 * of each one's best document token (MaxSim up to the query's token count), so a single-vector index can propose
 * candidates for an exact MaxSim rerank.
 *
 * <p>In each of {@code repetitions} rounds, {@code bits} random hyperplanes (SimHash) split the token space into
 * 2^bits buckets; a token's bucket is the bit pattern of its signs. A query's block for a bucket is the sum of its
 * tokens there, a document's the mean of its tokens there; a document bucket left empty takes the document token
 * whose bucket is nearest in Hamming distance, so every query token meets some document token. Each block is then
 * projected to {@code projection} dimensions by a random +-1 matrix (scaled 1/sqrt(projection)), the same for queries
 * and documents; {@code projection} 0 keeps each block whole ({@code dims} dimensions, no projection noise). The
 * encoding has {@code repetitions x 2^bits x projection} dimensions; everything random comes from {@code seed}, so
 * index and query time agree.
 */
public final class FixedDimensionalEncoding {

    /** Lucene's HNSW formats take at most 1,024 dimensions by default. */
    public static final int MAX_DIMENSIONS = 1024;

    private final int dims;
    private final int repetitions;
    private final int bits;
    private final int projection;
    /** hyperplanes[r][b]: the b-th SimHash hyperplane of repetition r. */
    private final float[][][] hyperplanes;
    /** signs[r][p]: row p of repetition r's projection, +-1 per input dimension. */
    private final float[][][] signs;
    /** planeOffsets[r][b]: hyperplane b of repetition r passes through the center: bit set when <g, x> > <g, center>. */
    private final float[][] planeOffsets;
    /** No projection: blocks are kept whole. */
    private final boolean identity;

    public FixedDimensionalEncoding(int dims, int repetitions, int bits, int projection, long seed) {
        this(dims, repetitions, bits, projection, seed, null);
    }

    /**
     * With {@code center} (null: the origin) the hyperplanes pass through it: token vectors of a model that share a
     * large common direction (bge's do) all fall on one side of planes through the origin, leaving most buckets empty.
     */
    public FixedDimensionalEncoding(int dims, int repetitions, int bits, int projection, long seed, float[] center) {
        if (projection == 0) {
            projection = dims;
            this.identity = true;
        } else {
            this.identity = false;
        }
        if (dims < 1 || repetitions < 1 || bits < 0 || bits > 10 || projection < 1) {
            throw new IllegalArgumentException(
                String.format(
                    Locale.ROOT,
                    "invalid encoding: dims %d, repetitions %d, bits %d (0-10), projection %d",
                    dims,
                    repetitions,
                    bits,
                    projection
                )
            );
        }
        long out = (long) repetitions * (1L << bits) * projection;
        if (out > MAX_DIMENSIONS) {
            throw new IllegalArgumentException(
                String.format(
                    Locale.ROOT,
                    "repetitions x 2^bits x projection = %d dimensions, more than the %d an HNSW graph takes",
                    out,
                    MAX_DIMENSIONS
                )
            );
        }
        this.dims = dims;
        this.repetitions = repetitions;
        this.bits = bits;
        this.projection = projection;
        Random random = new Random(seed);
        this.hyperplanes = new float[repetitions][bits][dims];
        this.signs = new float[repetitions][identity ? 0 : projection][dims];
        this.planeOffsets = new float[repetitions][bits];
        for (int r = 0; r < repetitions; r++) {
            for (float[] plane : hyperplanes[r]) {
                for (int k = 0; k < dims; k++) {
                    plane[k] = (float) random.nextGaussian();
                }
            }
            for (float[] row : signs[r]) {
                for (int k = 0; k < dims; k++) {
                    row[k] = random.nextBoolean() ? 1f : -1f;
                }
            }
            for (int b = 0; b < bits; b++) {
                planeOffsets[r][b] = center == null ? 0f : VectorUtil.dotProduct(hyperplanes[r][b], center);
            }
        }
    }

    /** The encoding's length: repetitions x 2^bits x projection. */
    public int dimensions() {
        return repetitions * (1 << bits) * projection;
    }

    /** A query's encoding: per bucket the sum of its tokens (the first {@code rows} of {@code tokens}). */
    public float[] encodeQuery(float[][] tokens, int rows) {
        return encode(tokens, rows, false);
    }

    /** A document's encoding: per bucket the mean of its tokens; empty buckets take the nearest bucket's nearest token. */
    public float[] encodeDocument(float[][] tokens) {
        return encode(tokens, tokens.length, true);
    }

    private float[] encode(float[][] tokens, int rows, boolean document) {
        int buckets = 1 << bits;
        float[] out = new float[dimensions()];
        float[][] block = new float[buckets][dims];
        int[] counts = new int[buckets];
        int[] bucketOf = new int[rows];
        float scale = (float) (1 / Math.sqrt(projection));
        for (int r = 0; r < repetitions; r++) {
            for (float[] b : block) {
                Arrays.fill(b, 0f);
            }
            Arrays.fill(counts, 0);
            for (int t = 0; t < rows; t++) {
                if (tokens[t].length != dims) {
                    throw new IllegalArgumentException(
                        String.format(Locale.ROOT, "token %d has %d dims, the encoding %d", t, tokens[t].length, dims)
                    );
                }
                int bucket = bucket(r, tokens[t]);
                bucketOf[t] = bucket;
                counts[bucket]++;
                float[] target = block[bucket];
                for (int k = 0; k < dims; k++) {
                    target[k] += tokens[t][k];
                }
            }
            if (document && rows > 0) {
                for (int b = 0; b < buckets; b++) {
                    if (counts[b] > 1) {
                        float inverse = 1f / counts[b];
                        for (int k = 0; k < dims; k++) {
                            block[b][k] *= inverse;
                        }
                    } else if (counts[b] == 0) {
                        System.arraycopy(tokens[nearestToken(b, bucketOf, rows)], 0, block[b], 0, dims);
                    }
                }
            }
            for (int b = 0; b < buckets; b++) {
                int offset = (r * buckets + b) * projection;
                if (identity) {
                    System.arraycopy(block[b], 0, out, offset, dims);
                    continue;
                }
                for (int p = 0; p < projection; p++) {
                    out[offset + p] = scale * VectorUtil.dotProduct(signs[r][p], block[b]);
                }
            }
        }
        return out;
    }

    /** The bucket of {@code token} in repetition {@code r}: bit b set when it lies on the positive side of hyperplane b. */
    private int bucket(int r, float[] token) {
        int bucket = 0;
        for (int b = 0; b < bits; b++) {
            if (VectorUtil.dotProduct(hyperplanes[r][b], token) > planeOffsets[r][b]) {
                bucket |= 1 << b;
            }
        }
        return bucket;
    }

    /** The first token whose bucket is nearest to {@code bucket} in Hamming distance. */
    private static int nearestToken(int bucket, int[] bucketOf, int rows) {
        int best = 0;
        int bestDistance = Integer.MAX_VALUE;
        for (int t = 0; t < rows; t++) {
            int distance = Integer.bitCount(bucketOf[t] ^ bucket);
            if (distance < bestDistance) {
                best = t;
                bestDistance = distance;
            }
        }
        return best;
    }
}
