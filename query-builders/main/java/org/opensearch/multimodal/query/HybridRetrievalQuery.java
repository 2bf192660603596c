package org.opensearch.multimodal.query;

import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Weight;
import org.opensearch.multimodal.stats.MultimodalStats;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A shard's hybrid retrieval (docs/DESIGN.md §4), done when the query is rewritten against the shard's reader: each
 * retriever's top k, their union as the pool, every pool document scored exactly by every retriever, then the fusion.
 * It rewrites to a {@link PoolScoresQuery} holding the fused scores.
 */
final class HybridRetrievalQuery extends Query {

    private final List<PoolRetriever> retrievers;
    private final PoolFusion fusion;
    private final MultimodalStats stats;

    HybridRetrievalQuery(List<PoolRetriever> retrievers, PoolFusion fusion, MultimodalStats stats) {
        this.retrievers = List.copyOf(retrievers);
        this.fusion = fusion;
        this.stats = stats;
    }

    @Override
    public Query rewrite(IndexSearcher searcher) throws IOException {
        long start = System.nanoTime();
        // the retrievers search a plain searcher over the same reader, with the index's similarity: the shard's own
        // searcher may be profiling, and a search nested inside its rewrite would break the profiler's timers
        IndexSearcher inner = new IndexSearcher(searcher.getIndexReader());
        inner.setSimilarity(searcher.getSimilarity());
        inner.setQueryCache(null);
        TreeSet<Integer> union = new TreeSet<>();
        for (PoolRetriever retriever : retrievers) {
            for (int doc : retriever.topK(inner)) {
                union.add(doc);
            }
        }
        int[] pool = union.stream().mapToInt(Integer::intValue).toArray();
        float[][] scores = new float[retrievers.size()][];
        for (int r = 0; r < retrievers.size(); r++) {
            scores[r] = retrievers.get(r).score(inner, pool);
        }
        PoolFusion.Fused result = fusion.fuse(inner, pool, retrievers, scores);
        stats.query(fusion.method(), System.nanoTime() - start);
        if (result.pool() != null) {
            pool = result.pool(); // GQR's second search added documents
        }
        float[] fused = result.scores();
        // Lucene needs non-negative scores; a shift keeps the order (only z_score fusion can go below zero)
        float lowest = 0f;
        for (float f : fused) {
            lowest = Math.min(lowest, f);
        }
        float shift = -lowest;
        float[] shifted = fused.clone();
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] += shift;
        }
        return new PoolScoresQuery(
            searcher.getIndexReader().getContext().id(),
            pool,
            shifted,
            i -> explain(result, i, shift),
            fusion.describe()
        );
    }

    private static Explanation explain(PoolFusion.Fused result, int i, float shift) {
        Explanation fused = result.explain().apply(i);
        if (shift == 0) {
            return fused;
        }
        return Explanation.match(
            fused.getValue().floatValue() + shift,
            String.format(Locale.ROOT, "fused score shifted by %s to be non-negative", shift),
            fused
        );
    }

    @Override
    public Weight createWeight(IndexSearcher searcher, ScoreMode scoreMode, float boost) {
        throw new IllegalStateException("the hybrid retrieval query must be rewritten before it is used");
    }

    @Override
    public String toString(String field) {
        return "hybrid(" + retrievers.stream().map(PoolRetriever::name).toList() + ", " + fusion.describe() + ")";
    }

    @Override
    public void visit(QueryVisitor visitor) {
        visitor.visitLeaf(this);
    }

    @Override
    public boolean equals(Object other) {
        return sameClassAs(other) && retrievers.equals(((HybridRetrievalQuery) other).retrievers)
            && fusion.equals(((HybridRetrievalQuery) other).fusion);
    }

    @Override
    public int hashCode() {
        return Objects.hash(classHash(), retrievers, fusion);
    }
}
