package org.opensearch.multimodal.plugin;

import org.opensearch.ExceptionsHelper;
import org.opensearch.action.admin.cluster.node.stats.NodeStats;
import org.opensearch.action.admin.cluster.node.stats.NodesStatsRequest;
import org.opensearch.action.admin.cluster.node.tasks.list.ListTasksResponse;
import org.opensearch.action.bulk.BulkRequestBuilder;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.action.search.SearchAction;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.action.search.SearchType;
import org.opensearch.common.action.ActionFuture;
import org.opensearch.common.document.DocumentField;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.indices.breaker.CircuitBreakerStats;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.tasks.TaskCancelledException;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.multimodal.query.rescore.LateInteractionRescorerBuilder;
import org.opensearch.multimodal.rest.EmbedAction;
import org.opensearch.multimodal.rest.EmbedRequest;
import org.opensearch.multimodal.settings.MultimodalSettings;
import org.opensearch.search.SearchHit;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.threadpool.ThreadPoolStats;

import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertAcked;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Long requests stop when asked (docs/search.md, "Timeouts and cancellation"): a deliberately slow GQR request (a
 * multi-vector primary, {@code pool_k} 3000, refined for 1,000 steps over 3,000 candidates of 8 token vectors) answers soon
 * after its {@code timeout}, flagged {@code timed_out}, and ends within a few hundred milliseconds of a
 * {@code _tasks/_cancel} or of search backpressure cancelling it, on the coordinating node (where GQR refines) and on
 * the shards ({@code search_again} refines there); a large {@code _embed} call is cancellable too. After each, the
 * node's breakers and search pools are idle. Subclasses run it on one node and on three.
 */
public abstract class SearchStopsTestCase extends BgeClusterTestCase {

    private static final String INDEX = "slow";
    private static final String MODEL = "bge-small-en-v1.5";
    private static final String QUERY_TEXT = "how do plants turn light into energy";
    private static final int DOCS = 3_000;
    private static final int TOKENS_PER_DOC = 8;
    private static final int DIMS = 384;
    /** What a cancelled request may take to end: a few hundred milliseconds, with room for a busy CI machine. */
    private static final long CANCEL_WITHIN_MILLIS = 1_500;
    /** What a request with a 500 ms timeout may take to answer (unstopped, the slow request runs 17 s on 3 nodes). */
    private static final long ANSWER_WITHIN_MILLIS = 5_000;
    /**
     * How often a timed check is tried before it fails: a shared 2-core machine running three nodes in one JVM can stall
     * for seconds (seen in CI: a timed request answered after 5.3 s that takes 0.8 s here), while a stop that does not
     * work misses the bound on every try.
     */
    private static final int TRIES = 3;

    /** How many shards the index has. */
    protected abstract int shards();

    private static boolean indexed;

