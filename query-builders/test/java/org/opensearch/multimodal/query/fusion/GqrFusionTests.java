package org.opensearch.multimodal.query.fusion;

import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.util.BytesRef;
import org.opensearch.core.common.breaker.CircuitBreaker;
import org.opensearch.core.common.breaker.CircuitBreakingException;
import org.opensearch.core.common.breaker.NoopCircuitBreaker;
import org.opensearch.core.common.unit.ByteSizeValue;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.multimodal.math.GuidedQueryRefinement;
import org.opensearch.multimodal.math.MaxSim;
import org.opensearch.multimodal.math.ScoreNormalization;
import org.opensearch.multimodal.memory.TestBreakers;
import org.opensearch.multimodal.memory.TokenMemory;
import org.opensearch.multimodal.query.common.SearchDeadline;
import org.opensearch.multimodal.query.common.SearchDeadlineTests;
import org.opensearch.multimodal.query.retriever.PoolIndexTestCase;
import org.opensearch.multimodal.query.retriever.PoolRetriever;
import org.opensearch.multimodal.settings.MultimodalSettings;
import org.opensearch.multimodal.stats.MultimodalStats;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * GQR over a shard's pool, and the multi-vector retriever in it, on a real Lucene index spread over several segments;
 * GQR as the coordinating node runs it, on the vectors as the shards send them.
 */
public final class GqrFusionTests extends PoolIndexTestCase {

    /** GQR with the multi-vector primary guided by BM25, pool_k 10, {@code steps} steps. */
    private static GqrFusion tokensPrimaryGqr(int steps) {
        return new GqrFusion(
            "tokens",
            List.of("bm25"),
            10,
            new GuidedQueryRefinement.Parameters(steps, 1e-4f, 1f, 0.5f, ScoreNormalization.MIN_MAX),
            new MultimodalStats()
        );
    }

    public void testMultiVectorRetrieverFusesWithTheRetrieversThatFillThePool() throws IOException {
        HybridRetrievalQuery query = new HybridRetrievalQuery(
            List.of(dense(2), tokens()),
            new ScoreFusion(false, 60, ScoreNormalization.MIN_MAX, Map.of("text", 0f)),
            new MultimodalStats()
        );
        TopDocs top = searcher.search(query, 10);
        // the pool is the dense top 2 (docs 0, 1); ranked by MaxSim alone (dense weighs 0)
        assertEquals(2, top.totalHits.value());
        float maxSim0 = MaxSim.score(QUERY_TOKENS, 2, TOKENS[0]);
        float maxSim1 = MaxSim.score(QUERY_TOKENS, 2, TOKENS[1]);
        assertArrayEquals(maxSim0 > maxSim1 ? new int[]{0, 1} : new int[]{1, 0}, order(top));
    }

    public void testGqrWithZeroStepsRanksThePoolByThePrimaryAlone() throws IOException {
        GqrFusion gqr = new GqrFusion(
            "text",
            List.of("bm25"),
            10,
            new GuidedQueryRefinement.Parameters(0, 1e-3f, 1f, 0.5f, ScoreNormalization.MIN_MAX),
            new MultimodalStats()
        );
        TopDocs top = searcher.search(new HybridRetrievalQuery(List.of(dense(2), lexical(2)), gqr, new MultimodalStats()), 10);
        // pool: dense top 2 (0, 1) and lexical top 2 (2, 4), ranked by <q, d>
        assertArrayEquals(new int[]{0, 1, 2, 4}, order(top));
    }

    public void testGqrMovesTheDenseQueryTowardWhatTheComplementaryRetrieverBelieves() throws IOException {
        // alpha 1: the target is the lexical retriever's distribution, which puts doc 2 ("red" three times) first
        GqrFusion gqr = new GqrFusion(
            "text",
            List.of("bm25"),
            10,
            new GuidedQueryRefinement.Parameters(100, 0.05f, 1f, 1f, ScoreNormalization.MIN_MAX),
            new MultimodalStats()
        );
        HybridRetrievalQuery query = new HybridRetrievalQuery(List.of(dense(2), lexical(2)), gqr, new MultimodalStats());
        TopDocs top = searcher.search(query, 10);
        int[] ranked = order(top);
        assertEquals("the query turned toward doc 2: " + Arrays.toString(ranked), 2, ranked[0]);
        String explanation = searcher.explain(query, 2).toString();
        assertTrue(explanation, explanation.contains("primary [text] score before refinement"));
        assertTrue(explanation, explanation.contains("complementary retriever [bm25] raw score"));
        assertTrue(explanation, explanation.contains("in the candidate set"));
    }

