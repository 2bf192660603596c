package org.opensearch.multimodal.demo;

import org.opensearch.action.search.SearchResponse;
import org.opensearch.analysis.common.CommonAnalysisModulePlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.index.rankeval.RankEvalModulePlugin;
import org.opensearch.multimodal.model.BuiltinModels;
import org.opensearch.multimodal.plugin.MultimodalPlugin;
import org.opensearch.multimodal.query.MultimodalQueryBuilder;
import org.opensearch.multimodal.query.retriever.DenseRetriever;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessModulePlugin;
import org.opensearch.search.SearchHit;
import org.opensearch.transport.Netty4ModulePlugin;
import org.opensearch.transport.client.Client;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The embedded demo: one OpenSearch 3.8 node in this JVM with the plugin, netty4 HTTP on 127.0.0.1:9200, painless and
 * rank-eval. Creates a pipeline and an index, ingests the demo corpus, prints example queries, indexes the product
 * catalog, writes judged query sets for the relevance page (the catalog's attribute-derived ones, and SciFact's when
 * its data is there), then serves until Ctrl-C ({@code --once} exits after the examples).
 * Arguments: {@code --home DIR --models DIR --corpus FILE --products DIR [--scifact DIR] [--port 9200] [--once]}.
 */
public final class DemoNode {

