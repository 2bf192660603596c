package org.opensearch.multimodal.integ;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Three nodes of the real distribution on loopback, the plugin on each. The index has 3 shards and 1 replica, kept off
 * the third node, so that node coordinates searches for an index it holds no shard of. One {@code _bulk} carries the
 * demo corpus and malformed documents: every good document is indexed, every bad one fails alone with a 400 that
 * names its field.
 */
public final class ThreeNodeClusterIT {

    private static final String INDEX = "docs";
    private static final int NODES = 3;
    /** Bad documents by id: the source, whether it bypasses the pipeline, and the field its error must name. */
    private static final Map<String, BadDocument> BAD = new LinkedHashMap<>();
    static {
        BAD.put("bad-number", new BadDocument("{\"body\": 42, \"topic\": \"bad\"}", false, "[body]"));
        BAD.put("bad-object", new BadDocument("{\"body\": {\"text\": \"nested\"}, \"topic\": \"bad\"}", false, "[body]"));
        BAD.put("bad-boolean", new BadDocument("{\"body\": true, \"topic\": \"bad\"}", false, "[body]"));
        BAD.put("bad-missing", new BadDocument("{\"title\": \"no body at all\", \"topic\": \"bad\"}", false, "[body]"));
        BAD.put("bad-dims", new BadDocument("{\"body\": \"x\", \"body_vec\": [0.1, 0.2, 0.3]}", true, "body_vec"));
        BAD.put("bad-vector-value", new BadDocument("{\"body\": \"x\", \"body_vec\": [\"a\", \"b\"]}", true, "body_vec"));
        BAD.put("bad-token-dims", new BadDocument("{\"body\": \"x\", \"body_tokens\": [[0.1, 0.2]]}", true, "body_tokens"));
    }

    private record BadDocument(String source, boolean bypassPipeline, String namedField) {
    }

    private static DistributionCluster cluster;
    private static int corpusSize;
    private static Map<String, Map<?, ?>> bulkItems;

    @BeforeClass
    public static void startClusterAndBulkIndex() throws IOException {
        cluster = DistributionCluster.start("it-three", NODES);
        RestClientHelper client = cluster.client(0);
        client.put("/_ingest/pipeline/embed", DemoCorpus.PIPELINE_BODY).assertSuccess();
        Map<String, Object> settings = Map.of(
            "index.number_of_shards",
            3,
            "index.number_of_replicas",
            1,
            "index.routing.allocation.exclude._name",
            cluster.nodeName(NODES - 1)
        );
        client.put("/" + INDEX, DemoCorpus.indexBody(settings, "embed")).assertSuccess();
        client.get("/_cluster/health/" + INDEX + "?wait_for_status=green&timeout=60s").assertSuccess();

        StringBuilder bulk = new StringBuilder(DemoCorpus.bulkBody(INDEX));
        bulk.append(DemoCorpus.indexAction(INDEX, "empty")).append('\n').append("{\"body\": \"\", \"topic\": \"empty\"}\n");
        for (Map.Entry<String, BadDocument> bad : BAD.entrySet()) {
            String action = DemoCorpus.indexAction(INDEX, bad.getKey());
            if (bad.getValue().bypassPipeline()) {
                action = action.replace("}}", ", \"pipeline\": \"_none\"}}");
            }
            bulk.append(action).append('\n').append(bad.getValue().source()).append('\n');
        }
        corpusSize = DemoCorpus.documents().size();
        // sent to the node without shards: it runs the pipeline and forwards the documents
        List<?> items = (List<?>) cluster.client(NODES - 1).post("/_bulk?refresh=true", bulk.toString()).assertSuccess().map().get("items");
        bulkItems = new LinkedHashMap<>();
        for (Object item : items) {
            Map<?, ?> result = (Map<?, ?>) ((Map<?, ?>) item).get("index");
            bulkItems.put((String) result.get("_id"), result);
        }
    }

