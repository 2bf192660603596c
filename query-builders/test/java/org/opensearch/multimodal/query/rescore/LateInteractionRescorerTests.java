package org.opensearch.multimodal.query.rescore;

import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.opensearch.action.search.SearchShardTask;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.core.tasks.TaskCancelledException;
import org.opensearch.core.tasks.TaskId;
import org.opensearch.multimodal.mapper.MultiVectorFormat;
import org.opensearch.multimodal.math.MaxSim;
import org.opensearch.multimodal.query.retriever.PoolIndexTestCase;
import org.opensearch.multimodal.services.ActiveSearches;
import org.opensearch.multimodal.stats.MultimodalStats;
import org.opensearch.search.SearchService;
import org.opensearch.search.internal.ContextIndexSearcher;
import org.opensearch.search.internal.SearchContext;
import org.opensearch.search.internal.ShardSearchRequest;
import org.opensearch.search.query.QuerySearchResult;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;

/**
 * The late-interaction rescorer on a real index: it reorders the window by MaxSim, combines with weights, keeps the
 * first pass when the search runs out of time and stops when it is cancelled.
 */
public final class LateInteractionRescorerTests extends PoolIndexTestCase {

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
