package org.opensearch.multimodal.integ;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One node of the real distribution with the zip installed by {@code bin/opensearch-plugin}, and a second text model
 * that an operator dropped into {@code config/multimodal/models/} as files: listed, loaded and used with no Java
 * change. Then the demo corpus through the pipeline and the {@code multimodal} query, and its errors, over REST.
 */
public final class SingleNodeIT {

    /** The operator's model: bge-small's files with mean pooling and no query prefix, under another id. */
    private static final String OPERATOR_MODEL = "bge-small-mean";
    private static final String INDEX = "demo-docs";

    private static DistributionCluster cluster;
    private static RestClientHelper client;

    @BeforeClass
    public static void startNodeAndIndexTheCorpus() throws IOException {
        cluster = DistributionCluster.start("it-single", 1, Map.of(), (node, config) -> addOperatorModel(config));
        client = cluster.client(0);
        client.put("/_ingest/pipeline/embed", DemoCorpus.PIPELINE_BODY).assertSuccess();
        client.put("/" + INDEX, DemoCorpus.indexBody(Map.of("index.number_of_shards", 1, "index.number_of_replicas", 0), "embed"))
            .assertSuccess();
        Map<String, Object> bulk = client.post("/_bulk?refresh=true", DemoCorpus.bulkBody(INDEX)).assertSuccess().map();
        assertEquals(bulk.toString(), false, bulk.get("errors"));
    }

    @AfterClass
    public static void stopNode() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static void addOperatorModel(Path config) throws IOException {
        Path builtin = Path.of(System.getProperty("tests.models.dir", "target/models")).resolve(DemoCorpus.MODEL);
        Path dir = Files.createDirectories(config.resolve("multimodal").resolve("models").resolve(OPERATOR_MODEL));
        for (String file : List.of("model.onnx", "tokenizer.json", "config.json")) {
            Files.copy(builtin.resolve(file), dir.resolve(file));
        }
        Files.writeString(
            dir.resolve("multimodal-model.json"),
            """
                {"id": "bge-small-mean", "kind": "text", "pooling": "mean", "normalize": true, "query_prefix": "", "document_prefix": ""}""",
            StandardCharsets.UTF_8
        );
    }

    @Test
    public void pluginIsInstalledAndListsTheBuiltinAndTheOperatorModel() throws IOException {
        List<Object> plugins = client.get("/_cat/plugins?format=json").assertSuccess().list();
        assertTrue(
            plugins + "\n" + cluster.logTails(),
            plugins.stream().anyMatch(p -> DistributionCluster.PLUGIN_NAME.equals(((Map<?, ?>) p).get("component")))
        );

        List<?> models = nodeModels(client.get("/_plugins/_multimodal/models").assertSuccess().map());
        Map<?, ?> builtin = model(models, DemoCorpus.MODEL);
        Map<?, ?> operator = model(models, OPERATOR_MODEL);
        assertEquals(384, builtin.get("dims"));
        Map<?, ?> float32 = model(models, "bge-small-en-v1.5-fp32");
        assertEquals("the float32 export shares the default's space", DemoCorpus.MODEL, float32.get("space"));
        assertNotEquals("each export has its own fingerprint", builtin.get("fingerprint"), float32.get("fingerprint"));
        assertEquals("cpu", builtin.get("device"));
        String pluginModels = cluster.home()
            .resolve("plugins")
            .resolve(DistributionCluster.PLUGIN_NAME)
            .resolve("models")
            .toRealPath()
            .toString();
        assertTrue("the built-in model ships in the plugin dir: " + builtin, ((String) builtin.get("path")).startsWith(pluginModels));
        assertTrue(
            "the operator's model is read from the node's config dir: " + operator,
            ((String) operator.get("path")).startsWith(cluster.configDir(0).toRealPath().toString())
        );
        assertEquals("dims come from the operator's config.json", 384, operator.get("dims"));
        assertEquals("mean", String.valueOf(operator.get("pooling")).toLowerCase(Locale.ROOT));
        assertTrue(operator.toString(), ((List<?>) operator.get("files")).containsAll(List.of("model.onnx", "tokenizer.json")));

        List<?> one = nodeModels(client.get("/_plugins/_multimodal/models/" + OPERATOR_MODEL).assertSuccess().map());
        assertEquals("GET models/{id} lists just that model", 1, one.size());
        RestClientHelper.Response unknown = client.get("/_plugins/_multimodal/models/no-such-model");
        assertEquals(unknown.body(), 404, unknown.status());
        assertTrue(unknown.body(), unknown.body().contains("[no-such-model]"));

        assertTrue("a fingerprint of 16 hex digits: " + operator, String.valueOf(operator.get("fingerprint")).matches("[0-9a-f]{16}"));
        assertEquals("its own embedding space", OPERATOR_MODEL, operator.get("space"));

        String cat = client.get("/_cat/multimodal_models?v").assertSuccess().body();
        assertTrue(cat, cat.startsWith("node") && cat.contains("kind") && cat.contains(OPERATOR_MODEL) && cat.contains(DemoCorpus.MODEL));
        assertTrue("the fingerprint is a column", cat.contains("fingerprint") && cat.contains(String.valueOf(operator.get("fingerprint"))));
    }