    private void indexSlowCorpus() {
        if (indexed && indexExists(INDEX)) {
            return;
        }
        String mapping = """
            {"properties": {"body": {"type": "text"},
              "tokens": {"type": "multi_vector", "dims": 384, "encoding": "int8", "index": true}}}""";
        assertAcked(
            prepareCreate(INDEX).setSettings(Map.of("index.number_of_shards", shards(), "index.number_of_replicas", 0)).setMapping(mapping)
        );
        Random random = new Random(42);
        for (int start = 0; start < DOCS; start += 100) {
            BulkRequestBuilder bulk = client().prepareBulk();
            for (int doc = start; doc < start + 100; doc++) {
                StringBuilder json = new StringBuilder("{\"body\": \"document ").append(doc).append("\", \"tokens\": [");
                for (int t = 0; t < TOKENS_PER_DOC; t++) {
                    json.append(t == 0 ? "[" : ", [");
                    for (int d = 0; d < DIMS; d++) {
                        json.append(d == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.3f", random.nextFloat() * 2 - 1));
                    }
                    json.append(']');
                }
                json.append("]}");
                bulk.add(client().prepareIndex(INDEX).setId(Integer.toString(doc)).setSource(json.toString(), XContentType.JSON));
            }
            BulkResponse response = bulk.get();
            assertFalse(response.buildFailureMessage(), response.hasFailures());
        }
        refresh(INDEX);
        // every node loads the model now, not inside a timed request (whichever node a test's search reaches coordinates it)
        for (String node : internalCluster().getNodeNames()) {
            EmbedRequest embed = EmbedRequest.parse(Map.of("model", MODEL, "texts", List.of(QUERY_TEXT)), 1);
            internalCluster().client(node).execute(EmbedAction.INSTANCE, new EmbedAction.Request(embed)).actionGet();
        }
        indexed = true;
    }

    /** GQR with a multi-vector primary over every document, 1,000 steps: about 17 s on 3 nodes if nothing stops it. */
    private static String slowQuery(boolean searchAgain) {
        return String.format(
            Locale.ROOT,
            """
                {"multimodal": {"query_text": "%s",
                  "retrievers": {"all": {"lexical": {"query": {"match_all": {}}, "k": %d}},
                                 "tokens": {"multi_vector": {"field": "tokens", "model": "%s", "k": %d}}},
                  "fusion": {"gqr": {"primary": "tokens", "pool_k": %d, "steps": 1000, "search_again": %s}}}}""",
            QUERY_TEXT,
            DOCS,
            MODEL,
            DOCS,
            DOCS,
            searchAgain
        );
    }

    private ActionFuture<SearchResponse> sendSlow(boolean searchAgain, TimeValue timeout) {
        return sendSlow(searchAgain, timeout, true);
    }

    /** Built by hand: the test client's {@code prepareSearch} may add a random {@code timeout}, which the tests here set. */
    private ActionFuture<SearchResponse> sendSlow(boolean searchAgain, TimeValue timeout, boolean allowPartialResults) {
        SearchSourceBuilder source = new SearchSourceBuilder().query(QueryBuilders.wrapperQuery(slowQuery(searchAgain))).size(10);
        if (timeout != null) {
            source.timeout(timeout);
        }
        SearchRequest request = new SearchRequest(INDEX).source(source)
            .searchType(SearchType.QUERY_THEN_FETCH)
            .allowPartialSearchResults(allowPartialResults);
        return client().search(request);
    }

    /**
     * A slow search sent with a 500 ms timeout: answered within a few seconds, {@code timed_out}; the time logged. Tried
     * again when a stalled machine made it miss the bound (see {@link #TRIES}).
     */
    private SearchResponse answeredFlagged(Supplier<ActionFuture<SearchResponse>> send, String what) throws Exception {
        List<Long> tries = new ArrayList<>();
        for (int attempt = 0; attempt < TRIES; attempt++) {
            long start = System.nanoTime();
            SearchResponse response = send.get().get(60, TimeUnit.SECONDS);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            logger.info("{}, timeout 500ms: answered in {} ms", what, millis);
            assertTrue("a search cut short by its timeout says so", response.isTimedOut());
            if (millis < ANSWER_WITHIN_MILLIS) {
                return response;
            }
            tries.add(millis);
            assertIdle();
        }
        throw new AssertionError("answered in " + tries + " ms, every try over " + ANSWER_WITHIN_MILLIS + " ms");
    }

    public void testTimeoutOnTheCoordinatingNodeAnswersWithAPartialRefinement() throws Exception {
        indexSlowCorpus();
        SearchResponse response = answeredFlagged(
            () -> sendSlow(false, TimeValue.timeValueMillis(500)),
            "GQR refined on the coordinating node"
        );
        assertEquals(0, response.getFailedShards());
        // what it has: the ranking of a refinement stopped part-way
        assertEquals(10, response.getHits().getHits().length);
        Map<?, ?> gqr = (Map<?, ?>) scores(response.getHits().getAt(0)).get("gqr");
        int steps = ((Number) gqr.get("steps")).intValue();
        assertTrue("refined for " + steps + " steps", steps < 1000);
        assertIdle();
    }

    public void testWithoutPartialResultsATimedOutRefinementIsA408() throws Exception {
        indexSlowCorpus();
        List<String> tries = new ArrayList<>();
        for (int attempt = 0; attempt < TRIES; attempt++) {
            long start = System.nanoTime();
            ActionFuture<SearchResponse> running = sendSlow(false, TimeValue.timeValueMillis(500), false);
            Exception failure = expectThrows(ExecutionException.class, () -> running.get(60, TimeUnit.SECONDS));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            RestStatus status = ExceptionsHelper.status(failure.getCause());
            // a stalled machine can also push the shards' own first round past 500 ms: core's "Time exceeded" then
            // fails the search before the coordinating node's refinement begins, which is not what this test is about
            if (millis < ANSWER_WITHIN_MILLIS && status == RestStatus.REQUEST_TIMEOUT) {
                assertTrue(failure.toString(), failure.getCause().getMessage().contains("allow_partial_search_results"));
                assertIdle();
                return;
            }
            tries.add(millis + " ms: " + failure.getCause());
            assertIdle();
        }
        throw new AssertionError("no try failed as a 408 within " + ANSWER_WITHIN_MILLIS + " ms: " + tries);
    }

    public void testTheClustersDefaultSearchTimeoutAppliesToo() throws Exception {
        indexSlowCorpus();
        Settings timeout = Settings.builder().put("search.default_search_timeout", "500ms").build();
        assertAcked(client().admin().cluster().prepareUpdateSettings().setTransientSettings(timeout));
        try {
            answeredFlagged(() -> sendSlow(false, null), "GQR refined on the coordinating node, the cluster's default timeout");
        } finally {
            assertAcked(
                client().admin()
                    .cluster()
                    .prepareUpdateSettings()
                    .setTransientSettings(Settings.builder().putNull("search.default_search_timeout"))
            );
        }
        assertIdle();
    }

    public void testTimeoutOnTheShardsAnswersFlagged() throws Exception {
        indexSlowCorpus();
        SearchResponse response = answeredFlagged(
            () -> sendSlow(true, TimeValue.timeValueMillis(500)),
            "GQR refined on each shard (search_again)"
        );
        assertEquals(0, response.getFailedShards());
        assertIdle();
    }

    public void testTimeoutDuringRescoringKeepsTheFirstPass() throws Exception {
        indexSlowCorpus();
        SearchResponse rescored = rescoreEverything(null);
        assertFalse(rescored.isTimedOut());
        assertNotEquals("rescored: the hits' MaxSim replaced match_all's 1", 1f, rescored.getHits().getAt(0).getScore(), 0f);
        // a 1 ms timeout passes before the rescorer is done (OpenSearch's own check reads a clock that ticks every 200 ms,
        // so collection almost always finishes; when it did not, there is nothing to rescore: try again)
        SearchResponse cut = null;
        for (int attempt = 0; attempt < 5 && (cut == null || cut.getHits().getHits().length == 0); attempt++) {
            cut = rescoreEverything(TimeValue.timeValueMillis(1));
        }
        assertTrue(cut.isTimedOut());
        assertEquals(10, cut.getHits().getHits().length);
        for (SearchHit hit : cut.getHits().getHits()) {
            assertEquals("the first pass's score stands", 1f, hit.getScore(), 0f);
        }
        assertIdle();
    }

    private SearchResponse rescoreEverything(TimeValue timeout) {
        SearchSourceBuilder source = new SearchSourceBuilder().query(QueryBuilders.matchAllQuery())
            .addRescorer(
                new LateInteractionRescorerBuilder("tokens", QUERY_TEXT, MODEL, null, 1f, 1f).windowSize(DOCS)
            )
            .size(10);
        if (timeout != null) {
            source.timeout(timeout);
        }
        return client().search(new SearchRequest(INDEX).source(source).searchType(SearchType.QUERY_THEN_FETCH)).actionGet();
    }

    public void testCancelStopsTheCoordinatingNodesRefinement() throws Exception {
        indexSlowCorpus();
        assertCancelledWithinMillis(() -> sendSlow(false, null), "coordinating node");
    }

    public void testCancelStopsTheShardsRefinement() throws Exception {
        indexSlowCorpus();
        assertCancelledWithinMillis(() -> sendSlow(true, null), "shards");
    }

    /** Cancelled mid-way, the search ends within {@link #CANCEL_WITHIN_MILLIS}, on one of {@link #TRIES} tries. */
    private void assertCancelledWithinMillis(Supplier<ActionFuture<SearchResponse>> send, String where) throws Exception {
        List<Long> tries = new ArrayList<>();
        for (int attempt = 0; attempt < TRIES; attempt++) {
            ActionFuture<SearchResponse> running = send.get();
            // mid-way: the search has run for a while and is refining
            assertBusy(() -> assertFalse(searchTasks().getTasks().isEmpty()));
            Thread.sleep(1_500);
            assertFalse("the slow request must still be running when it is cancelled", running.isDone());
            long cancelled = System.nanoTime();
            client().admin().cluster().prepareCancelTasks().setActions(SearchAction.NAME + "*").get();
            Exception failure = expectThrows(ExecutionException.class, () -> running.get(30, TimeUnit.SECONDS));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cancelled);
            logger.info("GQR on the {}: ended {} ms after the cancel", where, millis);
            assertNotNull(
                "cancelled, not failed otherwise: " + failure,
                ExceptionsHelper.unwrap(failure, TaskCancelledException.class) != null
                    || String.valueOf(failure.getCause()).contains("cancelled")
            );
            assertIdle();
            if (millis < CANCEL_WITHIN_MILLIS) {
                return;
            }
            tries.add(millis);
        }
        throw new AssertionError("ended " + tries + " ms after the cancel, every try over " + CANCEL_WITHIN_MILLIS + " ms");
    }

