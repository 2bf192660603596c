package org.opensearch.multimodal.integ;

import org.junit.AfterClass;
import org.junit.Test;
import org.opensearch.multimodal.image.DemoPhotos;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A node of the real distribution SIGKILLed while bulks stream through {@code embed_text} and {@code embed_image}
 * (issue 16, part 1): three nodes, an index of 3 shards and 1 replica whose default pipeline writes the text's dense
 * and token vectors and the photo's vector; bulks and hybrid queries go to node 0 while node 2 is killed and started
 * again on its own data. Once green and settled: every acknowledged document is on its primary and its replica with
 * its vectors (the photo's the same on both) and is the top hit for its own vector on both, and every query sent while
 * the node was down was answered.
 */
public final class NodeKillIT {

    private static final String INDEX = "kill";
    private static final int DOCS_PER_BULK = 4;
    private static final int KILLED = 2;

    private static final String PIPELINE = """
        {"processors": [{"embed_text": {"model": "bge-small-en-v1.5", "field_map": {"body": "body_vec"},
          "token_field_map": {"body": "body_tokens"}, "batch_size": 8}},
          {"embed_image": {"model": "fashion-image-demo", "field_map": {"photo": "photo_vec"}, "batch_size": 8}}]}""";

    private static DistributionCluster cluster;

    @AfterClass
    public static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    public void acknowledgedDocumentsSurviveANodeKilledMidBulk() throws Exception {
        cluster = DistributionCluster.start("it-kill", 3);
        RestClientHelper client = cluster.client(0);
        client.put("/_ingest/pipeline/embed", PIPELINE).assertSuccess();
        Map<String, Object> index = DemoCorpus.indexBody(
            Map.of("index.number_of_shards", 3, "index.number_of_replicas", 1, "index.unassigned.node_left.delayed_timeout", "0s"),
            "embed"
        );
        @SuppressWarnings("unchecked")
        Map<String, Object> properties = (Map<String, Object>) ((Map<String, Object>) index.get("mappings")).get("properties");
        properties.put("photo", Map.of("type", "binary"));
        properties.put("photo_vec", Map.of("type", "dense_vector", "dims", 384, "similarity", "cosine"));
        client.put("/" + INDEX, index).assertSuccess();
        client.get("/_cluster/health/" + INDEX + "?wait_for_status=green&timeout=60s").assertSuccess();

        List<String> photos = DemoPhotos.base64(DemoPhotos.DIR, 24);
        List<String> bodies = DemoCorpus.documents()
            .stream()
            .map(line -> String.valueOf(parse(line).get("body")))
            .toList();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger bulks = new AtomicInteger();
        AtomicInteger refusedItems = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        List<String> indexerErrors = new ArrayList<>();
        Thread indexer = new Thread(() -> {
            for (int round = 0; stop.get() == false; round++) {
                StringBuilder bulk = new StringBuilder();
                for (int i = 0; i < DOCS_PER_BULK; i++) {
                    String id = round + "-" + i;
                    String body = bodies.get((round * DOCS_PER_BULK + i) % bodies.size()) + " (note " + id + ")";
                    String photo = photos.get((round * DOCS_PER_BULK + i) % photos.size());
                    bulk.append(DemoCorpus.indexAction(INDEX, id))
                        .append('\n')
                        .append(toJson(Map.of("body", body, "photo", photo)))
                        .append('\n');
                }
                try {
                    RestClientHelper.Response response = client.post("/_bulk?timeout=60s", bulk.toString());
                    if (response.status() == 200) {
                        for (Object item : (List<?>) response.map().get("items")) {
                            Map<?, ?> result = (Map<?, ?>) ((Map<?, ?>) item).get("index");
                            if (result.containsKey("error")) {
                                refusedItems.incrementAndGet();
                            } else {
                                acknowledged.add((String) result.get("_id"));
                            }
                        }
                    } else {
                        refusedItems.addAndGet(DOCS_PER_BULK);
                    }
                } catch (IOException e) {
                    synchronized (indexerErrors) {
                        indexerErrors.add(e.toString());
                    }
                }
                bulks.incrementAndGet();
                try {
                    Thread.sleep(300); // a steady stream, not a flood: every acknowledged document is checked four ways
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }, "node-kill-indexer");
        indexer.start();
        int answeredWhileDown = 0;
        int sentWhileDown = 0;
        try {
            awaitBulks(bulks, 3);
            cluster.kill(KILLED);
            // down for at least 8 seconds and 3 bulks; a hybrid query every 200 ms meanwhile
            int target = bulks.get() + 3;
            long downUntil = System.nanoTime() + 8_000_000_000L;
            while (bulks.get() < target || System.nanoTime() < downUntil) {
                RestClientHelper.Response search = client.post("/" + INDEX + "/_search", hybridQuery("telescopes in space"));
                sentWhileDown++;
                if (search.status() == 200) {
                    answeredWhileDown++;
                }
                Thread.sleep(200);
            }
            cluster.restart(KILLED);
            awaitBulks(bulks, bulks.get() + 2);
        } finally {
            stop.set(true);
            indexer.join(180_000);
        }
        // green is every copy assigned; the copies the restarted node takes back move after that, and a copy that is
        // handed over mid-request fails that request: wait until nothing moves, as an operator's check would
        client.get(
            "/_cluster/health/" + INDEX + "?wait_for_status=green&wait_for_no_relocating_shards=true"
                + "&wait_for_no_initializing_shards=true&timeout=120s"
        ).assertSuccess();
        client.post("/" + INDEX + "/_refresh", "").assertSuccess();

        List<String> lost = new ArrayList<>();
        for (String id : acknowledged) {
            Map<String, Object> photoVectors = new HashMap<>();
            for (String preference : List.of("_primary", "_replica")) {
                RestClientHelper.Response get = client.get("/" + INDEX + "/_doc/" + id + "?preference=" + preference);
                if (get.status() != 200) {
                    lost.add(id + " on " + preference + ": " + get.status() + " " + get.body());
                    continue;
                }
                Map<?, ?> source = (Map<?, ?>) get.map().get("_source");
                List<?> vector = (List<?>) source.get("body_vec");
                assertEquals(id + " keeps its dense vector on " + preference, 384, vector.size());
                assertTrue(id + " keeps its token vectors on " + preference, source.get("body_tokens") != null);
                assertTrue(
                    id + " keeps its photo's vector on " + preference,
                    source.get("photo_vec") instanceof List<?> p && p.size() == 384
                );
                photoVectors.put(preference, source.get("photo_vec"));
                String own = vector.stream().map(String::valueOf).collect(Collectors.joining(","));
                RestClientHelper.Response top = client.post(
                    "/" + INDEX + "/_search?size=1&preference=" + preference,
                    String.format(Locale.ROOT, """
                        {"query": {"multimodal": {"query_vector": [%s], "retrievers": {
                          "own": {"dense": {"field": "body_vec", "k": 5, "num_candidates": 1000}}}}}}""", own)
                ).assertSuccess();
                Map<?, ?> shards = (Map<?, ?>) top.map().get("_shards");
                // a shard copy that fails a search leaves a 200 with the other shards' best: say so rather than
                // report a near-duplicate on another shard as the top hit
                assertEquals(id + ": every shard answered on " + preference + ": " + shards, 0, ((Number) shards.get("failed")).intValue());
                assertEquals(id + " is the top hit for its own vector on " + preference, List.of(id), DemoCorpus.hitIds(top));
            }
            if (photoVectors.size() == 2) {
                assertEquals(
                    id + ": its photo's vector on the primary and the replica",
                    photoVectors.get("_primary"),
                    photoVectors.get("_replica")
                );
            }
        }
        System.out.printf(
            Locale.ROOT,
            "node kill: %d bulks, %d documents acknowledged, %d items refused, %d lost; %d/%d queries answered while the node "
                + "was down; indexer errors %s%n",
            bulks.get(),
            acknowledged.size(),
            refusedItems.get(),
            lost.size(),
            answeredWhileDown,
            sentWhileDown,
            indexerErrors
        );
        assertEquals("acknowledged documents lost", List.of(), lost);
        assertTrue("documents acknowledged: " + acknowledged.size(), acknowledged.size() >= 4 * DOCS_PER_BULK);
        assertTrue("queries sent while the node was down: " + sentWhileDown, sentWhileDown > 0);
        assertEquals("queries answered while the node was down", sentWhileDown, answeredWhileDown);
    }

    private static void awaitBulks(AtomicInteger bulks, int count) throws InterruptedException {
        long deadline = System.nanoTime() + 180_000_000_000L;
        while (bulks.get() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("bulks sent: " + bulks.get() + ", waited for " + count);
            }
            Thread.sleep(100);
        }
    }

    private static String hybridQuery(String text) {
        return String.format(Locale.ROOT, """
            {"query": {"multimodal": {"query_text": "%s", "retrievers": {
              "bm25": {"lexical": {"match": {"body": "%s"}}},
              "dense": {"dense": {"field": "body_vec", "model": "%s"}}}}}}""", text, text, DemoCorpus.MODEL);
    }

    private static Map<String, Object> parse(String json) {
        try {
            return RestClientHelper.parseMap(json);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String toJson(Object value) {
        try {
            return RestClientHelper.toJson(value);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