    @Test
    public void modelsLoadAndUnloadOverRestAndABrokenDirectoryIsAClear400() throws IOException {
        Map<String, Object> loaded = client.post("/_plugins/_multimodal/models/" + OPERATOR_MODEL + "/_load", null).assertSuccess().map();
        Map<?, ?> node = (Map<?, ?>) ((Map<?, ?>) loaded.get("nodes")).values().iterator().next();
        assertEquals(loaded.toString(), true, ((Map<?, ?>) node.get("model")).get("loaded"));
        // the real distribution reads /proc/self/status under its agent: the node's memory outside the JVM (ONNX
        // Runtime's sessions, now one more) is there beside the JVM's own accounts
        Map<?, ?> nativeMemory = (Map<?, ?>) node.get("native_memory");
        long resident = ((Number) nativeMemory.get("resident_bytes")).longValue();
        long heap = ((Number) nativeMemory.get("jvm_heap_committed_bytes")).longValue();
        assertTrue(loaded.toString(), resident > heap && ((Number) nativeMemory.get("outside_jvm_bytes")).longValue() > 0);
        assertEquals(loaded.toString(), true, nativeMemory.get("cpu_memory_arena"));
        Map<String, Object> unloaded = client.post("/_plugins/_multimodal/models/" + OPERATOR_MODEL + "/_unload", null)
            .assertSuccess()
            .map();
        node = (Map<?, ?>) ((Map<?, ?>) unloaded.get("nodes")).values().iterator().next();
        assertEquals(unloaded.toString(), false, ((Map<?, ?>) node.get("model")).get("loaded"));

        // dropped into the running node's config without its tokenizer: a 400 naming the file, and the node carries on
        Path broken = Files.createDirectories(cluster.configDir(0).resolve("multimodal").resolve("models").resolve("half-copied"));
        Path builtin = Path.of(System.getProperty("tests.models.dir", "target/models")).resolve(DemoCorpus.MODEL);
        Files.copy(builtin.resolve("model.onnx"), broken.resolve("model.onnx"));
        Files.writeString(broken.resolve("multimodal-model.json"), "{\"kind\": \"text\", \"dims\": 384}", StandardCharsets.UTF_8);
        RestClientHelper.Response refused = client.post("/_plugins/_multimodal/models/half-copied/_load", null);
        assertEquals(refused.body(), 400, refused.status());
        assertTrue(refused.body(), refused.body().contains("tokenizer.json"));
        RestClientHelper.Response unknown = client.post("/_plugins/_multimodal/models/never-there/_load", null);
        assertEquals(unknown.body(), 404, unknown.status());
        assertEquals("the node is healthy and still embeds", 384, embed(DemoCorpus.MODEL, "still here").length);
    }

