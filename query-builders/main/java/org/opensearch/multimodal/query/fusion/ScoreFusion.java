package org.opensearch.multimodal.query.fusion;

import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.IndexSearcher;
import org.opensearch.multimodal.math.Fusion;
import org.opensearch.multimodal.math.ScoreNormalization;
import org.opensearch.multimodal.query.common.ExplainLabels;
import org.opensearch.multimodal.query.common.SearchDeadline;
import org.opensearch.multimodal.query.retriever.PoolRetriever;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** RRF or normalized linear fusion of the pool's scores ({@link Fusion}); explain shows each retriever's share. */
final class ScoreFusion implements PoolFusion {

    private final boolean rrf;
    private final int rankConstant;
    private final ScoreNormalization normalization;
    private final Map<String, Float> weights;

    /** Whether fused scores are the retrievers' own (weighted) scores: comparable across shards, whatever their sign. */
    boolean keepsRawScores() {
        return rrf == false && normalization == ScoreNormalization.NONE;
    }

    ScoreFusion(boolean rrf, int rankConstant, ScoreNormalization normalization, Map<String, Float> weights) {
        this.rrf = rrf;
        this.rankConstant = rankConstant;
        this.normalization = normalization;
        this.weights = weights;
    }

    @Override
    public Fused fuse(IndexSearcher searcher, int[] pool, List<PoolRetriever> retrievers, float[][] scores) {
        return fuseGathered(retrievers.stream().map(PoolRetriever::name).toList(), scores, null, SearchDeadline.NONE);
    }

    /** One pass over the pool: nothing long enough to stop. */
    @Override
    public Fused fuseGathered(List<String> names, float[][] scores, PrimaryCandidates primary, SearchDeadline deadline) {
        float[] w = new float[names.size()];
        for (int r = 0; r < w.length; r++) {
            w[r] = weights.getOrDefault(names.get(r), 1f);
        }
        float[] fused = rrf ? Fusion.reciprocalRank(scores, w, rankConstant) : Fusion.linear(scores, w, normalization);
        PoolRanks ranks = new PoolRanks(scores, normalization);
        return new Fused(fused, i -> {
            List<Explanation> details = new ArrayList<>();
            for (int r = 0; r < names.size(); r++) {
                details.add(share(names.get(r), scores[r][i], ranks, r, i, w[r]));
            }
            return Explanation.match(fused[i], describe() + ", sum of:", details);
        }, i -> {
            Map<String, Object> retrieversOfHit = new LinkedHashMap<>();
            for (int r = 0; r < names.size(); r++) {
                float raw = scores[r][i];
                Float normalized = rrf || Float.isNaN(raw) ? null : ranks.normalized(r, i);
                float share = Float.isNaN(raw) ? 0f : rrf ? w[r] / (rankConstant + ranks.rank(r, i)) : w[r] * normalized;
                retrieversOfHit.put(names.get(r), HitScores.retriever(raw, ranks.rank(r, i), rrf ? null : normalized, w[r], share));
            }
            return HitScores.of(method(), fused[i], retrieversOfHit);
        });
    }

    private Explanation share(String name, float raw, PoolRanks ranks, int r, int i, float weight) {
        if (Float.isNaN(raw)) {
            return Explanation.noMatch(String.format(Locale.ROOT, "retriever [%s] cannot score this document: adds 0", name));
        }
        Explanation rawScore = Explanation.match(raw, ExplainLabels.rawScore(name));
        if (rrf) {
            int rank = ranks.rank(r, i);
            return Explanation.match(
                weight / (rankConstant + rank),
                String.format(
                    Locale.ROOT,
                    "retriever [%s]: weight %s / (rank_constant %d + rank %d in the pool)",
                    name,
                    weight,
                    rankConstant,
                    rank
                ),
                rawScore
            );
        }
        float normalized = ranks.normalized(r, i);
        return Explanation.match(
            weight * normalized,
            String.format(Locale.ROOT, "retriever [%s]: weight %s * %s normalized score %s", name, weight, normalization, normalized),
            rawScore
        );
    }

    @Override
    public String method() {
        return rrf ? FusionSpec.RRF : FusionSpec.LINEAR;
    }

    @Override
    public String describe() {
        return rrf
            ? String.format(Locale.ROOT, "rrf(rank_constant %d, weights %s)", rankConstant, weights)
            : String.format(Locale.ROOT, "linear(%s, weights %s)", normalization, weights);
    }
}
