package org.opensearch.multimodal.math;

import org.apache.lucene.util.VectorUtil;

import java.util.Arrays;

/**
 * Token pooling (Clavie et al. 2024, "Reducing the Footprint of Multi-Vector Retrieval with Minimal Performance Impact
 * via Token Pooling"; docs/notes/compact-multi-vectors.md): a document's token vectors are clustered hierarchically with Ward linkage, the
 * tree is cut into {@code k = max(1, ceil(n / poolFactor))} clusters, and each cluster becomes the L2-normalized mean of
 * its vectors. Pool factor 2 halves the vectors with virtually no loss in the paper, 3 keeps about 98% of the quality.
 *
 * <p>O(n^2) time and memory: the nearest-neighbour chain algorithm with the Lance-Williams update for Ward on squared
 * Euclidean distances, which are initialised from dot products ({@code |a|^2 + |b|^2 - 2<a,b>}, {@code 2 - 2<a,b>} for
 * unit rows). For a reducible linkage such as Ward the chain finds the same merges as the greedy O(n^3) algorithm; sorted
 * by height they give the cut at any k.
 */
public final class TokenPooling {

    private TokenPooling() {
    }

    /**
     * The pooled rows of {@code tokens} (rows of equal length, L2-normalized), in the order of the smallest token index
     * of each cluster; pool factor 1 returns a copy of the rows. A cluster whose members sum to zero is represented by its
     * first member.
     */
    public static float[][] pool(float[][] tokens, int poolFactor) {
        if (poolFactor < 1) {
            throw new IllegalArgumentException("[pool_factor] must be at least 1, got [" + poolFactor + "]");
        }
        int n = tokens.length;
        int k = Math.max(1, (int) ((n + (long) poolFactor - 1) / poolFactor));
        if (k >= n) {
            float[][] copy = new float[n][];
            for (int i = 0; i < n; i++) {
                copy[i] = tokens[i].clone();
            }
            return copy;
        }
        int dims = tokens[0].length;
        int[] labels = wardClusters(tokens, k);
        float[][] pooled = new float[k][dims];
        for (int i = 0; i < n; i++) {
            if (tokens[i].length != dims) {
                throw new IllegalArgumentException("token [" + i + "] has [" + tokens[i].length + "] dims, the first has [" + dims + "]");
            }
            VectorUtil.add(pooled[labels[i]], tokens[i]);
        }
        for (int c = 0; c < k; c++) {
            if (VectorMath.isZero(pooled[c])) {
                // members that cancel out (opposite rows forced together): the first member stands for them, still a unit row
                for (int i = 0; i < n; i++) {
                    if (labels[i] == c) {
                        pooled[c] = tokens[i].clone();
                        break;
                    }
                }
            }
            VectorMath.l2NormalizeInPlace(pooled[c]);
        }
        return pooled;
    }

    /**
     * For each token, its cluster among {@code k} Ward clusters, numbered in the order of each cluster's smallest token
     * index.
     */
    static int[] wardClusters(float[][] tokens, int k) {
        int n = tokens.length;
        float[] d = squaredDistances(tokens);
        int[] size = new int[n];
        Arrays.fill(size, 1);
        boolean[] merged = new boolean[n];
        int[] chain = new int[n];
        int chainLength = 0;
        int firstActive = 0;
        // each merge as (height bits << 32 | merge number): heights are >= 0, so their bits sort as the floats do
        long[] byHeight = new long[n - 1];
        int[] mergeA = new int[n - 1];
        int[] mergeB = new int[n - 1];
        for (int m = 0; m < n - 1; m++) {
            if (chainLength == 0) {
                while (merged[firstActive]) {
                    firstActive++;
                }
                chain[chainLength++] = firstActive;
            }
            int a;
            int b;
            while (true) {
                a = chain[chainLength - 1];
                // on a tie the previous chain element wins: that is what keeps the chain from cycling
                b = chainLength >= 2 ? chain[chainLength - 2] : -1;
                float nearest = b >= 0 ? d[a * n + b] : Float.POSITIVE_INFINITY;
                int rowA = a * n;
                for (int c = 0; c < n; c++) {
                    if (c != a && merged[c] == false && d[rowA + c] < nearest) {
                        nearest = d[rowA + c];
                        b = c;
                    }
                }
                if (chainLength >= 2 && b == chain[chainLength - 2]) {
                    break;
                }
                chain[chainLength++] = b;
            }
            chainLength -= 2;
            int keep = Math.min(a, b);
            int drop = Math.max(a, b);
            float height = d[a * n + b];
            byHeight[m] = ((long) Float.floatToIntBits(height) << 32) | m;
            mergeA[m] = keep;
            mergeB[m] = drop;
            lanceWilliamsWard(d, n, size, merged, keep, drop);
            size[keep] += size[drop];
            merged[drop] = true;
        }
        // the first n - k merges by height (Ward has no inversions, so a merge never precedes the ones it builds on)
        Arrays.sort(byHeight);
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) {
            parent[i] = i;
        }
        for (int i = 0; i < n - k; i++) {
            int m = (int) byHeight[i];
            parent[find(parent, mergeB[m])] = find(parent, mergeA[m]);
        }
        int[] labels = new int[n];
        int[] labelOfRoot = new int[n];
        Arrays.fill(labelOfRoot, -1);
        int next = 0;
        for (int i = 0; i < n; i++) {
            int root = find(parent, i);
            if (labelOfRoot[root] < 0) {
                labelOfRoot[root] = next++;
            }
            labels[i] = labelOfRoot[root];
        }
        return labels;
    }

    /** Squared Euclidean distances, n x n, from dot products and squared norms. */
    private static float[] squaredDistances(float[][] tokens) {
        int n = tokens.length;
        float[] squaredNorms = new float[n];
        for (int i = 0; i < n; i++) {
            squaredNorms[i] = VectorUtil.dotProduct(tokens[i], tokens[i]);
        }
        float[] d = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                float distance = Math.max(0f, squaredNorms[i] + squaredNorms[j] - 2f * VectorUtil.dotProduct(tokens[i], tokens[j]));
                d[i * n + j] = distance;
                d[j * n + i] = distance;
            }
        }
        return d;
    }

    /**
     * Ward's Lance-Williams update on squared distances, for the union of {@code keep} and {@code drop} stored at
     * {@code keep}: {@code d(ab, c) = ((na + nc) d(a, c) + (nb + nc) d(b, c) - nc d(a, b)) / (na + nb + nc)}.
     */
    private static void lanceWilliamsWard(float[] d, int n, int[] size, boolean[] merged, int keep, int drop) {
        float sizeA = size[keep];
        float sizeB = size[drop];
        float ab = d[keep * n + drop];
        for (int c = 0; c < n; c++) {
            if (c == keep || c == drop || merged[c]) {
                continue;
            }
            float sizeC = size[c];
            float updated = ((sizeA + sizeC) * d[keep * n + c] + (sizeB + sizeC) * d[drop * n + c] - sizeC * ab) / (sizeA + sizeB + sizeC);
            updated = Math.max(0f, updated);
            d[keep * n + c] = updated;
            d[c * n + keep] = updated;
        }
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }
}