    @Test
    public void searchPageIsServedFromThePluginAndLoadsNothingFromElsewhere() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        Map<String, String> types = Map.ofEntries(
            Map.entry("", "text/html"),
            Map.entry("/operations", "text/html"),
            Map.entry("/relevance", "text/html"),
            Map.entry("/ui-common.js", "text/javascript"),
            Map.entry("/index-schema.js", "text/javascript"),
            Map.entry("/search-page.js", "text/javascript"),
            Map.entry("/operations.js", "text/javascript"),
            Map.entry("/judgments.js", "text/javascript"),
            Map.entry("/relevance-stats.js", "text/javascript"),
            Map.entry("/relevance-settings.js", "text/javascript"),
            Map.entry("/relevance.js", "text/javascript"),
            Map.entry("/search-page.css", "text/css"),
            Map.entry("/dashboards.css", "text/css"),
            Map.entry("/chart.umd.min.js", "text/javascript"),
            Map.entry("/chart.js-LICENSE.md", "text/plain")
        );
        for (Map.Entry<String, String> asset : types.entrySet()) {
            HttpResponse<String> page = http.send(
                HttpRequest.newBuilder(cluster.httpUri(0).resolve("/_plugins/_multimodal/ui" + asset.getKey())).GET().build(),
                HttpResponse.BodyHandlers.ofString()
            );
            assertEquals(asset.getKey(), 200, page.statusCode());
            assertTrue(page.headers().toString(), page.headers().firstValue("content-type").orElse("").startsWith(asset.getValue()));
            String policy = page.headers().firstValue("content-security-policy").orElse("");
            assertTrue(
                "scripts, styles and calls only from this node: " + policy,
                policy.contains("script-src 'self'") && policy.contains("style-src 'self'") && policy.contains("connect-src 'self'")
            );
            assertFalse(
                "no CDN, font or remote script: " + asset.getKey(),
                page.body().matches("(?s).*(src|href)=\"(https?:)?//.*|.*@import.*|.*url\\((https?:)?//.*")
            );
        }
        HttpResponse<String> index = http.send(
            HttpRequest.newBuilder(cluster.httpUri(0).resolve("/_plugins/_multimodal/ui?index=demo-docs&q=bread")).GET().build(),
            HttpResponse.BodyHandlers.ofString()
        );
        assertTrue("a deep link serves the page", index.statusCode() == 200 && index.body().contains("id=\"drop-zone\""));
        HttpResponse<String> license = http.send(
            HttpRequest.newBuilder(cluster.httpUri(0).resolve("/_plugins/_multimodal/ui/chart.js-LICENSE.md")).GET().build(),
            HttpResponse.BodyHandlers.ofString()
        );
        assertTrue("the charting library's license ships with it", license.body().contains("The MIT License"));
        for (String outside : List.of(
            "/_plugins/_multimodal/ui/opensearch.yml",
            "/_plugins/_multimodal/ui/..%2F..%2Fconfig%2Fopensearch.yml",
            "/_plugins/_multimodal/ui/vendor%2Fchart.umd.min.js",
            "/_plugins/_multimodal/ui/operations.html"
        )) {
            HttpResponse<String> refused = http
                .send(HttpRequest.newBuilder(cluster.httpUri(0).resolve(outside)).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("only the page's own files: " + outside, 404, refused.statusCode());
        }
    }

    @Test
    public void statsReportInferenceIngestAndQueriesPerNode() throws IOException {
        client.post("/" + INDEX + "/_search", DemoCorpus.semanticSearch("how do plants turn light into food", 3, null)).assertSuccess();
        for (String path : List.of("/_plugins/_multimodal/stats", "/_plugins/_multimodal/_local/stats")) {
            Map<String, Object> stats = client.get(path).assertSuccess().map();
            Map<?, ?> node = (Map<?, ?>) ((Map<?, ?>) stats.get("nodes")).values().iterator().next();
            Map<?, ?> model = (Map<?, ?>) ((Map<?, ?>) node.get("models")).get(DemoCorpus.MODEL);
            assertTrue(stats.toString(), ((Number) model.get("inference_calls")).longValue() > 0);
            assertTrue(stats.toString(), ((Map<?, ?>) model.get("latency_ms")).containsKey("p99"));
            assertTrue(
                stats.toString(),
                ((Map<?, ?>) ((Map<?, ?>) node.get("ingest")).get("documents_embedded")).containsKey("embed_text")
            );
            assertTrue(stats.toString(), node.containsKey("queries"));
            Map<?, ?> pools = (Map<?, ?>) node.get("inference_pools");
            assertEquals(stats.toString(), "multimodal_inference", ((Map<?, ?>) pools.get("index")).get("thread_pool"));
            assertEquals(stats.toString(), "multimodal_search_inference", ((Map<?, ?>) pools.get("search")).get("thread_pool"));
            assertTrue(stats.toString(), ((Map<?, ?>) ((Map<?, ?>) pools.get("index")).get("wait")).containsKey("time_in_millis"));
        }
    }

