package org.opensearch.multimodal.query.fusion;

import org.apache.lucene.search.IndexSearcher;
import org.opensearch.multimodal.math.GuidedQueryRefinement;
import org.opensearch.multimodal.math.RefinablePrimary;
import org.opensearch.multimodal.memory.TokenMemory;
import org.opensearch.multimodal.query.common.SearchDeadline;
import org.opensearch.multimodal.query.retriever.PoolRetriever;
import org.opensearch.multimodal.stats.MultimodalStats;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * Guided Query Refinement over a shard's pool (docs/DESIGN.md §6): the candidate set C is the primary's and each
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
    private final boolean searchAgain;
    private final MultimodalStats stats;

    GqrFusion(String primary, List<String> complementary, int poolK, GuidedQueryRefinement.Parameters parameters, MultimodalStats stats) {
        this(primary, complementary, poolK, parameters, false, stats);
    }

    GqrFusion(
        String primary,
        List<String> complementary,
        int poolK,
        GuidedQueryRefinement.Parameters parameters,
        boolean searchAgain,
        MultimodalStats stats
    ) {
        this.primary = primary;
        this.complementary = List.copyOf(complementary);
        this.poolK = poolK;
        this.parameters = parameters;
        this.searchAgain = searchAgain;
        this.stats = stats;
    }

    @Override
    public Fused fuse(IndexSearcher searcher, int[] pool, List<PoolRetriever> retrievers, float[][] scores) throws IOException {
        PoolRetriever.Refinable refinable = (PoolRetriever.Refinable) retrievers.get(indexOf(names(retrievers), primary));
        PrimaryCandidates candidates = new PrimaryCandidates() {

            @Override
            public float[] start() {
                return refinable.queryParameters();
            }

            @Override
            public RefinablePrimary over(int[] positions, TokenMemory.Reservation held) throws IOException {
                return refinable.primary(searcher, Arrays.stream(positions).map(i -> pool[i]).toArray(), held);
            }

            @Override
            public TokenMemory memory() {
                return refinable.memory();
            }
        };
        Refined refined = refine(names(retrievers), scores, candidates, pool, SearchDeadline.of(searcher));
        Ranked ranked = refined.ranked();
        if (searchAgain && ranked.inC().length > 0) {
            ranked = searchAgain(searcher, retrievers, refinable, refined.p(), ranked, refined.result());
        }
        return rank(names(retrievers), refined.p(), refined.comp(), refined.compScores(), refined.result(), refined.refinedOn(), ranked);
    }

    /** On the coordinating node: the whole index's pool, the primary's candidates' vectors as the shards sent them. */
    @Override
    public Fused fuseGathered(List<String> names, float[][] scores, PrimaryCandidates candidates, SearchDeadline deadline)
        throws IOException {
        if (searchAgain) {
            throw new IllegalStateException("search_again refines on each shard");
        }
        Refined refined = refine(names, scores, candidates, IntStream.range(0, scores[0].length).toArray(), deadline);
        return rank(names, refined.p(), refined.comp(), refined.compScores(), refined.result(), refined.refinedOn(), refined.ranked());
    }

    /** The candidate set C of a pool, and the refinement on it. */
    private record Refined(int p, int[] comp, float[][] compScores, int[] refinedOn, GuidedQueryRefinement.Result result, Ranked ranked) {
    }

    /** The pool positions of C: the primary's and each complementary's top {@code pool_k}, only those the primary scores. */
    int[] candidates(List<String> names, float[][] scores) {
        int p = indexOf(names, primary);
        TreeSet<Integer> candidates = new TreeSet<>();
        addTop(candidates, scores[p], poolK);
        for (String name : complementary) {
            addTop(candidates, scores[indexOf(names, name)], poolK);
        }
        candidates.removeIf(i -> Float.isNaN(scores[p][i])); // the primary can only be refined on what it scores
        return candidates.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * {@code poolIds}: the pool's doc ids on a shard, its positions on the coordinating node. Once {@code deadline}
     * passes, the refinement stops at the step it reached.
     */
    private Refined refine(
        List<String> names,
        float[][] scores,
        PrimaryCandidates primaryCandidates,
        int[] poolIds,
        SearchDeadline deadline
    )
        throws IOException {
        int p = indexOf(names, primary);
        int[] comp = complementary.stream().mapToInt(name -> indexOf(names, name)).toArray();
        int[] inC = candidates(names, scores);
        float[][] compScores = new float[comp.length][inC.length];
        for (int j = 0; j < comp.length; j++) {
            for (int i = 0; i < inC.length; i++) {
                compScores[j][i] = scores[comp[j]][inC[i]];
            }
        }
        float[] z0 = primaryCandidates.start();
        GuidedQueryRefinement.Result result;
        if (inC.length == 0) {
            result = new GuidedQueryRefinement.Result(z0, new float[0], new float[0], new double[]{0});
        } else {
            long start = System.nanoTime();
            // the candidates' token matrices are held, and charged to the node's breaker, for the refinement only
            try (TokenMemory.Reservation held = primaryCandidates.memory().reservation()) {
                RefinablePrimary function = primaryCandidates.over(inC, held);
                result = GuidedQueryRefinement.refine(z0, function, compScores, parameters, deadline::stopped);
            }
            stats.gqr(result.stepsTaken(), System.nanoTime() - start); // fewer than asked when the timeout stopped it
        }
        Ranked ranked = new Ranked(poolIds, scores, inC, result.initialScores(), result.scores(), new boolean[poolIds.length]);
        return new Refined(p, comp, compScores, Arrays.stream(inC).map(i -> poolIds[i]).toArray(), result, ranked);
    }

    private static List<String> names(List<PoolRetriever> retrievers) {
        return retrievers.stream().map(PoolRetriever::name).toList();
    }

    /**
     * The pool, its scores and the ranked candidates: C (pool positions, increasing) with the primary's scores before
     * and after refinement; {@code foundAgain[i]}: pool document i came from the second search.
     */
    record Ranked(int[] pool, float[][] scores, int[] inC, float[] before, float[] after, boolean[] foundAgain) {
    }

    /**
     * The paper's second variant: the primary searches the shard again with the refined query; its top pool_k join C
     * (and the pool, scored by every retriever, when they were not in it), ranked by the refined query with the rest of C.
     */
    private Ranked searchAgain(
        IndexSearcher searcher,
        List<PoolRetriever> retrievers,
        PoolRetriever.Refinable refinable,
        int p,
        Ranked ranked,
        GuidedQueryRefinement.Result result
    ) throws IOException {
        int[] found = refinable.searchAgain(searcher, result.z(), poolK);
        if (found == null) {
            throw new IllegalArgumentException(
                String.format(
                    Locale.ROOT,
                    "[fusion.gqr.search_again] primary [%s] has no index of its own to search again (a multi_vector field needs "
                        + "\"index\": true in its mapping)",
                    primary
                )
            );
        }
        int[] oldPool = ranked.pool();
        int[] added = Arrays.stream(found).filter(doc -> Arrays.binarySearch(oldPool, doc) < 0).toArray();
        int[] pool = IntStream.concat(Arrays.stream(oldPool), Arrays.stream(added)).sorted().toArray();
        float[][] scores = new float[retrievers.size()][pool.length];
        for (int r = 0; r < retrievers.size(); r++) {
            float[] addedScores = retrievers.get(r).score(searcher, added);
            for (int i = 0; i < pool.length; i++) {
                int old = Arrays.binarySearch(oldPool, pool[i]);
                scores[r][i] = old >= 0 ? ranked.scores()[r][old] : addedScores[Arrays.binarySearch(added, pool[i])];
            }
        }
        boolean[] foundAgain = new boolean[pool.length];
        TreeSet<Integer> candidates = new TreeSet<>();
        for (int old : ranked.inC()) {
            candidates.add(Arrays.binarySearch(pool, oldPool[old]));
        }
        List<Integer> newInC = new ArrayList<>();
        for (int doc : found) {
            int i = Arrays.binarySearch(pool, doc);
            foundAgain[i] = true;
            if (Float.isNaN(scores[p][i]) == false && candidates.add(i)) {
                newInC.add(i);
            }
        }
        int[] inC = candidates.stream().mapToInt(Integer::intValue).toArray();
        // the newcomers to C: scored by the primary with the query before and after refinement
        int[] newDocs = newInC.stream().mapToInt(i -> pool[i]).toArray();
        float[] newBefore = new float[0];
        float[] newAfter = new float[0];
        if (newDocs.length > 0) {
            try (TokenMemory.Reservation held = refinable.memory().reservation()) {
                RefinablePrimary newcomers = refinable.primary(searcher, newDocs, held);
                newBefore = newcomers.scores(refinable.queryParameters());
                newAfter = newcomers.scores(result.z());
            }
        }
        float[] before = new float[inC.length];
        float[] after = new float[inC.length];
        for (int c = 0; c < inC.length; c++) {
            int i = inC[c];
            int newcomer = newInC.indexOf(i);
            if (newcomer >= 0) {
                before[c] = newBefore[newcomer];
                after[c] = newAfter[newcomer];
            } else {
                int old = Arrays.binarySearch(ranked.inC(), Arrays.binarySearch(oldPool, pool[i]));
                before[c] = ranked.before()[old];
                after[c] = ranked.after()[old];
            }
        }
        return new Ranked(pool, scores, inC, before, after, foundAgain);
    }

    /**
     * C first, by the refined primary; then the rest of the pool by the primary's own score, below C (the refined query
     * is only shaped on C, so it is not trusted elsewhere); documents it cannot score last.
     */
    private Fused rank(
        List<String> names,
        int p,
        int[] comp,
        float[][] compScores,
        GuidedQueryRefinement.Result result,
        int[] refinedOn,
        Ranked ranked
    ) {
        int[] pool = ranked.pool();
        float[][] scores = ranked.scores();
        int[] inC = ranked.inC();
        int[] positionInC = new int[pool.length];
        Arrays.fill(positionInC, -1);
        float lowestInC = Float.POSITIVE_INFINITY;
        for (int i = 0; i < inC.length; i++) {
            positionInC[inC[i]] = i;
            lowestInC = Math.min(lowestInC, ranked.after()[i]);
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
            fused[i] = positionInC[i] >= 0 ? ranked.after()[positionInC[i]] : scores[p][i] + restShift;
            if (Float.isNaN(fused[i]) == false) {
                lowest = Math.min(lowest, fused[i]);
            }
        }
        for (int i = 0; i < pool.length; i++) {
            if (Float.isNaN(fused[i])) {
                fused[i] = lowest == Float.POSITIVE_INFINITY ? 0f : lowest - 1f;
            }
        }
        GqrRefinement refinement = new GqrRefinement(
            primary,
            describe(),
            parameters,
            names,
            scores,
            p,
            comp,
            compScores,
            refinedOn,
            positionInC,
            result,
            ranked,
            restShift,
            fused,
            new PoolRanks(scores, null)
        );
        return new Fused(searchAgain ? pool : null, fused, refinement::explain, refinement::details);
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

    private static int indexOf(List<String> names, String name) {
        for (int r = 0; r < names.size(); r++) {
            if (names.get(r).equals(name)) {
                return r;
            }
        }
        throw new IllegalStateException("no retriever [" + name + "] in the pool");
    }

    String primary() {
        return primary;
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
