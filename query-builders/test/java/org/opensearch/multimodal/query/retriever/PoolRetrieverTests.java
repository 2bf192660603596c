package org.opensearch.multimodal.query.retriever;

import org.apache.lucene.search.IndexSearcher;
import org.opensearch.core.tasks.TaskCancelledException;
import org.opensearch.multimodal.math.MaxSim;
import org.opensearch.multimodal.query.common.SearchDeadline;
import org.opensearch.multimodal.query.common.SearchDeadlineTests;
import org.opensearch.tasks.CancellableTask;

import java.io.IOException;

/** The shard-side retrievers on a real index: each scores every pool document exactly, and stops at the search's deadline. */
public final class PoolRetrieverTests extends PoolIndexTestCase {

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

    public void testPoolScoringStopsWhenTheTaskIsCancelledOrTheTimeoutPasses() throws IOException {
        int[] pool = {0, 1, 2, 3, 4};
        CancellableTask task = SearchDeadlineTests.task();
        IndexSearcher cancellable = new IndexSearcher(reader);
        cancellable.setTimeout(SearchDeadlineTests.cancelledWith(task).asLuceneTimeout());
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
}
