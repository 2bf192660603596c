package org.opensearch.multimodal.query;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LateInteractionField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.util.BytesRef;
import org.opensearch.action.search.SearchShardTask;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.core.common.breaker.CircuitBreaker;
import org.opensearch.core.common.breaker.CircuitBreakingException;
import org.opensearch.core.common.breaker.NoopCircuitBreaker;
import org.opensearch.core.common.unit.ByteSizeUnit;
import org.opensearch.core.common.unit.ByteSizeValue;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.tasks.TaskCancelledException;
import org.opensearch.core.tasks.TaskId;
import org.opensearch.multimodal.mapper.MultiVectorFormat;
import org.opensearch.multimodal.math.GuidedQueryRefinement;
import org.opensearch.multimodal.math.MaxSim;
import org.opensearch.multimodal.math.ScoreNormalization;
import org.opensearch.multimodal.memory.TestBreakers;
import org.opensearch.multimodal.memory.TokenMemory;
import org.opensearch.multimodal.services.ActiveSearches;
import org.opensearch.multimodal.settings.MultimodalSettings;
import org.opensearch.multimodal.stats.MultimodalStats;
import org.opensearch.search.SearchService;
import org.opensearch.search.internal.ContextIndexSearcher;
import org.opensearch.search.internal.SearchContext;
import org.opensearch.search.internal.ShardSearchRequest;
import org.opensearch.search.query.QuerySearchResult;
import org.opensearch.tasks.CancellableTask;
import org.opensearch.test.OpenSearchTestCase;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The multi-vector retriever, GQR over a shard's pool and the late-interaction rescorer on a real Lucene index spread
 * over several segments.
 */
public final class LateInteractionAndGqrTests extends OpenSearchTestCase {

    private static final float[] QUERY = {1f, 0f};
    /** Dense vectors at growing angles from the query: the dense ranking is 0, 1, 2, 3, 4. */
    private static final float[][] VECTORS = {unit(0), unit(25), unit(50), unit(75), unit(100)};
    /** Doc 2 says "red" three times: the lexical retriever's favourite; doc 4 once. */
    private static final String[] BODIES = {"blue shoes", "green hat", "red red red dress", "blue coat", "red scarf"};
    /** Query tokens and each document's tokens (doc 3 has none). */
    private static final float[][] QUERY_TOKENS = {unit(0), unit(90)};
    private static final float[][][] TOKENS = {
        {unit(10), unit(200)},
        {unit(30), unit(80), unit(300)},
        {unit(60), unit(100)},
        null,
        {unit(5), unit(95)}};

    private static float[] unit(double degrees) {
        double r = Math.toRadians(degrees);
        return new float[]{(float) Math.cos(r), (float) Math.sin(r)};
    }

    private Directory directory;
    private DirectoryReader reader;
    private IndexSearcher searcher;