    public void testSearchAgainAddsWhatTheRefinedQueryFindsInTheGraph() throws IOException {
        // the pool: the dense top 1 (doc 0, at 0 degrees) and the lexical top 1 (doc 2, "red" three times, at 50 degrees);
        // alpha 1 turns the query from doc 0 toward doc 2 and beyond, where docs 3 (75) and 4 (100) lie outside the pool
        GuidedQueryRefinement.Parameters refine = new GuidedQueryRefinement.Parameters(100, 0.05f, 1f, 1f, ScoreNormalization.MIN_MAX);
        HybridRetrievalQuery plain = new HybridRetrievalQuery(
            List.of(dense(1), lexical(1)),
            new GqrFusion("text", List.of("bm25"), 2, refine, false, new MultimodalStats()),
            new MultimodalStats()
        );
        assertEquals("plain GQR ranks the pool it was given", Set.of(0, 2), docs(searcher.search(plain, 10)));

        HybridRetrievalQuery again = new HybridRetrievalQuery(
            List.of(dense(1), lexical(1)),
            new GqrFusion("text", List.of("bm25"), 2, refine, true, new MultimodalStats()),
            new MultimodalStats()
        );
        TopDocs top = searcher.search(again, 10);
        int[] ranked = order(top);
        Set<Integer> added = docs(top);
        added.removeAll(Set.of(0, 2));
        assertFalse("the second search found documents outside the pool: " + Arrays.toString(ranked), added.isEmpty());
        assertTrue("at most its top pool_k joined: " + added, added.size() <= 2);
        assertNotEquals("the refined query turned away from the dense favourite", 0, ranked[0]);
        for (int i = 1; i < top.scoreDocs.length; i++) {
            assertTrue("ranked by the refined query", top.scoreDocs[i - 1].score >= top.scoreDocs[i].score);
        }
        for (int doc : added) {
            String found = searcher.explain(again, doc).toString();
            assertTrue(found, found.contains("found by primary [text]'s second search with the refined query"));
            assertTrue(found, found.contains("primary [text] score before refinement"));
            assertTrue(found, found.contains("in the candidate set"));
        }
        String withoutSecondSearch = searcher.explain(plain, 0).toString();
        assertFalse(withoutSecondSearch, withoutSecondSearch.contains("second search"));
    }

    private static Set<Integer> docs(TopDocs top) {
        return Arrays.stream(top.scoreDocs).map(d -> d.doc).collect(Collectors.toSet());
    }

    public void testGqrRefinesAMultiVectorPrimaryOnTheCandidatesItCanScore() throws IOException {
        List<PoolRetriever> retrievers = List.of(dense(5), lexical(2), tokens());
        float[] pool = tokens().score(searcher, new int[]{0, 1, 2, 3, 4});
        GqrFusion still = new GqrFusion(
            "tokens",
            List.of("bm25"),
            10,
            new GuidedQueryRefinement.Parameters(0, 1e-4f, 1f, 0.5f, ScoreNormalization.MIN_MAX),
            new MultimodalStats()
        );
        int[] byMaxSim = order(searcher.search(new HybridRetrievalQuery(retrievers, still, new MultimodalStats()), 10));
        for (int i = 1; i < 4; i++) {
            assertTrue("MaxSim order " + Arrays.toString(byMaxSim), pool[byMaxSim[i - 1]] >= pool[byMaxSim[i]]);
        }
        assertEquals("doc 3 has no token vectors: last", 3, byMaxSim[4]);

        GqrFusion refined = new GqrFusion(
            "tokens",
            List.of("bm25"),
            10,
            new GuidedQueryRefinement.Parameters(200, 0.05f, 1f, 1f, ScoreNormalization.MIN_MAX),
            new MultimodalStats()
        );
        HybridRetrievalQuery query = new HybridRetrievalQuery(retrievers, refined, new MultimodalStats());
        int[] after = order(searcher.search(query, 10));
        int before2 = indexOf(byMaxSim, 2);
        assertTrue("doc 2 moved up from " + before2 + ": " + Arrays.toString(after), indexOf(after, 2) < before2);
        assertTrue(searcher.explain(query, 3).toString().contains("cannot score this document: ranked last"));
    }