    @Test
    public void statsHistoryIsKeptFromTheNodesStart() throws IOException {
        Map<String, Object> stats = client.get("/_plugins/_multimodal/stats?history=true").assertSuccess().map();
        Map<?, ?> node = (Map<?, ?>) ((Map<?, ?>) stats.get("nodes")).values().iterator().next();
        Map<?, ?> history = (Map<?, ?>) node.get("history");
        assertEquals(stats.toString(), 10_000, ((Number) history.get("interval_in_millis")).intValue());
        assertEquals(stats.toString(), 360, ((Number) history.get("size")).intValue());
        List<?> samples = (List<?>) history.get("samples");
        assertFalse("a sample is taken when the node starts: " + stats, samples.isEmpty());
        Map<?, ?> first = (Map<?, ?>) samples.get(0);
        assertTrue(first.toString(), ((Number) first.get("timestamp")).longValue() > 0);
        assertTrue("OpenSearch's breakers in every sample: " + first, ((Map<?, ?>) first.get("breakers")).containsKey("request"));
        Map<String, Object> later = client.get("/_plugins/_multimodal/stats?history=true&history_after=" + Long.MAX_VALUE)
            .assertSuccess()
            .map();
        Map<?, ?> laterNode = (Map<?, ?>) ((Map<?, ?>) later.get("nodes")).values().iterator().next();
        assertEquals("nothing after the end of time", List.of(), ((Map<?, ?>) laterNode.get("history")).get("samples"));
        RestClientHelper.Response refused = client.get("/_plugins/_multimodal/stats?history_after=1");
        assertEquals(refused.body(), 400, refused.status());
        assertTrue(refused.body(), refused.body().contains("[history_after] needs [history=true]"));
    }

    /** The relevance page's metrics: the distribution's rank-eval module scores the multimodal query. */
    @Test
    public void rankEvalScoresTheMultimodalQuery() throws IOException {
        String request = DemoCorpus.semanticSearch("making bread at home", 10, null);
        Map<String, Object> body = Map.of(
            "requests",
            List.of(
                Map.of(
                    "id",
                    "bread",
                    "request",
                    Map.of("query", RestClientHelper.parseMap(request).get("query")),
                    "ratings",
                    List.of(Map.of("_index", INDEX, "_id", "7", "rating", 1))
                )
            ),
            "metric",
            Map.of("mean_reciprocal_rank", Map.of("k", 10))
        );
        Map<String, Object> evaluated = client.post("/" + INDEX + "/_rank_eval", body).assertSuccess().map();
        assertEquals(
            "the sourdough document is the first hit: " + evaluated,
            1.0,
            ((Number) evaluated.get("metric_score")).doubleValue(),
            0
        );
        assertEquals(evaluated.toString(), Map.of(), evaluated.get("failures"));
    }

    @Test
    public void operatorModelEmbedsWithNoJavaChange() throws IOException {
        String text = "Plants capture sunlight with chlorophyll.";
        float[] mean = embed(OPERATOR_MODEL, text);
        float[] cls = embed(DemoCorpus.MODEL, text);
        assertEquals(384, mean.length);
        assertEquals("vectors are L2-normalized", 1.0, dot(mean, mean), 1e-3);
        double cosine = dot(mean, cls);
        assertTrue("mean pooling is its own model, not bge's CLS vector again: cosine " + cosine, cosine < 0.99);
        assertTrue("but the same encoder underneath: cosine " + cosine, cosine > 0.5);

        Map<String, Object> withTokens = client.post(
            "/_plugins/_multimodal/_embed",
            Map.of("model", OPERATOR_MODEL, "texts", List.of(text), "token_vectors", true)
        ).assertSuccess().map();
        List<?> tokens = (List<?>) ((Map<?, ?>) ((List<?>) withTokens.get("embeddings")).get(0)).get("token_vectors");
        assertTrue("one vector per real token, no [CLS]/[SEP]: " + tokens.size(), tokens.size() > 3 && tokens.size() < 20);
        assertEquals(384, ((List<?>) tokens.get(0)).size());
        assertEquals(
            "models load on first use, and now it is loaded",
            true,
            model(nodeModels(client.get("/_plugins/_multimodal/models").map()), OPERATOR_MODEL).get("loaded")
        );
    }

