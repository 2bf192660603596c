package org.opensearch.multimodal.bench;

import org.opensearch.action.search.SearchResponse;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.index.query.MultiMatchQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.multimodal.math.ScoreNormalization;
import org.opensearch.multimodal.query.MultimodalQueryBuilder;
import org.opensearch.multimodal.query.fusion.FusionSpec;
import org.opensearch.multimodal.query.retriever.DenseRetriever;
import org.opensearch.multimodal.query.retriever.LexicalRetriever;
import org.opensearch.multimodal.query.retriever.RetrieverSpec;
import org.opensearch.node.Node;
import org.opensearch.search.SearchHit;
import org.opensearch.transport.client.Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * SciFact through the plugin, measured side by side in one run:
 * 1. raw ONNX Runtime throughput (no OpenSearch) on the corpus texts, then the ingest pipeline's throughput on the same
 *    texts and batch size, and their ratio;
 * 2. nDCG@10 and Recall@100 on the 300 test queries for the dense retriever (multimodal query) and for BM25
 *    (multi_match most_fields over title and text, English analyzer, k1 0.9, b 0.4, as Anserini's multifield run).
 * Arguments: {@code --data ../shared/data/scifact --models target/models --home target/bench [--docs N]}.
 */
public final class SciFactBenchmark {

    private static final String INDEX = "scifact";
    private static final String MODEL = "bge-small-en-v1.5";
    private static final int BATCH_SIZE = 16;
    private static final int BULK_SIZE = 1000;

    private SciFactBenchmark() {
    }

    public static void main(String[] rawArgs) throws Exception {
        // -Dbench.args="--docs 1200" arrives as one argument
        String[] args = Arrays.stream(rawArgs).flatMap(a -> Arrays.stream(a.trim().split("\\s+"))).toArray(String[]::new);
        Path data = Path.of("../shared/data/scifact");
        Path models = Path.of("target/models");
        Path home = Path.of("target/bench");
        int maxDocs = Integer.MAX_VALUE;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[++i]);
                case "--models" -> models = Path.of(args[++i]);
                case "--home" -> home = Path.of(args[++i]);
                case "--docs" -> maxDocs = Integer.parseInt(args[++i]);
                case "" -> {
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (Files.isDirectory(data) == false) {
            System.out.println("SciFact data not found at " + data.toAbsolutePath() + "; nothing to measure.");
            return;
        }
        SciFact sciFact = SciFact.load(data);
        List<SciFact.Doc> corpus = sciFact.corpus().subList(0, Math.min(maxDocs, sciFact.corpus().size()));
        int threads = Runtime.getRuntime().availableProcessors();
        System.out.printf(
            Locale.ROOT,
            "SciFact: %d docs, %d test queries; batch %d, %d inference threads%n",
            corpus.size(),
            sciFact.queries().size(),
            BATCH_SIZE,
            threads
        );

        List<String> texts = corpus.stream().map(SciFact.Doc::titleAndText).toList();
        // one text per ONNX call, as the plugin runs a CPU node (a batch only adds padding there; TextModel)
        double raw = RawOnnxBaseline.throughput(models.resolve(MODEL), texts, 1, threads);
        System.out.printf(Locale.ROOT, "raw ONNX Runtime:  %.2f docs/s%n", raw);

        Node node = BenchNode.start(home, models, MODEL, "scifact-bench", 9250, threads, Settings.EMPTY);
        try {
            Client client = node.client();
            createIndex(client);
            double pipeline = ingest(client, corpus);
            System.out.printf(Locale.ROOT, "ingest pipeline:   %.2f docs/s (embed_text + indexing into HNSW)%n", pipeline);
            System.out.printf(Locale.ROOT, "ratio pipeline/raw: %.3f%n", pipeline / raw);

            evaluate(
                client,
                sciFact,
                "dense bge-small int8 (multimodal query)",
                text -> new MultimodalQueryBuilder(text, null, Map.of("text", new DenseRetriever("vec", MODEL, 100)), null)
            );
            evaluate(
                client,
                sciFact,
                "BM25 multi_match most_fields title+text (english, k1 0.9, b 0.4)",
                text -> new MultiMatchQueryBuilder(text, "title", "text").type(MultiMatchQueryBuilder.Type.MOST_FIELDS)
            );
            evaluate(
                client,
                sciFact,
                "BM25 multi_match best_fields title+text (english, k1 0.9, b 0.4)",
                text -> QueryBuilders.multiMatchQuery(text, "title", "text")
            );
            // hybrid: BM25 (most_fields) and dense, top 100 each, one pool per shard; equal weights, nothing tuned
            evaluate(client, sciFact, "RRF k 60 (BM25 + dense, top 100 each)", text -> hybrid(text, FusionSpec.defaultRrf()));
            evaluate(
                client,
                sciFact,
                "linear min_max 0.5/0.5 (BM25 + dense, top 100 each)",
                text -> hybrid(text, new FusionSpec(FusionSpec.LINEAR, 60, ScoreNormalization.MIN_MAX, Map.of("bm25", 0.5f, "dense", 0.5f)))
            );
        } finally {
            node.close();
        }
    }

    private static QueryBuilder hybrid(String text, FusionSpec fusion) {
        Map<String, RetrieverSpec> retrievers = new LinkedHashMap<>();
        retrievers.put(
            "bm25",
            new LexicalRetriever(new MultiMatchQueryBuilder(text, "title", "text").type(MultiMatchQueryBuilder.Type.MOST_FIELDS), 100)
        );
        retrievers.put("dense", new DenseRetriever("vec", MODEL, 100));
        return new MultimodalQueryBuilder(text, null, null, retrievers, fusion, null);
    }

    private static void createIndex(Client client) {
        if (client.admin().indices().prepareExists(INDEX).get().isExists()) {
            client.admin().indices().prepareDelete(INDEX).get();
        }
        String pipeline = """
            {"processors": [{"embed_text": {"model": "bge-small-en-v1.5", "field_map": {"title_text": "vec"}, "batch_size": 16}}]}""";
        client.admin().cluster().preparePutPipeline("scifact-embed", new BytesArray(pipeline), XContentType.JSON).get();
        String mapping = """
            {"properties": {
              "title": {"type": "text", "analyzer": "english"},
              "text": {"type": "text", "analyzer": "english"},
              "title_text": {"type": "text", "index": false},
              "vec": {"type": "dense_vector", "dims": 384, "similarity": "cosine"}}}""";
        client.admin()
            .indices()
            .prepareCreate(INDEX)
            .setSettings(
                Settings.builder()
                    .put("index.number_of_shards", 1)
                    .put("index.number_of_replicas", 0)
                    .put("index.refresh_interval", "-1")
                    .put("index.default_pipeline", "scifact-embed")
                    .put("index.similarity.default.type", "BM25")
                    .put("index.similarity.default.k1", 0.9)
                    .put("index.similarity.default.b", 0.4)
            )
            .setMapping(mapping)
            .get();
    }

    /** Returns documents per second through the pipeline. */
    private static double ingest(Client client, List<SciFact.Doc> corpus) {
        double seconds = SciFactIngest.index(client, INDEX, corpus, BULK_SIZE);
        client.admin().indices().prepareRefresh(INDEX).get();
        return corpus.size() / seconds;
    }

    private static void evaluate(Client client, SciFact sciFact, String label, Function<String, QueryBuilder> query) {
        double ndcg = 0;
        double recall = 0;
        int count = 0;
        long start = System.nanoTime();
        for (Map.Entry<String, String> q : sciFact.queries().entrySet()) {
            Map<String, Integer> relevant = sciFact.qrels().get(q.getKey());
            if (relevant == null) {
                continue;
            }
            SearchResponse response = client.prepareSearch(INDEX)
                .setQuery(query.apply(q.getValue()))
                .setSize(100)
                .setFetchSource(false)
                .get();
            List<String> ranked = new ArrayList<>();
            for (SearchHit hit : response.getHits().getHits()) {
                ranked.add(hit.getId());
            }
            ndcg += RankingMetrics.ndcg(ranked, relevant, 10);
            recall += RankingMetrics.recall(ranked, relevant, 100);
            count++;
        }
        double ms = (System.nanoTime() - start) / 1e6 / count;
        System.out.printf(
            Locale.ROOT,
            "%-70s nDCG@10 %.4f  R@100 %.4f  (%d queries, %.1f ms/query)%n",
            label,
            ndcg / count,
            recall / count,
            count,
            ms
        );
    }
}