    public void testSearchBackpressureCancelsTheSlowSearch() throws Exception {
        indexSlowCorpus();
        Settings enforced = Settings.builder()
            .put("search_backpressure.mode", "enforced")
            .put("search_backpressure.node_duress.num_successive_breaches", 1)
            .put("search_backpressure.node_duress.heap_threshold", 0.0) // every node counts as under duress
            .put("search_backpressure.search_task.total_heap_percent_threshold", 0.0)
            .put("search_backpressure.search_task.elapsed_time_millis_threshold", 1_000)
            .build();
        assertAcked(client().admin().cluster().prepareUpdateSettings().setTransientSettings(enforced));
        try {
            List<Long> tries = new ArrayList<>();
            for (int attempt = 0; attempt < TRIES && tries.size() == attempt; attempt++) {
                long start = System.nanoTime();
                ActionFuture<SearchResponse> running = sendSlow(false, null);
                Exception failure = expectThrows(ExecutionException.class, () -> running.get(30, TimeUnit.SECONDS));
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                logger.info("search backpressure (elapsed time over 1s, checked every second) ended the search after {} ms", millis);
                // cancelled in the query phase (a task cancelled) or as its fetch phase began (then the search fails in
                // [fetch], its reason lost on the way: seen once in CI, with backpressure's "cancelling task" in the log)
                String trace = ExceptionsHelper.stackTrace(failure);
                assertTrue(trace, trace.toLowerCase(Locale.ROOT).contains("cancel") || trace.contains("Failed to execute phase [fetch]"));
                assertIdle();
                if (millis >= 1_000 + 1_000 + CANCEL_WITHIN_MILLIS) {
                    tries.add(millis);
                }
            }
            assertTrue("ended after " + tries + " ms, every try too late", tries.size() < TRIES);
        } finally {
            Settings.Builder reset = Settings.builder();
            enforced.keySet().forEach(reset::putNull);
            assertAcked(client().admin().cluster().prepareUpdateSettings().setTransientSettings(reset));
        }
        assertIdle();
    }

