package org.opensearch.multimodal.query.retriever;

import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.util.BytesRef;
import org.opensearch.multimodal.mapper.MultiVectorFormat;
import org.opensearch.multimodal.mapper.StoredTokenMaxSim;
import org.opensearch.multimodal.math.FixedDimensionalEncoding;
import org.opensearch.multimodal.memory.TokenMemory;

import java.io.IOException;
import java.util.Arrays;

/**
 * A late-interaction retriever: proposes nothing, scores each pool document by MaxSim of the query's token vectors
 * against the document's {@code multi_vector} field, on its encoded form ({@link MultiVectorFormat},
 * {@link org.opensearch.multimodal.math.EncodedMaxSim}: rows L2-normalized when indexed).
 */
record MultiVectorPoolRetriever(
    String name,
    String field,
    float[][] queryTokens,
    MultiVectorFormat format,
    int dims,
    TokenMemory memory,
    CandidateSearch candidates,
    int k,
    ProposalScores proposed
) implements PoolRetriever.Refinable, PassageQueries {

    /** Without a candidate index: it proposes nothing. */
    MultiVectorPoolRetriever(String name, String field, float[][] queryTokens, MultiVectorFormat format, int dims, TokenMemory memory) {
        this(name, field, queryTokens, format, dims, memory, null, 0);
    }

    MultiVectorPoolRetriever(
        String name,
        String field,
        float[][] queryTokens,
        MultiVectorFormat format,
        int dims,
        TokenMemory memory,
        CandidateSearch candidates,
        int k
    ) {
        this(name, field, queryTokens, format, dims, memory, candidates, k, new ProposalScores());
    }

    /** The query's token vectors, for its own field's best passage. */
    @Override
    public float[][] passageTokens(String field) {
        return this.field.equals(field) ? queryTokens : null;
    }

    /** The candidate index's proposals ranked by exact MaxSim, the best k; nothing without a candidate index. */
    @Override
    public int[] topK(IndexSearcher searcher) throws IOException {
        return candidates == null ? new int[0] : proposals(searcher, queryTokens, k, proposed);
    }

    /** GQR's second search: the refined token matrix's candidates from the field's index, the best k by its MaxSim. */
    @Override
    public int[] searchAgain(IndexSearcher searcher, float[] z, int topK) throws IOException {
        if (candidates == null) {
            return null;
        }
        float[][] refined = new float[queryTokens.length][];
        for (int t = 0; t < refined.length; t++) {
            refined[t] = Arrays.copyOfRange(z, t * dims, (t + 1) * dims);
        }
        int[] found = proposals(searcher, refined, topK, null);
        Arrays.sort(found);
        return found;
    }

    /** The best {@code topK} candidates by MaxSim of {@code tokens}; their scores into {@code remember} when given. */
    private int[] proposals(IndexSearcher searcher, float[][] tokens, int topK, ProposalScores remember) throws IOException {
        int[] found = PoolRetriever.topDocs(searcher, candidates.query(tokens), candidates.count());
        Arrays.sort(found);
        float[] scores = maxSim(searcher, found, tokens);
        if (remember != null) {
            remember.docs = found;
            remember.scores = scores;
        }
        Integer[] order = new Integer[found.length];
        int n = 0;
        for (int i = 0; i < found.length; i++) {
            if (Float.isNaN(scores[i]) == false) {
                order[n++] = i;
            }
        }
        Arrays.sort(order, 0, n, (a, b) -> Float.compare(scores[b], scores[a]));
        int[] top = new int[Math.min(topK, n)];
        for (int i = 0; i < top.length; i++) {
            top[i] = found[order[i]];
        }
        return top;
    }

    @Override
    public boolean proposes() {
        return candidates != null;
    }

    /** MaxSim of each pool document; those it proposed were scored when it proposed them and are not scored again. */
    @Override
    public float[] score(IndexSearcher searcher, int[] pool) throws IOException {
        float[] scores = new float[pool.length];
        int[] missing = new int[pool.length];
        int missingCount = 0;
        for (int i = 0; i < pool.length; i++) {
            int known = Arrays.binarySearch(proposed.docs, pool[i]);
            if (known >= 0) {
                scores[i] = proposed.scores[known];
            } else {
                missing[missingCount++] = pool[i];
            }
        }
        if (missingCount == pool.length) {
            return maxSim(searcher, pool, queryTokens);
        }
        float[] computed = maxSim(searcher, Arrays.copyOf(missing, missingCount), queryTokens);
        for (int i = 0, m = 0; i < pool.length && m < missingCount; i++) {
            if (pool[i] == missing[m]) {
                scores[i] = computed[m++];
            }
        }
        return scores;
    }

    private float[] maxSim(IndexSearcher searcher, int[] pool, float[][] tokens) throws IOException {
        StoredTokenMaxSim maxSim = new StoredTokenMaxSim(field, tokens, format, dims);
        return PoolRetriever.scoreByLeaf(searcher, pool, leaf -> {
            BinaryDocValues values = leaf.reader().getBinaryDocValues(field);
            if (values == null) {
                return null;
            }
            return doc -> {
                if (values.advanceExact(doc) == false) {
                    return Float.NaN;
                }
                return maxSim.score(values.binaryValue());
            };
        });
    }

    @Override
    public float[] queryParameters() {
        float[] z = new float[queryTokens.length * dims];
        for (int t = 0; t < queryTokens.length; t++) {
            System.arraycopy(queryTokens[t], 0, z, t * dims, dims);
        }
        return z;
    }

    @Override
    public GatheredPrimary shape() {
        return GatheredPrimary.multiVector(dims, format, queryTokens.length, queryParameters());
    }

    @Override
    public BytesRef[] vectors(IndexSearcher searcher, int[] docs, TokenMemory.Reservation held) throws IOException {
        BytesRef[] out = new BytesRef[docs.length];
        int[] position = {0};
        PoolRetriever.scoreByLeaf(searcher, docs, leaf -> {
            BinaryDocValues values = leaf.reader().getBinaryDocValues(field);
            return doc -> {
                int i = position[0]++;
                if (values != null && values.advanceExact(doc)) {
                    held.reserve(values.binaryValue().length, field);
                    out[i] = BytesRef.deepCopyOf(values.binaryValue());
                }
                return 0f;
            };
        });
        return out;
    }

    /** The MaxSim a multi-vector retriever computed for its candidates (doc ids increasing), for its own pool scoring. */
    static final class ProposalScores {

        private int[] docs = new int[0];
        private float[] scores = new float[0];
    }

    /**
     * A multi_vector field's candidate index: {@code count} documents from the HNSW graph of its fixed-dimensional
     * encodings ({@code field}) for a query token matrix, with the query's filter.
     */
    record CandidateSearch(String field, FixedDimensionalEncoding encoding, Query filter, int count) {

        Query query(float[][] tokens) {
            return new KnnFloatVectorQuery(field, encoding.encodeQuery(tokens, tokens.length), count, filter);
        }
    }
}