    @AfterClass
    public static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    public void pluginIsLoadedOnEveryNode() throws IOException {
        RestClientHelper client = cluster.client(0);
        Set<String> nodes = new TreeSet<>();
        for (Object row : client.get("/_cat/nodes?format=json&h=name").assertSuccess().list()) {
            nodes.add((String) ((Map<?, ?>) row).get("name"));
        }
        assertEquals(Set.of(cluster.nodeName(0), cluster.nodeName(1), cluster.nodeName(2)), nodes);
        Set<String> withPlugin = new TreeSet<>();
        for (Object row : client.get("/_cat/plugins?format=json").assertSuccess().list()) {
            if (DistributionCluster.PLUGIN_NAME.equals(((Map<?, ?>) row).get("component"))) {
                withPlugin.add((String) ((Map<?, ?>) row).get("name"));
            }
        }
        assertEquals(cluster.logTails(), nodes, withPlugin);

        // the models API answers for every node, through the transport action, from any node
        Map<String, Object> models = cluster.client(NODES - 1)
            .get("/_plugins/_multimodal/models/" + DemoCorpus.MODEL)
            .assertSuccess()
            .map();
        assertEquals(models.toString(), Map.of("total", 3, "successful", 3, "failed", 0), models.get("_nodes"));
        Set<String> reporting = new TreeSet<>();
        for (Object node : ((Map<?, ?>) models.get("nodes")).values()) {
            reporting.add((String) ((Map<?, ?>) node).get("name"));
            assertEquals(node.toString(), 1, ((List<?>) ((Map<?, ?>) node).get("models")).size());
        }
        assertEquals(nodes, reporting);
        String firstNodeId = (String) ((Map<?, ?>) models.get("nodes")).keySet().iterator().next();
        Map<String, Object> one = cluster.client(0).get("/_plugins/_multimodal/models?nodes=" + firstNodeId).assertSuccess().map();
        assertEquals("?nodes= asks only that node", Set.of(firstNodeId), ((Map<?, ?>) one.get("nodes")).keySet());
    }

    @Test
    public void everyGoodDocumentIsIndexedAndEveryBadOneFailsAloneNamingItsField() throws IOException {
        for (Map.Entry<String, Map<?, ?>> item : bulkItems.entrySet()) {
            BadDocument bad = BAD.get(item.getKey());
            Map<?, ?> result = item.getValue();
            if (bad == null) {
                assertEquals(item.getKey() + ": " + result, 201, result.get("status"));
                continue;
            }
            assertEquals(item.getKey() + ": " + result, 400, result.get("status"));
            String reason = String.valueOf(((Map<?, ?>) result.get("error")).get("reason"));
            assertTrue(item.getKey() + " must name " + bad.namedField() + ": " + reason, reason.contains(bad.namedField()));
        }
        assertEquals(corpusSize + 1 + BAD.size(), bulkItems.size());
        Map<String, Object> count = cluster.client(1).get("/" + INDEX + "/_count").assertSuccess().map();
        assertEquals("the corpus and the empty-text document", corpusSize + 1, count.get("count"));

        Map<?, ?> empty = (Map<?, ?>) cluster.client(1).get("/" + INDEX + "/_doc/empty").assertSuccess().map().get("_source");
        assertNull("an empty text gets no vector and no error", empty.get("body_vec"));
        Map<?, ?> embedded = (Map<?, ?>) cluster.client(1).get("/" + INDEX + "/_doc/1").assertSuccess().map().get("_source");
        assertEquals(384, ((List<?>) embedded.get("body_vec")).size());
        assertTrue("token vectors for late interaction", ImageIngestIT.packedInt8Rows(embedded.get("body_tokens"), 384) > 0);
    }

    @Test
    public void aNodeWithoutShardsCoordinatesTheSemanticSearch() throws IOException {
        String coordinator = cluster.nodeName(NODES - 1);
        Set<String> nodesWithShards = new TreeSet<>();
        List<Object> shards = cluster.client(0)
            .get("/_cat/shards/" + INDEX + "?format=json&h=shard,prirep,state,node")
            .assertSuccess()
            .list();
        for (Object shard : shards) {
            nodesWithShards.add((String) ((Map<?, ?>) shard).get("node"));
            assertEquals(shards.toString(), "STARTED", ((Map<?, ?>) shard).get("state"));
        }
        assertEquals("3 primaries and 3 replicas", 6, shards.size());
        assertFalse("the coordinator must hold no shard: " + shards, nodesWithShards.contains(coordinator));

        String search = DemoCorpus.semanticSearch("how do plants turn light into food", 5, null);
        List<String> fromCoordinator = DemoCorpus.hitIds(cluster.client(NODES - 1).post("/" + INDEX + "/_search", search));
        List<String> fromDataNode = DemoCorpus.hitIds(cluster.client(0).post("/" + INDEX + "/_search", search));
        assertEquals("34", fromCoordinator.get(0));
        assertEquals("any node gives the same answer", fromDataNode, fromCoordinator);

        String fused = """
            {"size": 5, "explain": true, "query": {"multimodal": {"query_text": "how do plants turn light into food",
              "retrievers": {"bm25": {"lexical": {"match": {"body": "plants light food"}}},
                             "text": {"dense": {"field": "body_vec", "model": "bge-small-en-v1.5", "k": 5}}},
              "fusion": {"rrf": {"rank_constant": 60}}}}}""";
        RestClientHelper.Response fusedFromCoordinator = cluster.client(NODES - 1).post("/" + INDEX + "/_search", fused);
        List<String> fusedIds = DemoCorpus.hitIds(fusedFromCoordinator);
        assertEquals("34", fusedIds.get(0));
        assertEquals(
            "RRF over one pool per shard, the same from any node",
            DemoCorpus.hitIds(cluster.client(0).post("/" + INDEX + "/_search", fused)),
            fusedIds
        );
        assertTrue(fusedFromCoordinator.body(), fusedFromCoordinator.body().contains("retriever [bm25] raw score"));

        String filtered = DemoCorpus.semanticSearch("famous moments in space exploration", 4, "{\"term\": {\"topic\": \"history\"}}");
        RestClientHelper.Response history = cluster.client(NODES - 1).post("/" + INDEX + "/_search", filtered);
        for (Map<?, ?> source : DemoCorpus.hitSources(history)) {
            assertEquals(history.body(), "history", source.get("topic"));
        }
        assertEquals(history.body(), 4, DemoCorpus.hitIds(history).size());
    }

