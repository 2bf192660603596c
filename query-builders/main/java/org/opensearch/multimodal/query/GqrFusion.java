package org.opensearch.multimodal.query;

import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.IndexSearcher;
import org.opensearch.multimodal.math.GuidedQueryRefinement;
import org.opensearch.multimodal.math.RefinablePrimary;
import org.opensearch.multimodal.stats.MultimodalStats;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Guided Query Refinement over a shard's pool (docs/DESIGN.md §5): the candidate set C is the primary's and each
 * complementary retriever's top {@code pool_k} in the pool; a few Adam steps move the primary's query toward the
 * target built from all of them on C; C is ranked by the primary's score with the refined query, and the rest of the pool
 * follows in the primary's own order (documents it cannot score last). With {@code steps 0}, C is ranked by the primary
 * alone.
 */
final class GqrFusion implements PoolFusion {

    /** How far below C's lowest refined score the rest of the pool starts. */
    private static final float TAIL_GAP = 1e-3f;

    private final String primary;
    private final List<String> complementary;
    private final int poolK;
    private final GuidedQueryRefinement.Parameters parameters;
    private final MultimodalStats stats;

    GqrFusion(String primary, List<String> complementary, int poolK, GuidedQueryRefinement.Parameters parameters, MultimodalStats stats) {
        this.primary = primary;
        this.complementary = List.copyOf(complementary);
        this.poolK = poolK;
        this.parameters = parameters;
        this.stats = stats;
    }

