package org.opensearch.multimodal.query.retriever;

import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.Query;
import org.opensearch.multimodal.mapper.MultiVectorFormat;
import org.opensearch.multimodal.memory.TokenMemory;

/** The shard-side retrievers, for the tests of the floors above that run them (fusion, a shard's hybrid retrieval). */
public final class TestPoolRetrievers {

    private TestPoolRetrievers() {
    }

    /** A dense retriever: {@code knnQuery} proposes, the stored vectors of {@code field} score. */
    public static PoolRetriever.Refinable dense(
        String name,
        String field,
        float[] queryVector,
        VectorSimilarityFunction similarity,
        Query knnQuery,
        int k
    ) {
        return new DensePoolRetriever(name, field, queryVector, similarity, knnQuery, k);
    }

    /** A lexical retriever: {@code query} proposes its top k and scores what it matches. */
    public static PoolRetriever lexical(String name, Query query, int k) {
        return new LexicalPoolRetriever(name, query, k);
    }

    /** A multi-vector retriever without a candidate index: it proposes nothing and scores by MaxSim. */
    public static PoolRetriever.Refinable multiVector(
        String name,
        String field,
        float[][] queryTokens,
        MultiVectorFormat format,
        int dims,
        TokenMemory memory
    ) {
        return new MultiVectorPoolRetriever(name, field, queryTokens, format, dims, memory);
    }
}