    @Override
    public void setUp() throws Exception {
        super.setUp();
        directory = newDirectory();
        try (IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig().setMergePolicy(NoMergePolicy.INSTANCE))) {
            for (int i = 0; i < BODIES.length; i++) {
                Document doc = new Document();
                doc.add(new KnnFloatVectorField("v", VECTORS[i], VectorSimilarityFunction.DOT_PRODUCT));
                doc.add(new TextField("body", BODIES[i], Field.Store.NO));
                if (TOKENS[i] != null) {
                    doc.add(new LateInteractionField("tokens", TOKENS[i]));
                }
                writer.addDocument(doc);
                if (i % 2 == 1) {
                    writer.commit();
                }
            }
        }
        reader = DirectoryReader.open(directory);
        searcher = new IndexSearcher(reader);
        assertTrue("several segments", reader.leaves().size() > 1);
    }

    @Override
    public void tearDown() throws Exception {
        reader.close();
        directory.close();
        super.tearDown();
    }

    private static DensePoolRetriever dense(int k) {
        return new DensePoolRetriever("text", "v", QUERY, VectorSimilarityFunction.DOT_PRODUCT, new KnnFloatVectorQuery("v", QUERY, k), k);
    }

    private static LexicalPoolRetriever lexical(int k) {
        return new LexicalPoolRetriever("bm25", new TermQuery(new Term("body", "red")), k);
    }

    private static MultiVectorPoolRetriever tokens() {
        return tokens(new NoopCircuitBreaker(MultimodalSettings.BREAKER_NAME));
    }

    private static MultiVectorPoolRetriever tokens(CircuitBreaker breaker) {
        return new MultiVectorPoolRetriever(
            "tokens",
            "tokens",
            QUERY_TOKENS,
            MultiVectorFormat.DEFAULT,
            QUERY_TOKENS[0].length,
            new TokenMemory(new ByteSizeValue(1, ByteSizeUnit.MB), breaker)
        );
    }

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

    private static int[] order(TopDocs top) {
        return Arrays.stream(top.scoreDocs).mapToInt(d -> d.doc).toArray();
    }

    public void testMultiVectorRetrieverScoresEveryPoolDocumentByMaxSim() throws IOException {
        float[] scores = tokens().score(searcher, new int[]{0, 1, 2, 3, 4});
        for (int i = 0; i < TOKENS.length; i++) {
            if (TOKENS[i] == null) {
                assertTrue("no token vectors: cannot score", Float.isNaN(scores[i]));
            } else {
                assertEquals("doc " + i, MaxSim.score(QUERY_TOKENS, QUERY_TOKENS.length, TOKENS[i]), scores[i], 1e-6f);
            }
        }
        assertEquals("proposes nothing", 0, tokens().topK(searcher).length);
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
        MultiVectorPoolRetriever tiny = new MultiVectorPoolRetriever(
            "tokens",
            "tokens",
            QUERY_TOKENS,
            MultiVectorFormat.DEFAULT,
            QUERY_TOKENS[0].length,
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

    public void testRescorerReordersTheWindowByMaxSimAndKeepsTheRest() throws IOException {
        // first pass: every document, all scored 1; window 3 holds docs 0, 1, 2
        TopDocs firstPass = searcher.search(new MatchAllDocsQuery(), 10);
        assertEquals(5, firstPass.scoreDocs.length);
        LateInteractionRescorer.Context replace = replaceContext(3, null);
        TopDocs rescored = LateInteractionRescorer.INSTANCE.rescore(firstPass, searcher, replace);
        ScoreDoc[] hits = rescored.scoreDocs;
        // inside the window MaxSim replaces the score; past it the first-pass score (1) stays, as with OpenSearch's rescorer
        float[] expected = new float[5];
        for (int doc = 0; doc < 5; doc++) {
            expected[doc] = doc < 3 ? MaxSim.score(QUERY_TOKENS, 2, TOKENS[doc]) : 1f;
        }
        for (ScoreDoc hit : hits) {
            assertEquals("doc " + hit.doc, expected[hit.doc], hit.score, 1e-6f);
        }
        for (int i = 1; i < hits.length; i++) {
            assertTrue("sorted by score", hits[i - 1].score >= hits[i].score);
        }
        assertTrue(replace.isRescored(0) && replace.isRescored(2) && replace.isRescored(3) == false);
        String explanation = LateInteractionRescorer.INSTANCE.explain(1, searcher, replace, searcher.explain(new MatchAllDocsQuery(), 1))
            .toString();
        assertTrue(explanation, explanation.contains("MaxSim of 2 query tokens over 3 document tokens"));
    }

    public void testRescorerCombinesWithWeightsAndLeavesDocumentsWithoutTokensTheirFirstPassScore() throws IOException {
        TopDocs firstPass = searcher.search(new MatchAllDocsQuery(), 10);
        LateInteractionRescorer.Context total = new LateInteractionRescorer.Context(
            10,
            "tokens",
            MultiVectorFormat.DEFAULT,
            QUERY_TOKENS,
            LateInteractionScoreMode.TOTAL,
            0.5f,
            2f,
            new MultimodalStats(),
            null
        );
        for (ScoreDoc hit : LateInteractionRescorer.INSTANCE.rescore(firstPass, searcher, total).scoreDocs) {
            float expected = TOKENS[hit.doc] == null ? 0.5f : 0.5f + 2f * MaxSim.score(QUERY_TOKENS, 2, TOKENS[hit.doc]);
            assertEquals("doc " + hit.doc, expected, hit.score, 1e-6f);
        }
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
        MultiVectorPoolRetriever tokens = tokens();
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

    public void testPoolScoringStopsWhenTheTaskIsCancelledOrTheTimeoutPasses() throws IOException {
        int[] pool = {0, 1, 2, 3, 4};
        CancellableTask task = SearchDeadlineTests.task();
        IndexSearcher cancellable = new IndexSearcher(reader);
        cancellable.setTimeout(SearchDeadline.of(task, System.nanoTime(), null, () -> {
        }).asLuceneTimeout());
        assertEquals(5, tokens().score(cancellable, pool).length);
        task.cancel("by test");
        expectThrows(TaskCancelledException.class, () -> tokens().score(cancellable, pool));
        expectThrows(TaskCancelledException.class, () -> dense(5).topK(cancellable));
        IndexSearcher timed = new IndexSearcher(reader);
        timed.setTimeout(SearchDeadlineTests.expired(() -> {
        }));
        expectThrows(SearchDeadline.Expired.class, () -> lexical(5).score(timed, pool));
        expectThrows(SearchDeadline.Expired.class, () -> lexical(5).topK(timed));
        assertArrayEquals(
            "the lexical top k, searched without Lucene's timeout, is the plain search's",
            new int[]{2, 4},
            lexical(5).topK(searcher)
        );
    }

    /** A shard search in its query phase over this test's reader, as {@link ActiveSearches} knows it. */
    private SearchContext queryPhase(ActiveSearches searches, SearchShardTask task, TimeValue timeout, QuerySearchResult result) {
        ContextIndexSearcher contextSearcher = mock(ContextIndexSearcher.class);
        when(contextSearcher.getIndexReader()).thenReturn(reader);
        ShardSearchRequest request = mock(ShardSearchRequest.class);
        when(request.allowPartialSearchResults()).thenReturn(true);
        SearchContext context = mock(SearchContext.class);
        when(context.searcher()).thenReturn(contextSearcher);
        when(context.getTask()).thenReturn(task);
        when(context.timeout()).thenReturn(timeout);
        when(context.request()).thenReturn(request);
        when(context.queryResult()).thenReturn(result);
        searches.onPreQueryPhase(context);
        return context;
    }

    private static LateInteractionRescorer.Context replaceContext(int window, ActiveSearches searches) {
        return new LateInteractionRescorer.Context(
            window,
            "tokens",
            MultiVectorFormat.DEFAULT,
            QUERY_TOKENS,
            LateInteractionScoreMode.REPLACE,
            1f,
            1f,
            new MultimodalStats(),
            searches
        );
    }

    public void testARescorerOutOfTimeKeepsTheFirstPassAndTheShardSaysItTimedOut() throws IOException, InterruptedException {
        ActiveSearches searches = new ActiveSearches();
        QuerySearchResult result = new QuerySearchResult();
        SearchContext context = queryPhase(searches, shardTask(), TimeValue.timeValueNanos(1), result);
        Thread.sleep(2);
        TopDocs firstPass = searcher.search(new MatchAllDocsQuery(), 10);
        int[] order = Arrays.stream(firstPass.scoreDocs).mapToInt(hit -> hit.doc).toArray();
        LateInteractionRescorer.Context rescore = replaceContext(10, searches);
        TopDocs rescored = LateInteractionRescorer.INSTANCE.rescore(firstPass, context.searcher(), rescore);
        assertArrayEquals(order, Arrays.stream(rescored.scoreDocs).mapToInt(hit -> hit.doc).toArray());
        for (ScoreDoc hit : rescored.scoreDocs) {
            assertEquals("the first pass's score stands", 1f, hit.score, 0f);
        }
        assertFalse(rescore.isRescored(0));
        assertTrue(result.searchTimedOut());
        verify(context).setSearchTimedOut(true);
        searches.onQueryPhase(context, 0);
        assertEquals(0, searches.size());
    }

    public void testACancelledSearchStopsTheRescorer() throws IOException {
        ActiveSearches searches = new ActiveSearches();
        SearchShardTask task = shardTask();
        SearchContext context = queryPhase(searches, task, SearchService.NO_TIMEOUT, new QuerySearchResult());
        TopDocs firstPass = searcher.search(new MatchAllDocsQuery(), 10);
        assertEquals(
            5,
            LateInteractionRescorer.INSTANCE.rescore(firstPass, context.searcher(), replaceContext(10, searches)).scoreDocs.length
        );
        task.cancel("by test");
        expectThrows(
            TaskCancelledException.class,
            () -> LateInteractionRescorer.INSTANCE
                .rescore(searcher.search(new MatchAllDocsQuery(), 10), context.searcher(), replaceContext(10, searches))
        );
        searches.onFailedQueryPhase(context);
        assertEquals(0, searches.size());
    }

    private static SearchShardTask shardTask() {
        return new SearchShardTask(1, "transport", "indices:data/read/search[phase/query]", "", TaskId.EMPTY_TASK_ID, Map.of());
    }
}
