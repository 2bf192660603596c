package org.opensearch.multimodal.query.fusion;

import org.opensearch.index.query.MatchAllQueryBuilder;
import org.opensearch.multimodal.math.ScoreNormalization;
import org.opensearch.multimodal.query.retriever.DenseRetriever;
import org.opensearch.multimodal.query.retriever.LexicalRetriever;
import org.opensearch.multimodal.query.retriever.PrimaryRole;
import org.opensearch.multimodal.query.retriever.RetrieverSpec;
import org.opensearch.test.OpenSearchTestCase;

import java.util.List;
import java.util.Map;

/** GQR's parameters in one place: their defaults per primary, their ranges, and which retrievers may be the primary. */
public final class GqrSpecTests extends OpenSearchTestCase {

    private static GqrSpec spec(Integer steps, Float learningRate, float temperature, float alpha, ScoreNormalization normalization) {
        return new GqrSpec("p", null, 10, steps, learningRate, temperature, alpha, normalization);
    }

    private static void assertNamed(String parameter, Runnable invalid) {
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class, invalid::run);
        assertTrue(e.getMessage(), e.getMessage().startsWith("[fusion.gqr." + parameter + "] "));
    }

    public void testParametersOutOfRangeAreNamed() {
        assertNamed("steps", () -> spec(1001, null, 1f, 0.5f, ScoreNormalization.MIN_MAX));
        assertNamed("temperature", () -> spec(null, null, 0f, 0.5f, ScoreNormalization.MIN_MAX));
        assertNamed("alpha", () -> spec(null, null, 1f, 1.5f, ScoreNormalization.MIN_MAX));
        assertNamed("normalization", () -> spec(null, null, 1f, 0.5f, ScoreNormalization.L2));
        assertNamed("learning_rate", () -> spec(null, -1f, 1f, 0.5f, ScoreNormalization.MIN_MAX));
        assertNamed("pool_k", () -> new GqrSpec("p", null, 0, null, null, 1f, 0.5f, ScoreNormalization.MIN_MAX));
        assertNamed("steps", () -> GqrSpec.parse(Map.of("primary", "p", "steps", "many")));
    }

    public void testDefaultsComeFromThePrimarysRole() {
        GqrSpec unset = spec(null, null, 1f, 0.5f, ScoreNormalization.MIN_MAX);
        assertEquals(10, unset.parameters(PrimaryRole.SINGLE_VECTOR).steps());
        assertEquals(1e-3f, unset.parameters(PrimaryRole.SINGLE_VECTOR).learningRate(), 0f);
        assertEquals(50, unset.parameters(PrimaryRole.MULTI_VECTOR).steps());
        assertEquals(1e-4f, unset.parameters(PrimaryRole.MULTI_VECTOR).learningRate(), 0f);
        GqrSpec set = spec(3, 0.5f, 1f, 0.5f, ScoreNormalization.MIN_MAX);
        assertEquals(3, set.parameters(PrimaryRole.MULTI_VECTOR).steps());
        assertEquals(0.5f, set.parameters(PrimaryRole.MULTI_VECTOR).learningRate(), 0f);
    }

    public void testUnsetComplementaryIsEveryOtherRetriever() {
        GqrSpec unset = new GqrSpec("text", null, 10, null, null, 1f, 0.5f, ScoreNormalization.MIN_MAX);
        assertEquals(List.of("bm25", "tokens"), unset.complementaryOf(List.of("bm25", "text", "tokens")));
        GqrSpec named = new GqrSpec("text", List.of("tokens"), 10, null, null, 1f, 0.5f, ScoreNormalization.MIN_MAX);
        assertEquals(List.of("tokens"), named.complementaryOf(List.of("bm25", "text", "tokens")));
    }

    public void testOnlyARefinableRetrieverIsThePrimary() {
        GqrSpec gqr = new GqrSpec("words", List.of("text"), 10, null, null, 1f, 0.5f, ScoreNormalization.MIN_MAX);
        Map<String, RetrieverSpec> retrievers = Map.of(
            "words",
            new LexicalRetriever(new MatchAllQueryBuilder(), 10),
            "text",
            new DenseRetriever("v", "m", 10)
        );
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> gqr.checkRetrievers(retrievers));
        assertEquals(
            "[fusion.gqr.primary] retriever [words] is lexical: it has no query vector to refine, so it can only be complementary",
            e.getMessage()
        );
        new GqrSpec("text", List.of("words"), 10, null, null, 1f, 0.5f, ScoreNormalization.MIN_MAX).checkRetrievers(retrievers);
    }
}
