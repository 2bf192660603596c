package org.opensearch.multimodal.plugin;

import org.opensearch.action.bulk.BulkItemResponse;
import org.opensearch.action.bulk.BulkRequestBuilder;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.action.get.GetResponse;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.multimodal.image.DemoPhotos;
import org.opensearch.multimodal.model.BuiltinModels;
import org.opensearch.test.OpenSearchIntegTestCase;
import org.opensearch.transport.client.Client;

import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertAcked;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A data node lost while bulks stream through {@code embed_text} and {@code embed_image} (issue 16, part 1), in one JVM
 * with the test framework: a cluster-manager node, three data nodes and a coordinating-only node that takes every
 * request, an index of 3 shards and 1 replica whose default pipeline writes the text's dense vector and int8 token
 * vectors and the photo's vector. A data node is stopped while an indexer sends bulks and a searcher sends queries, and
 * a fresh one joins later. Once the index is green again: every acknowledged document is there with its vectors on its
 * primary and on its replica (the photo's the same on both), each is the top hit for its own vector on primaries and on
 * replicas, the copies hold the same documents and sequence numbers, and every query sent meanwhile was answered.
 */
@OpenSearchIntegTestCase.ClusterScope(scope = OpenSearchIntegTestCase.Scope.TEST, numDataNodes = 0, supportsDedicatedMasters = false)
public class NodeLossClusterTests extends BgeClusterTestCase {

    private static final String INDEX = "node_loss";
    private static final int DOCS_PER_BULK = 6;
    /** The data nodes also run the pipeline, as the default roles would. */
    private static final Settings DATA_AND_INGEST = Settings.builder().putList("node.roles", "data", "ingest").build();

    private static List<String> demoBodies() throws IOException {
        Path corpus = Path.of(System.getProperty("tests.demo.corpus", "integTest/demo/corpus/docs.jsonl"));
        return Files.readAllLines(corpus, StandardCharsets.UTF_8)
            .stream()
            .filter(line -> line.isBlank() == false)
            .map(line -> line.replaceAll("^.*\"body\": \"(.*)\"}$", "$1"))
            .toList();
    }

    /** Every built-in model: bge-small for the text, the demo image model for the photos. */
    @Override
    protected Path nodeConfigPath(int nodeOrdinal) {
        return BuiltinModels.nodeConfigWith(BuiltinModels.ALL.stream().map(BuiltinModels.root()::resolve).toArray(Path[]::new));
    }

    /** Sends bulks until stopped; the ids every bulk acknowledged, and how many items failed. */
    private static final class Indexer implements Runnable {

        final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        final AtomicInteger bulks = new AtomicInteger();
        final AtomicInteger failedItems = new AtomicInteger();
        final List<String> failures = new ArrayList<>();
        final AtomicBoolean stop = new AtomicBoolean();
        private final Client client;
        private final List<String> bodies;
        private final List<String> photos;

        Indexer(Client client, List<String> bodies, List<String> photos) {
            this.client = client;
            this.bodies = bodies;
            this.photos = photos;
        }

        @Override
        public void run() {
            for (int round = 0; stop.get() == false; round++) {
                BulkRequestBuilder bulk = client.prepareBulk().setTimeout(TimeValue.timeValueMinutes(1));
                for (int i = 0; i < DOCS_PER_BULK; i++) {
                    String id = round + "-" + i;
                    // each body differs from every other, so each document's own vector finds it first
                    String body = bodies.get((round * DOCS_PER_BULK + i) % bodies.size()) + " (note " + id + ")";
                    String photo = photos.get((round * DOCS_PER_BULK + i) % photos.size());
                    bulk.add(client.prepareIndex(INDEX).setId(id).setSource(Map.of("body", body, "photo", photo)));
                }
                try {
                    BulkResponse response = bulk.get(TimeValue.timeValueMinutes(2));
                    for (BulkItemResponse item : response.getItems()) {
                        if (item.isFailed()) {
                            failedItems.incrementAndGet();
                            synchronized (failures) {
                                failures.add(item.getId() + ": " + item.getFailureMessage());
                            }
                        } else {
                            acknowledged.add(item.getId());
                        }
                    }
                } catch (RuntimeException e) {
                    failedItems.addAndGet(DOCS_PER_BULK);
                    synchronized (failures) {
                        failures.add("bulk " + round + ": " + e);
                    }
                }
                bulks.incrementAndGet();
            }
        }
    }

    /** Sends a hybrid query every few milliseconds until stopped; when each was sent, and whether it was answered. */
    private static final class Searcher implements Runnable {

        final List<long[]> sent = new ArrayList<>(); // {send time in nanos, 1 answered / 0 failed}
        final List<String> errors = new ArrayList<>();
        final AtomicInteger withShardFailures = new AtomicInteger();
        final AtomicBoolean stop = new AtomicBoolean();
        private final Client client;

        Searcher(Client client) {
            this.client = client;
        }

        @Override
        public void run() {
            while (stop.get() == false) {
                long start = System.nanoTime();
                boolean answered = false;
                try {
                    SearchResponse response = client.prepareSearch(INDEX).setQuery(QueryBuilders.wrapperQuery("""
                        {"multimodal": {"query_text": "telescopes in space", "retrievers": {
                          "bm25": {"lexical": {"match": {"body": "telescopes in space"}}},
                          "dense": {"dense": {"field": "body_vec", "model": "bge-small-en-v1.5"}}}, "k": 10}}""")).get();
                    answered = true;
                    if (response.getFailedShards() > 0) {
                        withShardFailures.incrementAndGet();
                    }
                } catch (RuntimeException e) {
                    synchronized (errors) {
                        errors.add(e.toString());
                    }
                }
                synchronized (sent) {
                    sent.add(new long[]{start, answered ? 1 : 0});
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        /** {answered, sent} among the queries sent in [from, to). */
        int[] between(long from, long to) {
            synchronized (sent) {
                int[] counts = new int[2];
                for (long[] query : sent) {
                    if (query[0] >= from && query[0] < to) {
                        counts[0] += (int) query[1];
                        counts[1]++;
                    }
                }
                return counts;
            }
        }
    }

    private static void awaitBulks(Indexer indexer, int count) throws Exception {
        assertBusy(
            () -> assertTrue("bulks sent: " + indexer.bulks.get(), indexer.bulks.get() >= count),
            2,
            TimeUnit.MINUTES
        );
    }

    public void testAcknowledgedDocumentsSurviveADataNodeLostMidBulk() throws Exception {
        // a dedicated cluster manager: the node lost is a data node, as in the issue, and no election rides along
        internalCluster().startClusterManagerOnlyNode();
        internalCluster().startNodes(3, DATA_AND_INGEST);
        String coordinator = internalCluster().startCoordinatingOnlyNode(Settings.EMPTY);
        Client client = internalCluster().client(coordinator);
        String pipeline = """
            {"processors": [{"embed_text": {"model": "bge-small-en-v1.5", "field_map": {"body": "body_vec"},
              "token_field_map": {"body": "body_tokens"}, "batch_size": 8}},
              {"embed_image": {"model": "fashion-image-demo", "field_map": {"photo": "photo_vec"}, "batch_size": 8}}]}""";
        assertAcked(client.admin().cluster().preparePutPipeline("vectors", new BytesArray(pipeline), XContentType.JSON).get());
        assertAcked(
            client.admin()
                .indices()
                .prepareCreate(INDEX)
                .setSettings(
                    Settings.builder()
                        .put("index.number_of_shards", 3)
                        .put("index.number_of_replicas", 1)
                        .put("index.default_pipeline", "vectors")
                        .put("index.codec", "default")
                        .put("index.unassigned.node_left.delayed_timeout", "0s")
                )
                .setMapping("""
                    {"properties": {"body": {"type": "text"}, "photo": {"type": "binary"},
                      "body_vec": {"type": "dense_vector", "dims": 384, "similarity": "cosine"},
                      "photo_vec": {"type": "dense_vector", "dims": 384, "similarity": "cosine"},
                      "body_tokens": {"type": "multi_vector", "dims": 384, "encoding": "int8", "pool_factor": 2}}}""")
        );
        ensureGreen(INDEX);

        Indexer indexer = new Indexer(client, demoBodies(), DemoPhotos.base64(DemoPhotos.DIR, 24));
        Searcher searcher = new Searcher(client);
        Thread indexing = new Thread(indexer, "node-loss-indexer");
        Thread searching = new Thread(searcher, "node-loss-searcher");
        indexing.start();
        searching.start();
        long stopping;
        long stopped;
        long rejoining;
        try {
            awaitBulks(indexer, 3);
            stopping = System.nanoTime();
            assertTrue("a data node stopped", internalCluster().stopRandomDataNode());
            stopped = System.nanoTime();
            awaitBulks(indexer, indexer.bulks.get() + 3);
            rejoining = System.nanoTime();
            internalCluster().startNode(DATA_AND_INGEST);
            awaitBulks(indexer, indexer.bulks.get() + 2);
        } finally {
            indexer.stop.set(true);
            searcher.stop.set(true);
            indexing.join(TimeUnit.MINUTES.toMillis(3));
            searching.join(TimeUnit.MINUTES.toMillis(1));
        }

        ensureGreen(TimeValue.timeValueMinutes(2), INDEX);
        client.admin().indices().prepareRefresh(INDEX).get();
        // a query in flight on the node as it stops, or on a shard copy moving to the new node, may fail as any query
        // does; every query sent while the node was gone must be answered
        int[] atStop = searcher.between(stopping, stopped);
        int[] outage = searcher.between(stopped, rejoining);
        int[] all = searcher.between(0, Long.MAX_VALUE);
        logger.info(
            "node loss: {} bulks, {} documents acknowledged, {} items failed {}; queries answered: {}/{} sent while the node "
                + "was gone, {}/{} in flight as it stopped, {}/{} in all ({} with shard failures); errors {}",
            indexer.bulks.get(),
            indexer.acknowledged.size(),
            indexer.failedItems.get(),
            indexer.failures,
            outage[0],
            outage[1],
            atStop[0],
            atStop[1],
            all[0],
            all[1],
            searcher.withShardFailures.get(),
            searcher.errors
        );
        assertTrue("documents acknowledged: " + indexer.acknowledged.size(), indexer.acknowledged.size() >= 4 * DOCS_PER_BULK);
        assertTrue("queries sent while the node was gone: " + outage[1], outage[1] > 0);
        assertEquals("every query sent while the node was gone answered: " + searcher.errors, outage[1], outage[0]);

        long total = client.prepareSearch(INDEX).setSize(0).setTrackTotalHits(true).get().getHits().getTotalHits().value();
        assertTrue("a search counts every acknowledged document: " + total, total >= indexer.acknowledged.size());
        List<String> lost = new ArrayList<>();
        for (String id : indexer.acknowledged) {
            Map<String, Object> photoVectors = new HashMap<>();
            for (String preference : List.of("_primary", "_replica")) {
                GetResponse get = client.prepareGet(INDEX, id).setPreference(preference).get();
                if (get.isExists() == false) {
                    lost.add(id + " on " + preference);
                    continue;
                }
                Map<String, Object> source = get.getSourceAsMap();
                assertTrue(id + " keeps its token vectors on " + preference, source.get("body_tokens") instanceof String);
                @SuppressWarnings("unchecked")
                List<Number> vector = (List<Number>) source.get("body_vec");
                assertEquals(id + " keeps its dense vector on " + preference, 384, vector.size());
                String top = topHitForVector(client, vector, preference);
                assertEquals(id + " is the top hit for its own vector on " + preference, id, top);
                Object photoVector = source.get("photo_vec");
                assertTrue(id + " keeps its photo's vector on " + preference, photoVector instanceof List<?> l && l.size() == 384);
                photoVectors.put(preference, photoVector);
            }
            if (photoVectors.size() == 2) {
                assertEquals(
                    id + ": its photo's vector on the primary and on the replica",
                    photoVectors.get("_primary"),
                    photoVectors.get("_replica")
                );
            }
        }
        assertEquals("acknowledged documents lost", List.of(), lost);
        internalCluster().assertSameDocIdsOnShards();
        internalCluster().assertSeqNos();
    }

    private static String topHitForVector(Client client, List<Number> vector, String preference) {
        String values = vector.stream().map(Number::toString).collect(Collectors.joining(","));
        SearchResponse response = client.prepareSearch(INDEX)
            .setPreference(preference)
            .setSize(1)
            .setQuery(QueryBuilders.wrapperQuery(String.format(Locale.ROOT, """
                {"multimodal": {"query_vector": [%s], "retrievers": {
                  "own": {"dense": {"field": "body_vec", "k": 5, "num_candidates": 1000}}}}}""", values)))
            .get();
        assertEquals(0, response.getFailedShards());
        return response.getHits().getHits().length == 0 ? null : response.getHits().getHits()[0].getId();
    }
}