    public void testGqrCandidatesTokenVectorsAreBoundedByTheNodeLimit() {
        PoolRetriever.Refinable tiny = tokens(
            new TokenMemory(new ByteSizeValue(20), new NoopCircuitBreaker(MultimodalSettings.BREAKER_NAME))
        );
        GqrFusion gqr = tokensPrimaryGqr(5);
        IllegalArgumentException e = expectThrows(
            IllegalArgumentException.class,
            () -> searcher.search(new HybridRetrievalQuery(List.of(dense(5), lexical(2), tiny), gqr, new MultimodalStats()), 10)
        );
        assertTrue(e.getMessage(), e.getMessage().contains("[fusion.gqr.pool_k]"));
        assertTrue(e.getMessage(), e.getMessage().contains(TokenMemory.SETTING));
    }

    public void testGqrChargesItsCandidatesTokenMatricesToTheBreakerWhileItRefines() throws IOException {
        GqrFusion gqr = tokensPrimaryGqr(5);
        CircuitBreaker roomy = TestBreakers.multimodal(1 << 20);
        TopDocs top = searcher
            .search(new HybridRetrievalQuery(List.of(dense(5), lexical(2), tokens(roomy)), gqr, new MultimodalStats()), 10);
        assertTrue(top.scoreDocs.length > 0);
        assertEquals("handed back once the refinement is done", 0, roomy.getUsed());
        assertEquals(0, roomy.getTrippedCount());

        CircuitBreaker full = TestBreakers.multimodal(20);
        CircuitBreakingException e = expectThrows(
            CircuitBreakingException.class,
            () -> searcher.search(new HybridRetrievalQuery(List.of(dense(5), lexical(2), tokens(full)), gqr, new MultimodalStats()), 10)
        );
        assertEquals(RestStatus.TOO_MANY_REQUESTS, e.status());
        assertTrue(e.getMessage(), e.getMessage().contains("[" + MultimodalSettings.BREAKER_NAME + "]"));
        assertEquals("what was reserved before the refusal is handed back too", 0, full.getUsed());
    }

    private static int indexOf(int[] values, int value) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == value) {
                return i;
            }
        }
        return -1;
    }

    private float[][] poolScores(List<PoolRetriever> retrievers, int[] pool) throws IOException {
        float[][] scores = new float[retrievers.size()][];
        for (int r = 0; r < scores.length; r++) {
            scores[r] = retrievers.get(r).score(searcher, pool);
        }
        return scores;
    }

    public void testARefinementStopsAtTheStepItReachedWhenTheTimeoutPasses() throws IOException {
        PoolRetriever.Refinable tokens = tokens();
        List<PoolRetriever> retrievers = List.of(tokens, lexical(5));
        int[] pool = {0, 1, 2, 3, 4};
        float[][] scores = poolScores(retrievers, pool);
        BytesRef[] vectors;
        try (TokenMemory.Reservation held = tokens.memory().reservation()) {
            vectors = tokens.vectors(searcher, pool, held);
        }
        // as on the coordinating node: the candidates' vectors as the shards sent them
        PrimaryCandidates candidates = PrimaryCandidates.gathered(tokens.shape(), vectors, tokens.memory());
        List<String> names = List.of("tokens", "bm25");
        PoolFusion.Fused full = tokensPrimaryGqr(50).fuseGathered(names, scores, candidates, SearchDeadline.NONE);
        PoolFusion.Fused stopped = tokensPrimaryGqr(50).fuseGathered(names, scores, candidates, SearchDeadlineTests.expired(() -> {
        }));
        assertEquals(50, ((Map<?, ?>) full.details().apply(0).get("gqr")).get("steps"));
        assertEquals(0, ((Map<?, ?>) stopped.details().apply(0).get("gqr")).get("steps"));
        String explained = stopped.explain().apply(0).toString();
        assertTrue(explained, explained.contains("after 0 steps of 50 (stopped when the request's timeout passed)"));
        // on a shard, where the candidates' vectors are read under the deadline, the pool is not finished at all
        IndexSearcher timed = new IndexSearcher(reader);
        timed.setTimeout(SearchDeadlineTests.expired(() -> {
        }));
        expectThrows(SearchDeadline.Expired.class, () -> tokensPrimaryGqr(50).fuse(timed, pool, retrievers, scores));
    }
}