    @Test
    public void semanticSearchFindsTheDocumentByMeaning() throws IOException {
        assertEquals(
            "34",
            DemoCorpus
                .hitIds(client.post("/" + INDEX + "/_search", DemoCorpus.semanticSearch("how do plants turn light into food", 3, null)))
                .get(0)
        );
        assertEquals(
            "7",
            DemoCorpus
                .hitIds(client.post("/" + INDEX + "/_search", DemoCorpus.semanticSearch("a loaf that rises with wild yeast", 3, null)))
                .get(0)
        );
        assertEquals(
            "22",
            DemoCorpus
                .hitIds(
                    client.post("/" + INDEX + "/_search", DemoCorpus.semanticSearch("sending messages only the receiver can read", 3, null))
                )
                .get(0)
        );

        RestClientHelper.Response filtered = client.post(
            "/" + INDEX + "/_search",
            DemoCorpus.semanticSearch("how do plants turn light into food", 5, "{\"term\": {\"topic\": \"cooking\"}}")
        );
        List<Map<?, ?>> sources = DemoCorpus.hitSources(filtered);
        assertEquals("k hits, all passing the filter inside the graph search", 5, sources.size());
        for (Map<?, ?> source : sources) {
            assertEquals(filtered.body(), "cooking", source.get("topic"));
        }

        Map<String, Object> stored = client.get("/" + INDEX + "/_doc/34").assertSuccess().map();
        List<?> vector = (List<?>) ((Map<?, ?>) stored.get("_source")).get("body_vec");
        String byVector = String.format(
            Locale.ROOT,
            "{\"query\": {\"multimodal\": {\"query_vector\": %s, \"retrievers\": {\"v\": {\"dense\": {\"field\": \"body_vec\", \"k\": 1}}}}}}",
            RestClientHelper.toJson(vector)
        );
        assertEquals("query_vector replaces query_text", List.of("34"), DemoCorpus.hitIds(client.post("/" + INDEX + "/_search", byVector)));
    }

    @Test
    public void badRequestsAreFourHundredsNamingTheParameter() throws IOException {
        assertBadRequest(client.put("/_ingest/pipeline/bad", """
            {"processors": [{"embed_text": {"model": "no-such-model", "field_map": {"body": "v"}}}]}"""), "no-such-model");
        assertBadRequest(
            search("{\"dense\": {\"field\": \"body_vec\", \"model\": \"bge-small-en-v1.5\", \"k\": 0}}"),
            "[retrievers.r.dense.k] must be between 1 and 10000"
        );
        assertBadRequest(
            search("{\"dense\": {\"field\": \"body_vec\", \"model\": \"bge-small-en-v1.5\", \"k\": 10001}}"),
            "[retrievers.r.dense.k] must be between 1 and 10000"
        );
        assertBadRequest(
            search("{\"dense\": {\"field\": \"body_vec\", \"model\": \"bge-small-en-v1.5\", \"k\": 50, \"num_candidates\": 20}}"),
            "[num_candidates] must be between [k] (50) and 10000, got [20]"
        );
        assertBadRequest(search("{\"dense\": {\"field\": \"title\", \"model\": \"bge-small-en-v1.5\", \"k\": 3}}"), "dense_vector");
        assertBadRequest(search("{\"dense\": {\"field\": \"body_vec\", \"model\": \"no-such-model\", \"k\": 3}}"), "no-such-model");
        assertBadRequest(
            client.post(
                "/" + INDEX + "/_search",
                "{\"query\": {\"multimodal\": {\"query_vector\": [1, 0, 0], \"retrievers\": {\"v\": {\"dense\": {\"field\": \"body_vec\"}}}}}}"
            ),
            "384"
        );
        assertBadRequest(
            client.post("/_plugins/_multimodal/_embed", Map.of("model", "no-such-model", "texts", List.of("x"))),
            "no-such-model"
        );
        assertBadRequest(client.post("/_plugins/_multimodal/_embed", Map.of("model", DemoCorpus.MODEL, "texts", List.of(1))), "[texts][0]");
        assertEquals("the node stays healthy", "green", client.get("/_cluster/health").assertSuccess().map().get("status"));
    }