    @Test
    public void gqrAndTheLateInteractionRescorerRunInEachShardsQueryPhase() throws IOException {
        String gqr = """
            {"size": 3, "from": 1, "explain": true, "profile": true,
             "aggs": {"topics": {"terms": {"field": "topic"}}},
             "query": {"multimodal": {"query_text": "how do plants turn light into food",
              "retrievers": {"bm25": {"lexical": {"multi_match": {"query": "plants light food", "fields": ["title", "body"]}}},
                             "text": {"dense": {"field": "body_vec", "model": "bge-small-en-v1.5", "k": 10}},
                             "tokens": {"multi_vector": {"field": "body_tokens", "model": "bge-small-en-v1.5"}}},
              "fusion": {"gqr": {"primary": "tokens", "complementary": ["bm25", "text"], "pool_k": 10}}}},
             "rescore": {"window_size": 10, "late_interaction": {"field": "body_tokens", "query_text": "how do plants turn light into food",
              "model": "bge-small-en-v1.5", "score_mode": "total", "query_weight": 0.5, "rescore_query_weight": 1.0}}}""";
        RestClientHelper.Response fromCoordinator = cluster.client(NODES - 1).post("/" + INDEX + "/_search", gqr).assertSuccess();
        String body = fromCoordinator.body();
        assertEquals("from 1, size 3", 3, DemoCorpus.hitIds(fromCoordinator).size());
        assertTrue(body, body.contains("score before refinement") && body.contains("KL(target || primary)"));
        assertTrue(
            "the rescorer's arithmetic in explain: " + body,
            body.contains("MaxSim of") && body.contains("late_interaction total of")
        );
        assertTrue("profile per shard", body.contains("\"profile\"") && body.contains("rewrite_time"));
        assertTrue("aggregations over the pools", body.contains("\"topics\"") && body.contains("nature"));
        assertEquals(
            "the same hits from a data node",
            DemoCorpus.hitIds(cluster.client(0).post("/" + INDEX + "/_search", gqr)),
            DemoCorpus.hitIds(fromCoordinator)
        );

        String linear = gqr.replace(
            "\"gqr\": {\"primary\": \"tokens\", \"complementary\": [\"bm25\", \"text\"], \"pool_k\": 10}",
            "\"linear\": {\"normalization\": \"z_score\", \"weights\": {\"bm25\": 0.3, \"text\": 0.3, \"tokens\": 0.4}}"
        );
        RestClientHelper.Response linearResponse = cluster.client(NODES - 1).post("/" + INDEX + "/_search", linear).assertSuccess();
        assertTrue(linearResponse.body(), linearResponse.body().contains("z_score normalized score"));
        assertEquals(
            "linear fusion, the same from any node",
            DemoCorpus.hitIds(cluster.client(1).post("/" + INDEX + "/_search", linear)),
            DemoCorpus.hitIds(linearResponse)
        );

        String first = gqr.replace("\"size\": 3, \"from\": 1", "\"size\": 1");
        assertEquals("34", DemoCorpus.hitIds(cluster.client(NODES - 1).post("/" + INDEX + "/_search", first)).get(0));

        assertBadRequest(
            gqr.replace("\"primary\": \"tokens\", \"complementary\": [\"bm25\", \"text\"]", "\"primary\": \"bm25\""),
            "[fusion.gqr.primary] retriever [bm25] is lexical"
        );
        assertBadRequest(gqr.replace("\"pool_k\": 10", "\"pool_k\": 10, \"steps\": 1001"), "[fusion.gqr.steps]");
        assertBadRequest(gqr.replace("\"window_size\": 10", "\"window_size\": 10001"), "[rescore.window_size]");
        assertBadRequest(gqr.replace("\"field\": \"body_tokens\", \"model\"", "\"field\": \"body_vec\", \"model\""), "not [multi_vector]");
    }

    private static void assertBadRequest(String search, String expected) throws IOException {
        RestClientHelper.Response response = cluster.client(NODES - 1).post("/" + INDEX + "/_search", search);
        assertEquals(response.body(), 400, response.status());
        assertTrue(response.body(), response.body().contains(expected));
    }
}
