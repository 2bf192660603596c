package org.opensearch.multimodal.query.fusion;

import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.BytesRef;
import org.opensearch.multimodal.memory.TokenMemory;
import org.opensearch.multimodal.query.common.SearchDeadline;
import org.opensearch.multimodal.query.retriever.GatheredPrimary;
import org.opensearch.multimodal.query.retriever.PassageQueries;
import org.opensearch.multimodal.query.retriever.PoolRetriever;
import org.opensearch.multimodal.query.retriever.RetrievalSearcher;
import org.opensearch.multimodal.query.retriever.RetrieverSpec;
import org.opensearch.multimodal.services.ActiveSearches;
import org.opensearch.multimodal.stats.MultimodalStats;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A shard's hybrid retrieval (docs/DESIGN.md §5), done when its weight is first created against the shard's reader:
 * each retriever's top k, their union as the pool, every pool document scored exactly by every retriever, then the
 * fusion (or, in a fused search's first round, nothing more: the coordinating node fuses). It becomes a
 * {@link PoolScoresQuery} holding the scores.
 */
public final class HybridRetrievalQuery extends Query implements PassageQueries {

    private final List<PoolRetriever> retrievers;
    private final PoolFusion fusion;
    private final MultimodalStats stats;
    /** The first round of a fused search: the pool and its scores are gathered for the coordinating node, not fused. */
    private final boolean gather;
    /** Where the shard search's deadline is found, by its searcher. */
    private final ActiveSearches searches;
    /** The pool, once a weight was asked for. */
    private PoolScoresQuery computed;

    HybridRetrievalQuery(List<PoolRetriever> retrievers, PoolFusion fusion, MultimodalStats stats) {
        this(retrievers, fusion, stats, false, null);
    }

    /**
     * A shard's retrieval: {@code onShard}, the query's {@code retrievers} as built on this shard, fused as {@code fusion}
     * says, or, in a fused search's first round ({@code gather}), gathered for the coordinating node.
     */
    public static HybridRetrievalQuery of(
        List<PoolRetriever> onShard,
        FusionSpec fusion,
        Map<String, RetrieverSpec> retrievers,
        MultimodalStats stats,
        boolean gather,
        ActiveSearches searches
    ) {
        return new HybridRetrievalQuery(onShard, fusion.onShard(retrievers, onShard, stats), stats, gather, searches);
    }

    HybridRetrievalQuery(
        List<PoolRetriever> retrievers,
        PoolFusion fusion,
        MultimodalStats stats,
        boolean gather,
        ActiveSearches searches
    ) {
        this.retrievers = List.copyOf(retrievers);
        this.fusion = fusion;
        this.stats = stats;
        this.gather = gather;
        this.searches = searches;
    }

    /**
     * The retrieval runs when the weight is created, not at rewrite: a shard rewrites its query before
     * dfs_query_then_fetch hands it the whole index's term statistics, and BM25 must score with those.
     */
    @Override
    public Weight createWeight(IndexSearcher searcher, ScoreMode scoreMode, float boost) throws IOException {
        return pool(searcher).createWeight(searcher, scoreMode, boost);
    }

    /** The pool as a query, computed once per reader (the aggregation of a fused search's first round reads it too). */
    synchronized PoolScoresQuery pool(IndexSearcher searcher) throws IOException {
        if (computed == null || computed.readerId() != searcher.getIndexReader().getContext().id()) {
            computed = compute(searcher);
        }
        return computed;
    }

    boolean gathers() {
        return gather;
    }

    @Override
    public float[] passageQuery(String field) {
        return PassageQueries.first(retrievers, passages -> passages.passageQuery(field));
    }

    @Override
    public float[][] passageTokens(String field) {
        return PassageQueries.first(retrievers, passages -> passages.passageTokens(field));
    }

    /**
     * The pool, or, once the search's timeout has passed, nothing: the shard answers {@code timed_out: true} with what
     * it collected before, as OpenSearch's own query phase does (a cancelled search throws).
     */
    private PoolScoresQuery compute(IndexSearcher searcher) throws IOException {
        SearchDeadline deadline = SearchDeadline.onShard(searches, searcher);
        try {
            return compute(searcher, deadline);
        } catch (SearchDeadline.Expired e) {
            deadline.markTimedOut();
            ShardPool nothing = gather ? ShardPool.empty(retrievers.stream().map(PoolRetriever::name).toList()) : null;
            return new PoolScoresQuery(
                searcher.getIndexReader().getContext().id(),
                new int[0],
                new float[0],
                i -> Explanation.noMatch("the request's timeout passed"),
                "timed out: " + fusion.describe(),
                nothing,
                null
            );
        }
    }

    private PoolScoresQuery compute(IndexSearcher searcher, SearchDeadline deadline) throws IOException {
        long start = System.nanoTime();
        // the retrievers' searches and scoring loops stop at the deadline
        IndexSearcher inner = RetrievalSearcher.over(searcher, deadline.asLuceneTimeout());
        TreeSet<Integer> union = new TreeSet<>();
        int[][] proposals = new int[retrievers.size()][];
        for (int r = 0; r < retrievers.size(); r++) {
            deadline.check();
            proposals[r] = retrievers.get(r).topK(inner);
            for (int doc : proposals[r]) {
                union.add(doc);
            }
        }
        int[] pool = union.stream().mapToInt(Integer::intValue).toArray();
        float[][] scores = new float[retrievers.size()][];
        for (int r = 0; r < retrievers.size(); r++) {
            deadline.check(); // a search stopped by it came back with part of its top k
            scores[r] = retrievers.get(r).score(inner, pool);
        }
        if (gather) {
            ShardPool gathered = gathered(inner, pool, proposals, scores);
            stats.query(fusion.method(), System.nanoTime() - start);
            float[] ones = new float[pool.length];
            Arrays.fill(ones, 1f);
            return new PoolScoresQuery(
                searcher.getIndexReader().getContext().id(),
                pool,
                ones,
                i -> Explanation.match(1f, "gathered for the coordinating node's fusion"),
                "gather(" + fusion.describe() + ")",
                gathered,
                null
            );
        }
        PoolFusion.Fused result = fusion.fuse(inner, pool, retrievers, scores);
        deadline.check(); // whatever the shard has now is not collected once the query phase's timeout has passed
        stats.query(fusion.method(), System.nanoTime() - start);
        if (result.pool() != null) {
            pool = result.pool(); // GQR's second search added documents
        }
        float[] fused = result.scores();
        // Lucene needs non-negative scores. Raw scores (a retriever alone) compare across shards, so those below zero
        // become 0: a shift by the shard's lowest would differ from shard to shard. A shard-local fusion (z_score, GQR
        // refined on each shard) is shifted by its lowest, which keeps its order.
        boolean raw = fusion instanceof ScoreFusion linear && linear.keepsRawScores();
        float lowest = 0f;
        for (float f : fused) {
            lowest = Math.min(lowest, f);
        }
        float shift = raw ? 0f : -lowest;
        float[] shifted = fused.clone();
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] = Math.max(0f, shifted[i] + shift);
        }
        return new PoolScoresQuery(
            searcher.getIndexReader().getContext().id(),
            pool,
            shifted,
            i -> explain(result, i, shift, shifted[i]),
            fusion.describe()
        );
    }

    /** The pool, what proposed each document, and for GQR the primary's local candidates' vectors. */
    private ShardPool gathered(IndexSearcher inner, int[] pool, int[][] proposals, float[][] scores) throws IOException {
        List<String> names = retrievers.stream().map(PoolRetriever::name).toList();
        long[] proposedBy = new long[pool.length];
        for (int r = 0; r < proposals.length; r++) {
            for (int doc : proposals[r]) {
                proposedBy[Arrays.binarySearch(pool, doc)] |= 1L << r;
            }
        }
        GatheredPrimary primary = null;
        BytesRef[] vectors = null;
        if (fusion instanceof GqrFusion gqr) {
            PoolRetriever.Refinable refinable = (PoolRetriever.Refinable) retrievers.get(names.indexOf(gqr.primary()));
            int[] candidates = gqr.candidates(names, scores);
            BytesRef[] found;
            // within the query's per-request cap (a 400 naming pool_k) and the node's breaker while they are read; once
            // sent, the aggregation's result holds them on the request breaker
            try (TokenMemory.Reservation held = refinable.memory().reservation()) {
                found = refinable.vectors(inner, Arrays.stream(candidates).map(i -> pool[i]).toArray(), held);
            }
            vectors = new BytesRef[pool.length];
            for (int c = 0; c < candidates.length; c++) {
                vectors[candidates[c]] = found[c];
            }
            primary = refinable.shape();
        }
        return new ShardPool(names, pool, scores, proposedBy, primary, vectors);
    }

    private static Explanation explain(PoolFusion.Fused result, int i, float shift, float score) {
        Explanation fused = result.explain().apply(i);
        if (shift != 0) {
            return Explanation.match(score, String.format(Locale.ROOT, "fused score shifted by %s to be non-negative", shift), fused);
        }
        if (score != fused.getValue().floatValue()) {
            return Explanation.match(score, "a score below zero, counted as 0 (Lucene's scores are non-negative)", fused);
        }
        return fused;
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
            && fusion.equals(((HybridRetrievalQuery) other).fusion)
            && gather == ((HybridRetrievalQuery) other).gather;
    }

    @Override
    public int hashCode() {
        return Objects.hash(classHash(), retrievers, fusion);
    }
}