    @Test
    public void tokenVectorsPastTheRequestBudgetFailAloneWithA429() throws IOException {
        String setting = "plugins.multimodal.token_vectors.max_bytes_per_request";
        // the demo corpus's int8 token vectors (the default of a new index) are about 1 MB in all: a quarter of them fit
        client.put("/_cluster/settings", Map.of("transient", Map.of(setting, "256kb"))).assertSuccess();
        try {
            client.put("/budget-docs", DemoCorpus.indexBody(Map.of("index.number_of_shards", 1, "index.number_of_replicas", 0), "embed"))
                .assertSuccess();
            List<?> items = (List<?>) client.post("/_bulk?refresh=true", DemoCorpus.bulkBody("budget-docs"))
                .assertSuccess()
                .map()
                .get("items");
            int indexed = 0;
            int rejected = 0;
            for (Object item : items) {
                Map<?, ?> result = (Map<?, ?>) ((Map<?, ?>) item).get("index");
                if (Integer.valueOf(201).equals(result.get("status"))) {
                    indexed++;
                } else {
                    assertEquals(result.toString(), 429, result.get("status"));
                    assertTrue(result.toString(), String.valueOf(((Map<?, ?>) result.get("error")).get("reason")).contains(setting));
                    rejected++;
                }
            }
            assertTrue("some documents fit in 256kb of token vectors: " + indexed, indexed > 0);
            assertTrue("and the rest do not: " + rejected, rejected > 0);
            assertEquals(indexed, client.get("/budget-docs/_count").assertSuccess().map().get("count"));

            List<String> texts = Collections
                .nCopies(100, "a paragraph long enough to make a few dozen token vectors for the budget");
            assertBadRequest(
                client.post("/_plugins/_multimodal/_embed", Map.of("model", DemoCorpus.MODEL, "texts", texts, "token_vectors", true)),
                setting
            );
        } finally {
            Map<String, Object> reset = new HashMap<>();
            reset.put(setting, null);
            client.put("/_cluster/settings", Map.of("transient", reset)).assertSuccess();
        }
        assertEquals("the node stays healthy", "green", client.get("/_cluster/health").assertSuccess().map().get("status"));
    }

    private static RestClientHelper.Response search(String retriever) throws IOException {
        String body = "{\"query\": {\"multimodal\": {\"query_text\": \"bread\", \"retrievers\": {\"r\": " + retriever + "}}}}";
        return client.post("/" + INDEX + "/_search", body);
    }

    static void assertBadRequest(RestClientHelper.Response response, String mentioned) {
        assertEquals(response.describe("expected a 400"), 400, response.status());
        assertTrue(response.describe("expected the reason to mention " + mentioned), response.body().contains(mentioned));
    }

    private float[] embed(String model, String text) throws IOException {
        Map<String, Object> response = client.post("/_plugins/_multimodal/_embed", Map.of("model", model, "texts", List.of(text)))
            .assertSuccess()
            .map();
        List<?> values = (List<?>) ((Map<?, ?>) ((List<?>) response.get("embeddings")).get(0)).get("vector");
        float[] vector = new float[values.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = ((Number) values.get(i)).floatValue();
        }
        return vector;
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    /** The models of the one node, from the nodes-API shape {@code {"nodes": {"<id>": {"models": [...]}}}}. */
    private static List<?> nodeModels(Map<String, Object> response) {
        Map<?, ?> nodes = (Map<?, ?>) response.get("nodes");
        assertEquals(response.toString(), 1, nodes.size());
        return (List<?>) ((Map<?, ?>) nodes.values().iterator().next()).get("models");
    }

    private static Map<?, ?> model(List<?> models, String id) {
        for (Object model : models) {
            if (id.equals(((Map<?, ?>) model).get("id"))) {
                return (Map<?, ?>) model;
            }
        }
        throw new AssertionError("model [" + id + "] not listed: " + models + "\n" + cluster.logTails());
    }
}
