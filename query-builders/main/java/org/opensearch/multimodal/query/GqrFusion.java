package org.opensearch.multimodal.query;

import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.IndexSearcher;
import org.opensearch.multimodal.math.GuidedQueryRefinement;
import org.opensearch.multimodal.math.RefinablePrimary;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Guided Query Refinement over a shard's pool (DESIGN.md §5): the candidate set C is the primary's and each
 * complementary retriever's top {@code pool_k} in the pool; a few Adam steps move the primary's query toward the
 * target built from all of them on C; then the whole pool is ranked by the primary's score with the refined query
 * (documents the primary cannot score last). With {@code steps 0} that is the pool ranked by the primary alone.
 */
final class GqrFusion implements PoolFusion {

    private final String primary;
    private final List<String> complementary;
    private final int poolK;
    private final GuidedQueryRefinement.Parameters parameters;

    GqrFusion(String primary, List<String> complementary, int poolK, GuidedQueryRefinement.Parameters parameters) {
        this.primary = primary;
        this.complementary = List.copyOf(complementary);
        this.poolK = poolK;
        this.parameters = parameters;
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
            result = new GuidedQueryRefinement.Result(z0, new float[0], new float[0], new double[] { 0 });
        } else {
            RefinablePrimary function = refinable.primary(searcher, cDocs);
            result = GuidedQueryRefinement.refine(z0, function, compScores, parameters);
        }

        // every pool document by the refined primary: C's scores are known, the rest are scored once with z_N
        float[] refined = new float[pool.length];
        boolean[] candidate = new boolean[pool.length];
        for (int i = 0; i < inC.length; i++) {
            refined[inC[i]] = result.scores()[i];
            candidate[inC[i]] = true;
        }
        int[] rest = java.util.stream.IntStream.range(0, pool.length).filter(i -> candidate[i] == false).toArray();
        float[] restScores = refinable.scoreWith(searcher, Arrays.stream(rest).map(i -> pool[i]).toArray(), result.z());
        for (int r = 0; r < rest.length; r++) {
            refined[rest[r]] = restScores[r];
        }
        float lowest = Float.POSITIVE_INFINITY;
        for (float s : refined) {
            if (Float.isNaN(s) == false) {
                lowest = Math.min(lowest, s);
            }
        }
        float unscorable = lowest == Float.POSITIVE_INFINITY ? 0f : lowest - 1f;
        float[] fused = refined.clone();
        for (int i = 0; i < fused.length; i++) {
            if (Float.isNaN(fused[i])) {
                fused[i] = unscorable;
            }
        }
        int[] positionInC = new int[pool.length];
        Arrays.fill(positionInC, -1);
        for (int i = 0; i < inC.length; i++) {
            positionInC[inC[i]] = i;
        }
        return new Fused(fused, i -> explain(searcher, pool, retrievers, scores, p, comp, compScores, positionInC, result, refined, fused, i));
    }

    private Explanation explain(
        IndexSearcher searcher,
        int[] pool,
        List<PoolRetriever> retrievers,
        float[][] scores,
        int p,
        int[] comp,
        float[][] compScores,
        int[] positionInC,
        GuidedQueryRefinement.Result result,
        float[] refined,
        float[] fused,
        int i
    ) {
        if (Float.isNaN(refined[i])) {
            return Explanation.match(fused[i], String.format(Locale.ROOT, "gqr: primary [%s] cannot score this document: ranked last", primary));
        }
        List<Explanation> details = new ArrayList<>();
        int c = positionInC[i];
        float before;
        if (c >= 0) {
            before = result.initialScores()[c];
        } else {
            try {
                before = ((PoolRetriever.Refinable) retrievers.get(p)).scoreWith(searcher, new int[] { pool[i] }, ((PoolRetriever.Refinable) retrievers.get(p)).queryParameters())[0];
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        details.add(Explanation.match(before, String.format(Locale.ROOT, "primary [%s] score before refinement", primary)));
        details.add(Explanation.match(scores[p][i], String.format(Locale.ROOT, "retriever [%s] raw score", primary)));
        for (int j = 0; j < comp.length; j++) {
            String name = retrievers.get(comp[j]).name();
            float raw = scores[comp[j]][i];
            if (Float.isNaN(raw)) {
                details.add(Explanation.noMatch(String.format(Locale.ROOT, "complementary retriever [%s] cannot score this document", name)));
            } else if (c >= 0) {
                float normalized = parameters.normalization().apply(compScores[j])[c];
                details.add(
                    Explanation.match(
                        raw,
                        String.format(Locale.ROOT, "complementary retriever [%s] raw score (%s over the candidate set: %s)", name, parameters.normalization(), normalized)
                    )
                );
            } else {
                details.add(Explanation.match(raw, String.format(Locale.ROOT, "complementary retriever [%s] raw score", name)));
            }
        }
        double[] losses = result.losses();
        details.add(
            Explanation.match(
                (float) losses[losses.length - 1],
                String.format(
                    Locale.ROOT,
                    "KL(target || primary) over the %d candidates: %s before, %s after %d steps",
                    result.initialScores().length,
                    losses[0],
                    losses[losses.length - 1],
                    parameters.steps()
                )
            )
        );
        String where = c >= 0 ? "in the candidate set" : "outside the candidate set, scored with the refined query";
        return Explanation.match(
            fused[i],
            String.format(Locale.ROOT, "%s: primary [%s] score with the refined query (%s)", describe(), primary, where),
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