    @Override
    public Fused fuse(IndexSearcher searcher, int[] pool, List<PoolRetriever> retrievers, float[][] scores) throws IOException {
        int p = indexOf(retrievers, primary);
        PoolRetriever.Refinable refinable = (PoolRetriever.Refinable) retrievers.get(p);
        int[] comp = complementary.stream().mapToInt(name -> indexOf(retrievers, name)).toArray();

        TreeSet<Integer> candidates = new TreeSet<>();
        addTop(candidates, scores[p], poolK);
        for (int c : comp) {
            addTop(candidates, scores[c], poolK);
        }
        candidates.removeIf(i -> Float.isNaN(scores[p][i])); // the primary can only be refined on what it scores
        int[] inC = candidates.stream().mapToInt(Integer::intValue).toArray();
        int[] cDocs = Arrays.stream(inC).map(i -> pool[i]).toArray();
        float[][] compScores = new float[comp.length][inC.length];
        for (int j = 0; j < comp.length; j++) {
            for (int i = 0; i < inC.length; i++) {
                compScores[j][i] = scores[comp[j]][inC[i]];
            }
        }
        float[] z0 = refinable.queryParameters();
        GuidedQueryRefinement.Result result;
        if (inC.length == 0) {
            result = new GuidedQueryRefinement.Result(z0, new float[0], new float[0], new double[]{0});
        } else {
            long start = System.nanoTime();
            RefinablePrimary function = refinable.primary(searcher, cDocs);
            result = GuidedQueryRefinement.refine(z0, function, compScores, parameters);
            stats.gqr(parameters.steps(), System.nanoTime() - start);
        }

        // C first, by the refined primary; then the rest of the pool by the primary's own score, below C (the
        // refined query is only shaped on C, so it is not trusted elsewhere); documents it cannot score last
        int[] positionInC = new int[pool.length];
        Arrays.fill(positionInC, -1);
        float lowestInC = Float.POSITIVE_INFINITY;
        for (int i = 0; i < inC.length; i++) {
            positionInC[inC[i]] = i;
            lowestInC = Math.min(lowestInC, result.scores()[i]);
        }
        float highestRest = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < pool.length; i++) {
            if (positionInC[i] < 0 && Float.isNaN(scores[p][i]) == false) {
                highestRest = Math.max(highestRest, scores[p][i]);
            }
        }
        float restShift = inC.length == 0 || highestRest == Float.NEGATIVE_INFINITY ? 0f : lowestInC - TAIL_GAP - highestRest;
        float[] fused = new float[pool.length];
        float lowest = Float.POSITIVE_INFINITY;
        for (int i = 0; i < pool.length; i++) {
            fused[i] = positionInC[i] >= 0 ? result.scores()[positionInC[i]] : scores[p][i] + restShift;
            if (Float.isNaN(fused[i]) == false) {
                lowest = Math.min(lowest, fused[i]);
            }
        }
        for (int i = 0; i < pool.length; i++) {
            if (Float.isNaN(fused[i])) {
                fused[i] = lowest == Float.POSITIVE_INFINITY ? 0f : lowest - 1f;
            }
        }
        Refinement refinement = new Refinement(retrievers, scores, p, comp, compScores, positionInC, result, restShift, fused);
        return new Fused(fused, i -> explain(refinement, i));
    }

    /** One shard's refinement, kept for explain. */
    private record Refinement(
        List<PoolRetriever> retrievers,
        float[][] scores,
        int p,
        int[] comp,
        float[][] compScores,
        int[] positionInC,
        GuidedQueryRefinement.Result result,
        float restShift,
        float[] fused
    ) {
    }

    private Explanation explain(Refinement r, int i) {
        float raw = r.scores()[r.p()][i];
        if (Float.isNaN(raw)) {
            return Explanation.match(
                r.fused()[i],
                String.format(Locale.ROOT, "%s: primary [%s] cannot score this document: ranked last", describe(), primary)
            );
        }
        int c = r.positionInC()[i];
        if (c < 0) {
            return Explanation.match(
                r.fused()[i],
                String.format(
                    Locale.ROOT,
                    "%s: outside the %d candidates, ranked after them by retriever [%s]'s own score, shifted by %s",
                    describe(),
                    r.result().initialScores().length,
                    primary,
                    r.restShift()
                ),
                Explanation.match(raw, ExplainLabels.rawScore(primary))
            );
        }
        List<Explanation> details = new ArrayList<>();
        details.add(
            Explanation.match(r.result().initialScores()[c], String.format(Locale.ROOT, ExplainLabels.PRIMARY_BEFORE, primary))
        );
        details.add(Explanation.match(raw, ExplainLabels.rawScore(primary)));
        for (int j = 0; j < r.comp().length; j++) {
            String name = r.retrievers().get(r.comp()[j]).name();
            float complementary = r.scores()[r.comp()[j]][i];
            if (Float.isNaN(complementary)) {
                details
                    .add(Explanation.noMatch(String.format(Locale.ROOT, "complementary retriever [%s] cannot score this document", name)));
            } else {
                float normalized = parameters.normalization().apply(r.compScores()[j])[c];
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
        double[] losses = r.result().losses();
        details.add(
            Explanation.match(
                (float) losses[losses.length - 1],
                String.format(
                    Locale.ROOT,
                    "KL(target || primary) over the %d candidates: %s before, %s after %d steps",
                    r.result().initialScores().length,
                    losses[0],
                    losses[losses.length - 1],
                    parameters.steps()
                )
            )
        );
        return Explanation.match(
            r.fused()[i],
            String.format(Locale.ROOT, "%s: " + ExplainLabels.PRIMARY_REFINED + ", in the candidate set", describe(), primary),
            details
        );
    }

    /** Adds the pool positions of the {@code k} best scores (NaN never). */
    private static void addTop(TreeSet<Integer> into, float[] scores, int k) {
        Integer[] order = new Integer[scores.length];
        int n = 0;
        for (int i = 0; i < scores.length; i++) {
            if (Float.isNaN(scores[i]) == false) {
                order[n++] = i;
            }
        }
        Arrays.sort(order, 0, n, Comparator.comparingDouble((Integer i) -> -scores[i]).thenComparingInt(i -> i));
        for (int i = 0; i < Math.min(k, n); i++) {
            into.add(order[i]);
        }
    }

    private static int indexOf(List<PoolRetriever> retrievers, String name) {
        for (int r = 0; r < retrievers.size(); r++) {
            if (retrievers.get(r).name().equals(name)) {
                return r;
            }
        }
        throw new IllegalStateException("no retriever [" + name + "] in the pool");
    }

    @Override
    public String method() {
        return FusionSpec.GQR;
    }

    @Override
    public String describe() {
        return String.format(
            Locale.ROOT,
            "gqr(primary %s, complementary %s, pool_k %d, steps %d, learning_rate %s, temperature %s, alpha %s, %s)",
            primary,
            complementary,
            poolK,
            parameters.steps(),
            parameters.learningRate(),
            parameters.temperature(),
            parameters.alpha(),
            parameters.normalization()
        );
    }
}
