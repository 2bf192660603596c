package org.opensearch.multimodal.plugin;

import org.opensearch.action.bulk.BulkRequestBuilder;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.common.action.ActionFuture;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.index.query.MultiMatchQueryBuilder;
import org.opensearch.multimodal.inference.ImageBatch;
import org.opensearch.multimodal.inference.InferenceService;
import org.opensearch.multimodal.inference.Workload;
import org.opensearch.multimodal.math.ScoreNormalization;
import org.opensearch.multimodal.model.BuiltinModels;
import org.opensearch.multimodal.model.EncodingPurpose;
import org.opensearch.multimodal.query.MultimodalQueryBuilder;
import org.opensearch.multimodal.query.fusion.FusionSpec;
import org.opensearch.multimodal.query.fusion.GqrSpec;
import org.opensearch.multimodal.query.rescore.LateInteractionRescorerBuilder;
import org.opensearch.multimodal.query.retriever.DenseRetriever;
import org.opensearch.multimodal.query.retriever.LexicalRetriever;
import org.opensearch.multimodal.query.retriever.MultiVectorRetriever;
import org.opensearch.multimodal.query.retriever.RetrieverSpec;
import org.opensearch.multimodal.rest.EmbedAction;
import org.opensearch.multimodal.rest.EmbedRequest;
import org.opensearch.multimodal.rest.StatsAction;
import org.opensearch.multimodal.rest.StatsRequest;
import org.opensearch.multimodal.settings.MultimodalSettings;
import org.opensearch.plugins.Plugin;
import org.opensearch.test.OpenSearchIntegTestCase;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.threadpool.ThreadPoolStats;

import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertAcked;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Query-time encoding never waits behind index-time batches (issue 12), shown deterministically: the index-time
 * inference pool is held by ingest batches that cannot finish (a decoder that blocks), with more of them queued; the
 * {@code multimodal} query (dense, multi-vector, GQR), the late_interaction rescorer and a small {@code _embed} all
 * still answer, while the blocked batches are still there. A larger {@code _embed} is bulk work and waits with ingest.
 */
@OpenSearchIntegTestCase.ClusterScope(
    scope = OpenSearchIntegTestCase.Scope.SUITE, numDataNodes = 1, numClientNodes = 0, supportsDedicatedMasters = false
)
public class InferenceIsolationClusterTests extends OpenSearchIntegTestCase {

    private static final String MODEL = BuiltinModels.BGE_SMALL;
    private static final int BLOCKED_BATCHES = 4;
    private static final TimeValue ANSWER_WITHIN = TimeValue.timeValueSeconds(60);

    @Override
    protected Collection<Class<? extends Plugin>> nodePlugins() {
        return List.of(MultimodalPlugin.class);
    }

    @Override
    protected Path nodeConfigPath(int nodeOrdinal) {
        return BuiltinModels.nodeConfigWith(BuiltinModels.ALL.stream().map(BuiltinModels.root()::resolve).toArray(Path[]::new));
    }

    @Override
    protected Settings nodeSettings(int nodeOrdinal) {
        return Settings.builder()
            .put(super.nodeSettings(nodeOrdinal))
            .put(MultimodalSettings.INFERENCE_THREADS.getKey(), 1)
            .put(MultimodalSettings.SEARCH_INFERENCE_THREADS.getKey(), 1)
            .build();
    }

    private void indexDocuments() {
        String pipeline = """
            {"processors": [{"embed_text": {"model": "bge-small-en-v1.5", "field_map": {"body": "body_vec"},
              "token_field_map": {"body": "body_tokens"}}}]}""";
        assertAcked(client().admin().cluster().preparePutPipeline("isolation", new BytesArray(pipeline), XContentType.JSON).get());
        String mapping = """
            {"properties": {"body": {"type": "text"},
              "body_vec": {"type": "dense_vector", "dims": 384, "similarity": "cosine"},
              "body_tokens": {"type": "multi_vector", "dims": 384}}}""";
        assertAcked(
            prepareCreate("docs")
                .setSettings(Map.of("index.number_of_shards", 1, "index.number_of_replicas", 0, "index.default_pipeline", "isolation"))
                .setMapping(mapping)
        );
        BulkRequestBuilder bulk = client().prepareBulk();
        String[] bodies = {
            "Photosynthesis turns sunlight, water and carbon dioxide into sugar and oxygen in the leaves of plants.",
            "Sourdough bread rises because wild yeast and bacteria ferment the dough overnight.",
            "A telescope gathers light from distant galaxies with a large curved mirror.",
            "Encryption keeps a message secret by scrambling it with a key only the receiver has."};
        for (int i = 0; i < bodies.length; i++) {
            bulk.add(client().prepareIndex("docs").setId(Integer.toString(i)).setSource(Map.of("body", bodies[i])));
        }
        assertFalse(bulk.get().buildFailureMessage(), bulk.get().hasFailures());
        refresh("docs");
    }