    public void testLargeEmbedCallIsCancellable() throws Exception {
        String passage = String.join(" ", Collections.nCopies(60, "photosynthesis turns light into chemical energy"));
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            texts.add(i + " " + passage);
        }
        EmbedRequest embed = EmbedRequest.parse(Map.of("model", MODEL, "texts", texts), 256);
        ActionFuture<EmbedAction.Response> running = client().execute(EmbedAction.INSTANCE, new EmbedAction.Request(embed));
        assertBusy(
            () -> assertFalse(client().admin().cluster().prepareListTasks().setActions(EmbedAction.NAME).get().getTasks().isEmpty())
        );
        Thread.sleep(1_000);
        assertFalse("256 long texts take longer than a second to embed", running.isDone());
        long cancelled = System.nanoTime();
        client().admin().cluster().prepareCancelTasks().setActions(EmbedAction.NAME).get();
        Exception failure = expectThrows(ExecutionException.class, () -> running.get(60, TimeUnit.SECONDS));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cancelled);
        logger.info("_embed of 256 long texts: ended {} ms after the cancel", millis);
        assertNotNull(failure.toString(), ExceptionsHelper.unwrap(failure, TaskCancelledException.class));
        // at most the batches in flight finish: two batches of 16 long texts
        assertTrue("ended " + millis + " ms after the cancel", millis < 20_000);
        assertIdle();
    }

    private ListTasksResponse searchTasks() {
        return client().admin().cluster().prepareListTasks().setActions(SearchAction.NAME + "*").get();
    }

    private static Map<?, ?> scores(SearchHit hit) {
        DocumentField field = hit.getFields().get("_multimodal");
        assertNotNull("the hit carries its scores", field);
        return (Map<?, ?>) field.getValue();
    }

    /** No search or embed task left, breakers back to nothing, search and inference pools idle, on every node. */
    private void assertIdle() throws Exception {
        assertBusy(() -> {
            assertTrue(searchTasks().getTasks().toString(), searchTasks().getTasks().isEmpty());
            for (NodeStats node : client().admin()
                .cluster()
                .prepareNodesStats()
                .addMetric(NodesStatsRequest.Metric.BREAKER.metricName())
                .addMetric(NodesStatsRequest.Metric.THREAD_POOL.metricName())
                .get()
                .getNodes()) {
                for (String breaker : List.of(MultimodalSettings.BREAKER_NAME, "request")) {
                    CircuitBreakerStats stats = node.getBreaker().getStats(breaker);
                    assertEquals(node.getNode().getName() + " breaker " + breaker, 0L, stats.getEstimated());
                }
                for (ThreadPoolStats.Stats pool : node.getThreadPool()) {
                    if (pool.getName().equals("search") || pool.getName().startsWith("multimodal")) {
                        assertEquals(node.getNode().getName() + " pool " + pool.getName(), 0, pool.getActive());
                    }
                }
            }
        }, 10, TimeUnit.SECONDS);
    }
}
