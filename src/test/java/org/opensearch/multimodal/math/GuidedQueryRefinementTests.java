package org.opensearch.multimodal.math;

import org.opensearch.test.OpenSearchTestCase;

import java.util.Arrays;
import java.util.function.BiPredicate;

/**
 * GQR's math (docs/DESIGN.md §6): the analytic gradient against finite differences (single and multi-vector, padded rows
 * masked), the loss going down at a small learning rate, steps 0 as the primary alone, Adam by hand.
 */
public final class GuidedQueryRefinementTests extends OpenSearchTestCase {

    private static GuidedQueryRefinement.Parameters parameters(int steps, float lr, ScoreNormalization normalization) {
        return new GuidedQueryRefinement.Parameters(steps, lr, 1f, 0.5f, normalization);
    }

    private static float[] randomVector(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random().nextGaussian();
        }
        return v;
    }

    /** Central differences of the loss in double-checked float arithmetic against the analytic gradient. */
    private static void assertGradientMatchesFiniteDifferences(
        RefinablePrimary primary,
        float[] z,
        float[][] complementary,
        ScoreNormalization normalization,
        int[] paddedFrom
    ) {
        assertGradientMatchesFiniteDifferences(primary, z, complementary, normalization, paddedFrom, (a, b) -> true);
    }

    /** {@code smooth} tells whether the loss is differentiable all the way between two points (MaxSim has kinks). */
    private static void assertGradientMatchesFiniteDifferences(
        RefinablePrimary primary,
        float[] z,
        float[][] complementary,
        ScoreNormalization normalization,
        int[] paddedFrom,
        BiPredicate<float[], float[]> smooth
    ) {
        float[] initial = primary.scores(z);
        GuidedQueryRefinement.Objective objective = GuidedQueryRefinement.Objective.of(
            primary,
            initial,
            complementary,
            new GuidedQueryRefinement.Parameters(1, 1e-3f, 0.7f, 0.5f, normalization)
        );
        float[] moved = z.clone();
        for (int k = 0; k < moved.length; k++) {
            moved[k] += 0.05f * (float) random().nextGaussian(); // away from the start, where the gradient can be 0
        }
        float[] analytic = new float[z.length];
        objective.lossAndGradient(moved, analytic);
        float h = 1e-3f;
        int checked = 0;
        for (int k = 0; k < z.length; k++) {
            float[] plus = moved.clone();
            float[] minus = moved.clone();
            plus[k] += h;
            minus[k] -= h;
            if (paddedFrom != null && k >= paddedFrom[0]) {
                assertEquals("padded rows get no gradient", 0f, analytic[k], 0f);
            }
            if (smooth.test(plus, minus) == false) {
                continue; // a best token switches between the two points: central differences straddle a kink
            }
            checked++;
            double numeric = (objective.lossAndGradient(plus, null) - objective.lossAndGradient(minus, null)) / (2 * h);
            assertEquals("d loss / d z[" + k + "]", numeric, analytic[k], 2e-3 + 2e-2 * Math.abs(numeric));
        }
        assertTrue("most coordinates are checked: " + checked + " of " + z.length, checked >= z.length / 2);
    }

    public void testSingleVectorGradientMatchesFiniteDifferences() {
        int dims = 6;
        float[][] docs = new float[8][];
        for (int i = 0; i < docs.length; i++) {
            docs[i] = randomVector(dims);
        }
        float[][] complementary = {randomVector(docs.length), randomVector(docs.length)};
        for (ScoreNormalization normalization : new ScoreNormalization[]{ScoreNormalization.MIN_MAX, ScoreNormalization.NONE}) {
            assertGradientMatchesFiniteDifferences(
                RefinablePrimary.singleVector(docs),
                randomVector(dims),
                complementary,
                normalization,
                null
            );
        }
    }

    public void testMultiVectorGradientMatchesFiniteDifferencesAndMasksPaddedRows() {
        int dims = 5;
        int rows = 4;
        int realRows = 3;
        float[][][] docs = new float[6][][];
        for (int i = 0; i < docs.length; i++) {
            docs[i] = MaxSimTests.randomUnitRows(randomIntBetween(2, 7), dims);
        }
        float[] z = randomVector(rows * dims);
        float[][] complementary = {randomVector(docs.length)};
        assertGradientMatchesFiniteDifferences(
            RefinablePrimary.multiVector(docs, rows, realRows, dims),
            z,
            complementary,
            ScoreNormalization.MIN_MAX,
            new int[]{realRows * dims},
            (a, b) -> {
                for (float[][] doc : docs) {
                    if (Arrays.equals(
                        MaxSimTests.bestTokens(rowsOf(a, rows, dims), realRows, doc),
                        MaxSimTests.bestTokens(rowsOf(b, rows, dims), realRows, doc)
                    ) == false) {
                        return false;
                    }
                }
                return true;
            }
        );
    }

    private static float[][] rowsOf(float[] flat, int rows, int dims) {
        float[][] out = new float[rows][];
        for (int t = 0; t < rows; t++) {
            out[t] = Arrays.copyOfRange(flat, t * dims, (t + 1) * dims);
        }
        return out;
    }

    public void testTheLossGoesDownAtASmallLearningRate() {
        float[][] docs = {{1f, 0f, 0f}, {0f, 1f, 0f}, {0f, 0f, 1f}, {0.6f, 0.8f, 0f}};
        float[] z = {0.9f, 0.1f, 0.2f};
        float[][] bm25 = {{1f, 12f, 3f, 25f}}; // the complementary retriever prefers documents the primary does not
        GuidedQueryRefinement.Result result = GuidedQueryRefinement.refine(
            z,
            RefinablePrimary.singleVector(docs),
            bm25,
            parameters(25, 1e-2f, ScoreNormalization.MIN_MAX),
            () -> false
        );
        double[] losses = result.losses();
        assertTrue("loss " + losses[0] + " -> " + losses[losses.length - 1], losses[losses.length - 1] < losses[0]);
        assertTrue(
            "the refined query moves toward what BM25 likes",
            result.scores()[3] - result.scores()[0] > result.initialScores()[3]
                - result.initialScores()[0]
        );
        assertArrayEquals("the starting parameters are not modified", new float[]{0.9f, 0.1f, 0.2f}, z, 0f);
    }

    public void testZeroStepsRankThePoolByThePrimaryAlone() {
        float[][] docs = {{1f, 0f}, {0f, 1f}, {0.7f, 0.7f}};
        float[] z = {0.2f, 0.9f};
        GuidedQueryRefinement.Result result = GuidedQueryRefinement.refine(
            z,
            RefinablePrimary.singleVector(docs),
            new float[][]{{9f, 0f, 1f}},
            parameters(0, 1e-3f, ScoreNormalization.MIN_MAX),
            () -> false
        );
        assertArrayEquals(RefinablePrimary.singleVector(docs).scores(z), result.scores(), 0f);
        assertArrayEquals(z, result.z(), 0f);
    }

    public void testAStoppedRefinementIsTheRefinementOfTheStepsItTook() {
        float[][] docs = {{1f, 0f, 0f}, {0f, 1f, 0f}, {0f, 0f, 1f}, {0.6f, 0.8f, 0f}};
        float[] z = {0.9f, 0.1f, 0.2f};
        float[][] bm25 = {{1f, 12f, 3f, 25f}};
        int[] asked = {0};
        GuidedQueryRefinement.Result stopped = GuidedQueryRefinement.refine(
            z,
            RefinablePrimary.singleVector(docs),
            bm25,
            parameters(25, 1e-2f, ScoreNormalization.MIN_MAX),
            () -> asked[0]++ >= 7
        );
        GuidedQueryRefinement.Result seven = GuidedQueryRefinement.refine(
            z,
            RefinablePrimary.singleVector(docs),
            bm25,
            parameters(7, 1e-2f, ScoreNormalization.MIN_MAX),
            () -> false
        );
        assertEquals(7, stopped.stepsTaken());
        assertEquals(8, stopped.losses().length);
        assertArrayEquals(seven.z(), stopped.z(), 0f);
        assertArrayEquals(seven.scores(), stopped.scores(), 0f);
        assertArrayEquals(seven.losses(), stopped.losses(), 0.0);
        RuntimeException cancelled = new RuntimeException("cancelled");
        assertSame(
            cancelled,
            expectThrows(
                RuntimeException.class,
                () -> GuidedQueryRefinement
                    .refine(z, RefinablePrimary.singleVector(docs), bm25, parameters(25, 1e-2f, ScoreNormalization.MIN_MAX), () -> {
                        throw cancelled;
                    })
            )
        );
    }

    public void testAdamMatchesTwoStepsByHand() {
        float[] parameter = {1f};
        Adam adam = new Adam(1, 0.1f);
        adam.step(parameter, new float[]{0.5f});
        assertEquals("first step moves by lr whatever the gradient's size", 0.9f, parameter[0], 1e-6f);
        adam.step(parameter, new float[]{-1f});
        assertEquals(0.9366103542f, parameter[0], 1e-6f);
    }
}
