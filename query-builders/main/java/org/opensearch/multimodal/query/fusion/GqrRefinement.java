package org.opensearch.multimodal.query.fusion;

import org.apache.lucene.search.Explanation;
import org.opensearch.multimodal.math.GuidedQueryRefinement;
import org.opensearch.multimodal.query.common.ExplainLabels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One GQR refinement of a pool (a shard's, or the coordinating node's over the whole index), kept to explain each
 * hit's fused score and give its structured scores: the primary's score before and after, the complementary
 * retrievers' scores over the candidates, the loss, and where a document outside the candidates was ranked.
 */
record GqrRefinement(
    String primary,
    String description,
    GuidedQueryRefinement.Parameters parameters,
    List<String> names,
    float[][] scores,
    int p,
    int[] comp,
    float[][] compScores,
    int[] refinedOn,
    int[] positionInC,
    GuidedQueryRefinement.Result result,
    GqrFusion.Ranked ranked,
    float restShift,
    float[] fused,
    PoolRanks ranks
) {

    /** The hit's structured scores: each retriever's raw score and pool rank, and whether GQR refined on it. */
    Map<String, Object> details(int i) {
        Map<String, Object> perRetriever = new LinkedHashMap<>();
        for (int j = 0; j < names.size(); j++) {
            float raw = scores[j][i];
            perRetriever
                .put(names.get(j), HitScores.retriever(raw, ranks.rank(j, i), null, j == p ? 1f : 0f, j == p ? 1f : 0f));
        }
        Map<String, Object> out = HitScores.of(FusionSpec.GQR, fused[i], perRetriever);
        Map<String, Object> gqr = new LinkedHashMap<>();
        int c = positionInC[i];
        gqr.put("candidate", c >= 0);
        gqr.put("before", c >= 0 ? ranked.before()[c] : null);
        gqr.put("after", c >= 0 ? ranked.after()[c] : null);
        gqr.put("found_again", ranked.foundAgain()[i]);
        gqr.put("steps", result.stepsTaken());
        out.put("gqr", gqr);
        return out;
    }

    /** How hit {@code i}'s fused score came about, for {@code explain}. */
    Explanation explain(int i) {
        float raw = scores[p][i];
        if (Float.isNaN(raw)) {
            return Explanation.match(
                fused[i],
                String.format(Locale.ROOT, "%s: primary [%s] cannot score this document: ranked last", description, primary)
            );
        }
        int c = positionInC[i];
        if (c < 0) {
            return Explanation.match(
                fused[i],
                String.format(
                    Locale.ROOT,
                    "%s: outside the %d candidates, ranked after them by retriever [%s]'s own score, shifted by %s",
                    description,
                    ranked.inC().length,
                    primary,
                    restShift
                ),
                Explanation.match(raw, ExplainLabels.rawScore(primary))
            );
        }
        List<Explanation> details = new ArrayList<>();
        details.add(Explanation.match(ranked.before()[c], String.format(Locale.ROOT, ExplainLabels.PRIMARY_BEFORE, primary)));
        if (ranked.foundAgain()[i]) {
            details.add(Explanation.match(ranked.after()[c], String.format(Locale.ROOT, ExplainLabels.FOUND_AGAIN, primary)));
        }
        // the position among the candidates the query was refined on (C before any second search); -1: not one of them
        int refinedPosition = Arrays.binarySearch(refinedOn, ranked.pool()[i]);
        details.add(Explanation.match(raw, ExplainLabels.rawScore(primary)));
        for (int j = 0; j < comp.length; j++) {
            String name = names.get(comp[j]);
            float complementary = scores[comp[j]][i];
            if (Float.isNaN(complementary)) {
                details
                    .add(Explanation.noMatch(String.format(Locale.ROOT, "complementary retriever [%s] cannot score this document", name)));
            } else if (refinedPosition < 0) {
                details.add(
                    Explanation.match(complementary, "complementary " + ExplainLabels.rawScore(name) + " (not a refinement candidate)")
                );
            } else {
                float normalized = parameters.normalization().apply(compScores[j])[refinedPosition];
                details.add(
                    Explanation.match(
                        complementary,
                        String.format(
                            Locale.ROOT,
                            "complementary %s (%s over the candidates: %s)",
                            ExplainLabels.rawScore(name),
                            parameters.normalization(),
                            normalized
                        )
                    )
                );
            }
        }
        double[] losses = result.losses();
        details.add(
            Explanation.match(
                (float) losses[losses.length - 1],
                String.format(
                    Locale.ROOT,
                    "KL(target || primary) over the %d candidates: %s before, %s after %d steps%s",
                    result.initialScores().length,
                    losses[0],
                    losses[losses.length - 1],
                    result.stepsTaken(),
                    result.stepsTaken() < parameters.steps()
                        ? " of " + parameters.steps() + " (stopped when the request's timeout passed)"
                        : ""
                )
            )
        );
        return Explanation.match(
            fused[i],
            String.format(Locale.ROOT, "%s: " + ExplainLabels.PRIMARY_REFINED + ", in the candidate set", description, primary),
            details
        );
    }
}