    private static final String INDEX = "demo-docs";
    private static final String PIPELINE = "demo-embed";
    private static final String MODEL = "bge-small-en-v1.5";
    private static final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);

    private DemoNode() {
    }

    public static void main(String[] args) {
        DemoOptions options = DemoOptions.parse(args);
        try {
            run(options);
        } catch (Throwable failure) {
            String portAdvice = ", or choose another port: -Ddemo.port=" + (options.port() + 1);
            System.exit(LaunchFailure.report("The demo", portAdvice, failure, options.home().toAbsolutePath().resolve("logs")));
        }
    }

    private static void run(DemoOptions options) throws Exception {
        Path home = options.home().toAbsolutePath();
        prepareConfig(home, options.models());
        Settings settings = Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("cluster.name", "multimodal-demo")
            .put("node.name", "demo-node")
            .put("discovery.type", "single-node")
            .put("network.host", "127.0.0.1")
            .put("http.port", options.port())
            // the catalog's photos are given as paths: the node may read images from that directory only
            .putList("plugins.multimodal.image.file.allowed_dirs", options.products().toAbsolutePath().toString())
            .build();
        out.println("Starting OpenSearch 3.8 with opensearch-multimodal (home: " + home + ") ...");
        Node node = new EmbeddedNode(
            settings,
            List.of(
                MultimodalPlugin.class,
                Netty4ModulePlugin.class,
                PainlessModulePlugin.class,
                CommonAnalysisModulePlugin.class,
                RankEvalModulePlugin.class
            )
        );
        node.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (IOException e) {
                e.printStackTrace();
            }
            stopped.countDown();
        }, "demo-shutdown"));
        Client client = node.client();
        client.admin().cluster().prepareHealth().setWaitForYellowStatus().get();
        setUpIndex(client);
        ingest(client, options.corpus());
        runExamples(client);
        DemoLongDocuments.run(client, options.corpus(), out);
        DemoCatalog.setUp(client);
        DemoCatalog.ingest(client, options.products(), out);
        DemoCatalog.runExamples(client, out);
        setUpJudgments(client, options);
        out.printf(
            Locale.ROOT,
            "%nOpenSearch is listening on http://127.0.0.1:%d  (indices: %s, %s, %s)%n",
            options.port(),
            INDEX,
            DemoLongDocuments.INDEX,
            DemoCatalog.INDEX
        );
        out.printf(Locale.ROOT, "Search page: http://127.0.0.1:%d/_plugins/_multimodal/ui%n", options.port());
        out.printf(Locale.ROOT, "Operations: http://127.0.0.1:%d/_plugins/_multimodal/ui/operations%n", options.port());
        out.printf(Locale.ROOT, "Relevance: http://127.0.0.1:%d/_plugins/_multimodal/ui/relevance%n", options.port());
        out.println("Try it yourself:");
        out.printf(Locale.ROOT, "  curl -s 'http://127.0.0.1:%d/_plugins/_multimodal/models?pretty'%n", options.port());
        out.printf(Locale.ROOT, "  curl -s 'http://127.0.0.1:%d/_cat/multimodal_models?v'%n", options.port());
        out.printf(Locale.ROOT, "  curl -s 'http://127.0.0.1:%d/_plugins/_multimodal/stats?pretty'%n", options.port());
        out.printf(
            Locale.ROOT,
            "  curl -s -H 'Content-Type: application/json' 'http://127.0.0.1:%d/%s/_search?pretty' -d '%s'%n",
            options.port(),
            INDEX,
            "{\"_source\": [\"title\"], \"query\": {\"multimodal\": {\"query_text\": \"making bread at home\", "
                + "\"retrievers\": {\"text\": {\"dense\": {\"field\": \"body_vec\", \"model\": \"" + MODEL + "\", \"k\": 3}}}}}}"
        );
        out.printf(
            Locale.ROOT,
            "  curl -s -H 'Content-Type: application/json' 'http://127.0.0.1:%d/%s/_search?pretty' -d '%s'%n",
            options.port(),
            DemoCatalog.INDEX,
            "{\"_source\": [\"title\", \"image\"], \"query\": {\"multimodal\": {\"query_text\": \"green kurta for women\", "
                + "\"retrievers\": {\"photo\": {\"dense\": {\"field\": \"image_vec\", \"model\": \"" + MODEL + "\", \"k\": 5}}}}}}"
        );
        if (options.once()) {
            out.println("--once: stopping.");
            System.exit(0);
        }
        out.println("Press Ctrl-C to stop.");
        stopped.await();
    }

    /**
     * The relevance page's judged query sets: the catalog's attribute-derived judgments always (no indexing: the catalog
     * is there), and SciFact's test queries over a subset of its abstracts when {@code ../shared/data/scifact} is there.
     */
    private static void setUpJudgments(Client client, DemoOptions options) throws IOException {
        JudgmentsIndex.write(
            client,
            CatalogJudgments.INDEX,
            DemoCatalog.INDEX,
            CatalogJudgments.DESCRIPTION,
            CatalogJudgments.derive(options.products().resolve("products.jsonl"))
        );
        if (DemoSciFact.available(options.scifact())) {
            out.println();
            DemoSciFact.setUp(client, options.scifact(), out);
        } else {
            DemoSciFact.removeEarlierRun(client);
            out.printf(
                Locale.ROOT,
                "%nNo SciFact data (%s): the relevance page opens on the catalog's attribute-derived judgments (%s).%n",
                options.scifact() == null ? "--scifact not given" : "nothing at " + options.scifact(),
                CatalogJudgments.INDEX
            );
        }
    }

    /** The node's config dir holds the built-in models, hard-linked (or copied) from the build's unpacked copies. */
    private static Path prepareConfig(Path home, Path models) throws IOException {
        Path config = Files.createDirectories(home.resolve("config"));
        Path modelRoot = Files.createDirectories(config.resolve("multimodal").resolve("models"));
        for (String builtin : BuiltinModels.ALL) {
            BuiltinModels.installInto(modelRoot, models.toAbsolutePath().resolve(builtin));
        }
        Files.writeString(config.resolve("opensearch.yml"), "# settings come from the demo launcher\n");
        return config;
    }

    private static void setUpIndex(Client client) {
        if (client.admin().indices().prepareExists(INDEX).get().isExists()) {
            client.admin().indices().prepareDelete(INDEX).get();
        }
        String pipeline = """
            {"description": "embed title and body with bge-small",
             "processors": [{"embed_text": {"model": "bge-small-en-v1.5", "field_map": {"body": "body_vec"},
               "token_field_map": {"body": "body_tokens"}, "batch_size": 16}}]}""";
        client.admin().cluster().preparePutPipeline(PIPELINE, new BytesArray(pipeline), XContentType.JSON).get();
        String mapping = """
            {"properties": {
              "title": {"type": "text"}, "body": {"type": "text"}, "topic": {"type": "keyword"},
              "body_vec": {"type": "dense_vector", "dims": 384, "similarity": "cosine"},
              "body_tokens": {"type": "multi_vector", "dims": 384, "encoding": "int8", "pool_factor": 4}}}""";
        client.admin()
            .indices()
            .prepareCreate(INDEX)
            .setSettings(
                Settings.builder()
                    .put("index.number_of_shards", 1)
                    .put("index.number_of_replicas", 0)
                    .put("index.default_pipeline", PIPELINE)
            )
            .setMapping(mapping)
            .get();
    }

    private static void ingest(Client client, Path corpus) throws IOException {
        JsonLinesIngest.index(client, INDEX, corpus, 16, "Embedding and indexing the demo corpus", out);
    }

    private static void runExamples(Client client) {
        List<String> queries = new ArrayList<>(
            List.of(
                "how do plants turn light into food",
                "making bread at home",
                "keeping data secret",
                "famous moments in space exploration"
            )
        );
        for (String text : queries) {
            MultimodalQueryBuilder query = new MultimodalQueryBuilder(
                text,
                null,
                Map.of("text", new DenseRetriever("body_vec", MODEL, 3)),
                null
            );
            SearchResponse response = client.prepareSearch(INDEX)
                .setQuery(query)
                .setSize(3)
                .setFetchSource(new String[]{"title", "topic"}, null)
                .get();
            out.printf(Locale.ROOT, "%nquery: \"%s\"%n", text);
            for (SearchHit hit : response.getHits().getHits()) {
                out.printf(
                    Locale.ROOT,
                    "  %.3f  %-32s [%s]%n",
                    hit.getScore(),
                    hit.getSourceAsMap().get("title"),
                    hit.getSourceAsMap().get("topic")
                );
            }
        }
    }
}
