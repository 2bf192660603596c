package org.opensearch.multimodal.query;

import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.IndexSearcher;

import java.io.IOException;
import java.util.List;
import java.util.function.IntFunction;

/** Turns one shard's pool, scored by every retriever, into one score per pool document, with each document's arithmetic. */
interface PoolFusion {

    /**
     * @param pool global doc ids, increasing
     * @param scores {@code scores[retriever][i]}, {@code NaN} where a retriever cannot score pool document i
     */
    Fused fuse(IndexSearcher searcher, int[] pool, List<PoolRetriever> retrievers, float[][] scores) throws IOException;

    String describe();

    /** {@code rrf}, {@code linear} or {@code gqr}: how the stats API counts it. */
    String method();

    /**
     * The fused scores (any sign, higher is better) and, for explain, how pool document i got its score; {@code pool}
     * the pool they score when the fusion widened it (GQR's second search), null when it is the pool it was given.
     */
    record Fused(int[] pool, float[] scores, IntFunction<Explanation> explain) {

        Fused(float[] scores, IntFunction<Explanation> explain) {
            this(null, scores, explain);
        }
    }
}
