package org.opensearch.multimodal.math;

import org.opensearch.test.OpenSearchTestCase;

/** Fusion and normalization on hand-computed pools, with ties, an empty retriever and unscorable documents (NaN). */
public final class FusionTests extends OpenSearchTestCase {

    private static final float NAN = Float.NaN;

    public void testReciprocalRankFusionByHand() {
        float[][] scores = {{3f, 1f, 2f}, {NAN, 5f, 5f}};
        float[] fused = Fusion.reciprocalRank(scores, new float[]{1f, 2f}, 60);
        assertEquals("only the first retriever scores doc 0", 1f / 61, fused[0], 1e-7f);
        assertEquals("rank 3 and a tie for rank 1", 1f / 63 + 2f / 61, fused[1], 1e-7f);
        assertEquals(1f / 62 + 2f / 61, fused[2], 1e-7f);
    }

    public void testTiesShareTheBetterRankWhateverThePoolOrder() {
        assertArrayEquals(new int[]{2, 1, 2, 4, 0}, Fusion.ranks(new float[]{5f, 7f, 5f, 1f, NAN}));
        assertArrayEquals(new int[]{4, 2, 1, 2}, Fusion.ranks(new float[]{1f, 5f, 7f, 5f}));
    }

    public void testARetrieverThatReturnsNothingAddsNothing() {
        float[][] scores = {{1f, 2f}, {NAN, NAN}};
        assertArrayEquals(
            Fusion.reciprocalRank(new float[][]{{1f, 2f}}, new float[]{1f}, 60),
            Fusion.reciprocalRank(scores, new float[]{1f, 1f}, 60),
            0f
        );
        assertArrayEquals(new float[]{0f, 1f}, Fusion.linear(scores, new float[]{1f, 1f}, ScoreNormalization.MIN_MAX), 0f);
        assertArrayEquals(new float[0], Fusion.reciprocalRank(new float[0][], new float[0], 60), 0f);
    }

    public void testLinearMinMaxByHand() {
        float[][] scores = {{10f, 0f, 5f}, {NAN, 0.3f, 0.3f}};
        float[] fused = Fusion.linear(scores, new float[]{0.5f, 0.5f}, ScoreNormalization.MIN_MAX);
        assertArrayEquals("all-equal scores normalize to 1; NaN adds nothing", new float[]{0.5f, 0.5f, 0.75f}, fused, 1e-7f);
    }

    public void testNormalizationsByHand() {
        float[] scores = {1f, 3f, NAN, 5f};
        assertArrayEquals(new float[]{0f, 0.5f, NAN, 1f}, ScoreNormalization.MIN_MAX.apply(scores), 1e-7f);
        float std = (float) Math.sqrt(8.0 / 3);
        assertArrayEquals(new float[]{-2f / std, 0f, NAN, 2f / std}, ScoreNormalization.Z_SCORE.apply(scores), 1e-6f);
        float norm = (float) Math.sqrt(35);
        assertArrayEquals(new float[]{1f / norm, 3f / norm, NAN, 5f / norm}, ScoreNormalization.L2.apply(scores), 1e-7f);
        assertArrayEquals(scores, ScoreNormalization.NONE.apply(scores), 0f);
        assertArrayEquals("no spread: z_score 0", new float[]{0f, 0f}, ScoreNormalization.Z_SCORE.apply(new float[]{2f, 2f}), 0f);
        assertArrayEquals("zero vector: l2 0", new float[]{0f, 0f}, ScoreNormalization.L2.apply(new float[]{0f, 0f}), 0f);
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> ScoreNormalization.parse("softmax"));
        assertTrue(e.getMessage(), e.getMessage().contains("[softmax]"));
    }
}