    public void testQueriesAnswerWhileIngestBatchesHoldTheIndexPool() throws Exception {
        indexDocuments();
        InferenceService inference = internalCluster().getInstance(InferenceService.class);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch firstBatchRunning = new CountDownLatch(1);
        CountDownLatch batchesDone = new CountDownLatch(BLOCKED_BATCHES + 1);
        for (int i = 0; i <= BLOCKED_BATCHES; i++) {
            // an ingest batch of one image whose decoding cannot finish until released: holds the index pool's thread
            inference.encodeImages(Workload.INDEX, BuiltinModels.FASHION_IMAGE_DEMO, List.of(new byte[]{1}), bytes -> {
                firstBatchRunning.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalArgumentException("a fake ingest image");
            }, false, ActionListener.wrap((ImageBatch batch) -> batchesDone.countDown(), e -> batchesDone.countDown()));
        }
        ActionFuture<EmbedAction.Response> bulkSizedEmbed = null;
        try {
            assertTrue("the first ingest batch holds the index pool's thread", firstBatchRunning.await(60, TimeUnit.SECONDS));
            assertIndexPoolBlocked(BLOCKED_BATCHES);

            // a bulk-sized _embed is index-time work: it queues behind the blocked batches
            List<String> nineTexts = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                nineTexts.add("text " + i);
            }
            bulkSizedEmbed = client().execute(
                EmbedAction.INSTANCE,
                new EmbedAction.Request(new EmbedRequest(MODEL, nineTexts, null, false, EncodingPurpose.DOCUMENT))
            );

            // the multimodal query with every kind of query-time encoding: dense vector and query tokens, GQR, rescore
            String text = "how do plants make sugar from light";
            Map<String, RetrieverSpec> retrievers = new LinkedHashMap<>();
            retrievers.put("bm25", new LexicalRetriever(new MultiMatchQueryBuilder(text, "body"), 10));
            retrievers.put("dense", new DenseRetriever("body_vec", MODEL, 10));
            retrievers.put("tokens", new MultiVectorRetriever("body_tokens", MODEL));
            FusionSpec gqr = FusionSpec.gqr(new GqrSpec("tokens", null, 10, null, null, 1f, 0.5f, ScoreNormalization.MIN_MAX));
            SearchResponse response = client().prepareSearch("docs")
                .setQuery(new MultimodalQueryBuilder(text, null, null, retrievers, gqr, null))
                .addRescorer(new LateInteractionRescorerBuilder("body_tokens", text, MODEL, null, 1f, 1f), 10)
                .get(ANSWER_WITHIN);
            assertEquals("the photosynthesis paragraph answers", "0", response.getHits().getAt(0).getId());

            EmbedAction.Response fewTexts = client().execute(
                EmbedAction.INSTANCE,
                new EmbedAction.Request(new EmbedRequest(MODEL, List.of("a query", "another"), null, false, EncodingPurpose.QUERY))
            )
                .actionGet(ANSWER_WITHIN);
            assertEquals(2, fewTexts.vectors().length);

            assertIndexPoolBlocked(BLOCKED_BATCHES + 1);
            assertFalse("the bulk-sized _embed waits with ingest", bulkSizedEmbed.isDone());
            Map<String, Object> search = pool("search");
            assertTrue("the query side did the encoding: " + search, ((Number) search.get("completed")).longValue() >= 3);
        } finally {
            release.countDown();
        }
        assertTrue("the blocked ingest batches finish once released", batchesDone.await(60, TimeUnit.SECONDS));
        assertEquals(9, bulkSizedEmbed.actionGet(ANSWER_WITHIN).vectors().length);
        Map<String, Object> index = pool("index");
        @SuppressWarnings("unchecked")
        Map<String, Object> wait = (Map<String, Object>) index.get("wait");
        assertTrue("the queued batches' wait is counted: " + index, ((Number) wait.get("time_in_millis")).longValue() > 0);
    }

    /** One index-time batch runs (blocked) and {@code queued} wait behind it. */
    private void assertIndexPoolBlocked(int queued) throws Exception {
        assertBusy(() -> {
            ThreadPoolStats.Stats stats = null;
            for (ThreadPoolStats.Stats pool : internalCluster().getInstance(ThreadPool.class).stats()) {
                if (pool.getName().equals(Workload.INDEX.threadPool())) {
                    stats = pool;
                }
            }
            assertNotNull(stats);
            assertEquals(1, stats.getActive());
            assertEquals(queued, stats.getQueue());
        });
    }

    /** The stats API's {@code inference_pools.<name>} of the one node. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> pool(String name) {
        Map<String, Object> stats = client().execute(StatsAction.INSTANCE, new StatsRequest()).actionGet().getNodes().get(0).stats();
        return (Map<String, Object>) ((Map<String, Object>) stats.get("inference_pools")).get(name);
    }
}
