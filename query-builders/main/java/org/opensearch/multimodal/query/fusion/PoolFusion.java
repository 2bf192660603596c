package org.opensearch.multimodal.query.fusion;

import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.IndexSearcher;
import org.opensearch.multimodal.query.common.SearchDeadline;
import org.opensearch.multimodal.query.retriever.PoolRetriever;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Turns a pool scored by every retriever into one score per pool document, with each document's arithmetic: on a shard
 * (the per-shard fallback, docs/search.md) or on the coordinating node over the whole index's pool.
 */
interface PoolFusion {

    /**
     * A shard's pool.
     * @param pool global doc ids, increasing
     * @param scores {@code scores[retriever][i]}, {@code NaN} where a retriever cannot score pool document i
     */
    Fused fuse(IndexSearcher searcher, int[] pool, List<PoolRetriever> retrievers, float[][] scores) throws IOException;

    /**
     * The whole index's pool on the coordinating node: {@code scores[retriever][i]} as the shards computed them;
     * {@code primary} the GQR primary's candidates as the shards sent them (null for the other fusions); long work stops
     * at {@code deadline}.
     */
    Fused fuseGathered(List<String> names, float[][] scores, PrimaryCandidates primary, SearchDeadline deadline)
        throws IOException;

    String describe();

    /** {@code rrf}, {@code linear} or {@code gqr}: how the stats API counts it. */
    String method();

    /**
     * The fused scores (any sign, higher is better), how pool document i got its score for explain, and the same as
     * structured data (each retriever's raw score, rank and share) for the hit; {@code pool} the pool they score when
     * the fusion widened it (GQR's second search), null when it is the pool it was given.
     */
    record Fused(int[] pool, float[] scores, IntFunction<Explanation> explain, IntFunction<Map<String, Object>> details) {

        Fused(float[] scores, IntFunction<Explanation> explain, IntFunction<Map<String, Object>> details) {
            this(null, scores, explain, details);
        }
    }
}
