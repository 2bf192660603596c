package org.opensearch.multimodal.bench;

import org.opensearch.action.search.SearchRequestBuilder;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.common.settings.Settings;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.multimodal.mapper.MultiVectorFormat;
import org.opensearch.multimodal.math.TokenEncoding;
import org.opensearch.multimodal.math.TokenPooling;
import org.opensearch.node.Node;
import org.opensearch.search.SearchHit;
import org.opensearch.transport.client.Client;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * The {@code multi_vector} retriever that proposes its own candidates (issue 15, part 3), on one node: SciFact with
 * bge's token vectors in the recommended mapping ({@code int8}, {@code pool_factor} 4), once with {@code "index": true}
 * and once without, and a corpus ten times larger (every abstract nine more times, its pooled token vectors and dense
 * vector perturbed). Over the 300 test queries: the multi-vector retriever alone (top 100), the dense retriever alone
 * (top 100), and an exhaustive MaxSim over every document (the reference). Reports Recall@100 of the retriever's
 * candidates against the exhaustive MaxSim, nDCG@10 on the 270 held-out queries, bytes per document with and without
 * the candidate index, and p50 latency as ratios to dense, on the corpus and on the one ten times larger.
 * Arguments: {@code --data DIR --models DIR --home DIR [--docs N] [--copies 10] [--index-options '{"repetitions": 8, ...}']}.
 */
public final class MultiVectorCandidateBenchmark {

    private static final String MODEL = SciFactVectorCache.MODEL;
    private static final int K = 100;
    private static final MultiVectorFormat STORED = new MultiVectorFormat(TokenEncoding.INT8, 4);

    private MultiVectorCandidateBenchmark() {
    }

    public static void main(String[] rawArgs) throws Exception {
        BenchArgs args = BenchArgs.parse(rawArgs, Set.of("--copies", "--index-options", "--reuse"));
        int copies = args.intOf("--copies", 10);
        String indexOptions = args.get("--index-options", null) == null ? "" : ", \"index_options\": " + args.get("--index-options", null);
        SciFact sciFact = args.sciFact();
        if (sciFact == null) {
            return;
        }
        List<SciFact.Doc> corpus = args.corpus(sciFact);
        Path models = args.models();
        Path home = args.home();
        SciFact.Split split = sciFact.split();
        Path cache = args.vectorCache(corpus);

        Node node = BenchNode.start(home, models, MODEL, "multi-vector-candidates", 9256, 0, Settings.EMPTY);
        try {
            Client client = node.client();
            client.admin().cluster().prepareHealth().setWaitForYellowStatus().get();
            boolean reuse = Boolean.parseBoolean(args.get("--reuse", "false"))
                && client.admin().indices().prepareExists("indexed_x" + copies).get().isExists();
            if (reuse == false) {
                index(client, corpus, cache, copies, indexOptions);
            }
            Map<String, Long> bytes = new LinkedHashMap<>();
            for (String index : List.of("plain", "indexed", "indexed_x" + copies)) {
                client.admin().indices().prepareRefresh(index).get();
                client.admin().indices().prepareForceMerge(index).setMaxNumSegments(1).get();
                client.admin().indices().prepareRefresh(index).get();
                client.admin().indices().prepareFlush(index).setForce(true).get();
                bytes.put(index, client.admin().indices().prepareStats(index).setStore(true).get().getTotal().getStore().sizeInBytes());
            }
            search(client, sciFact, split, corpus.size(), copies, bytes);
        } finally {
            node.close();
        }
    }

    private static void index(Client client, List<SciFact.Doc> corpus, Path cache, int copies, String indexOptions) throws Exception {
        create(client, "plain", false, indexOptions);
        create(client, "indexed", true, indexOptions);
        create(client, "indexed_x" + copies, true, indexOptions);
        for (String index : List.of("plain", "indexed")) {
            double seconds = CachedVectorBulk
                .index(client, index, corpus, cache, true, 50, (doc, dense, tokens) -> source(doc, dense, pooled(tokens)));
            System.out.printf(Locale.ROOT, "indexed [%s]: %.0f docs/s%n", index, corpus.size() / seconds);
        }
        int times = copies;
        double seconds = 0;
        for (int copy = 0; copy < times; copy++) {
            Random random = new Random(copy);
            int c = copy;
            seconds += CachedVectorBulk.index(client, "indexed_x" + copies, corpus, cache, true, 50, (doc, dense, tokens) -> {
                float[][] rows = pooled(tokens);
                if (c > 0) {
                    dense = perturbed(random, dense);
                    for (int r = 0; r < rows.length; r++) {
                        rows[r] = perturbed(random, rows[r]);
                    }
                }
                Map<String, Object> source = new LinkedHashMap<>(source(doc, dense, rows));
                source.put("copy", c);
                return source;
            }, c == 0 ? null : "_" + c);
        }
        System.out.printf(
            Locale.ROOT,
            "indexed [indexed_x%d]: %d docs, %.0f docs/s%n",
            copies,
            corpus.size() * copies,
            corpus.size() * copies / seconds
        );
    }

    private static void create(Client client, String index, boolean candidateIndex, String indexOptions) {
        if (client.admin().indices().prepareExists(index).get().isExists()) {
            client.admin().indices().prepareDelete(index).get();
        }
        String mapping = String.format(
            Locale.ROOT,
            """
                {"properties": {
                  "title": {"type": "text", "analyzer": "english"}, "text": {"type": "text", "analyzer": "english"},
                  "copy": {"type": "integer"},
                  "vec": {"type": "dense_vector", "dims": 384, "similarity": "cosine", "model": "%s"},
                  "tokens": {"type": "multi_vector", "dims": 384, "model": "%s", "encoding": "int8", "pool_factor": 4, "index": %s%s}}}""",
            MODEL,
            MODEL,
            candidateIndex,
            candidateIndex ? indexOptions : ""
        );
        client.admin()
            .indices()
            .prepareCreate(index)
            .setSettings(
                Settings.builder().put("index.number_of_shards", 1).put("index.number_of_replicas", 0).put("index.refresh_interval", "-1")
            )
            .setMapping(mapping)
            .get();
    }

    private static float[][] pooled(float[][] tokens) {
        return TokenPooling.pool(tokens, STORED.poolFactor());
    }

    /** The rows packed in the field's own encoding, already pooled: the field stores them as sent. */
    private static Map<String, Object> source(SciFact.Doc doc, float[] dense, float[][] pooledRows) {
        String packed = Base64.getEncoder().encodeToString(MultiVectorFormat.pack(pooledRows, STORED.encoding()));
        return Map.of("title", doc.title(), "text", doc.text(), "vec", dense, "tokens", packed);
    }

    private static float[] perturbed(Random random, float[] vector) {
        return perturbed(random, vector, 0.05f);
    }

    /** {@code vector} plus Gaussian noise of {@code sigma} per dimension, re-normalized to unit length. */
    static float[] perturbed(RandomGenerator random, float[] vector, float sigma) {
        float[] out = new float[vector.length];
        double norm = 0;
        for (int k = 0; k < out.length; k++) {
            out[k] = vector[k] + sigma * (float) random.nextGaussian();
            norm += out[k] * out[k];
        }
        float inverse = (float) (1 / Math.sqrt(norm));
        for (int k = 0; k < out.length; k++) {
            out[k] *= inverse;
        }
        return out;
    }

    private static String multimodal(String text, String retrievers, String fusion) {
        return "{\"multimodal\": {\"query_text\": " + quoted(text) + ", \"retrievers\": {" + retrievers + "}" + fusion + "}}";
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static void search(Client client, SciFact sciFact, SciFact.Split split, int docs, int copies, Map<String, Long> bytes) {
        String tokens = "\"tokens\": {\"multi_vector\": {\"field\": \"tokens\", \"model\": \"" + MODEL + "\", \"k\": " + K + "}}";
        String dense = "\"dense\": {\"dense\": {\"field\": \"vec\", \"model\": \"" + MODEL + "\", \"k\": " + K + "}}";
        String all = "\"all\": {\"lexical\": {\"query\": {\"match_all\": {}}, \"k\": 10000}}, \"tokens\": {\"multi_vector\": {\"field\": \"tokens\", \"model\": \""
            + MODEL
            + "\"}}";
        String onlyTokens = ", \"fusion\": {\"linear\": {\"normalization\": \"none\", \"weights\": {\"all\": 0}}}";
        String large = "indexed_x" + copies;
        Map<String, Function<String, SearchRequestBuilder>> methods = new LinkedHashMap<>();
        methods.put("multi_vector retriever", text -> request(client, "indexed", multimodal(text, tokens, "")));
        for (int candidates : new int[]{100, 500}) {
            String narrower = tokens.replace("\"k\": " + K, "\"k\": " + K + ", \"num_candidates\": " + candidates);
            methods.put(
                "multi_vector retriever, num_candidates " + candidates,
                text -> request(client, "indexed", multimodal(text, narrower, ""))
            );
        }
        methods.put("dense retriever", text -> request(client, "indexed", multimodal(text, dense, "")));
        methods.put("exhaustive MaxSim", text -> request(client, "indexed", multimodal(text, all, onlyTokens)));
        methods.put("multi_vector retriever, x" + copies, text -> request(client, large, multimodal(text, tokens, "")));
        methods.put("dense retriever, x" + copies, text -> request(client, large, multimodal(text, dense, "")));
        List<String> names = List.copyOf(methods.keySet());
        List<String> queries = split.all();
        Map<String, Map<String, List<String>>> rankings = new LinkedHashMap<>();
        Map<String, double[]> latencies = new LinkedHashMap<>();
        for (int q = 0; q < 5; q++) {
            for (Function<String, SearchRequestBuilder> method : methods.values()) {
                method.apply(sciFact.queries().get(queries.get(q))).get();
            }
        }
        for (int q = 0; q < queries.size(); q++) {
            String id = queries.get(q);
            for (int m = 0; m < names.size(); m++) {
                String name = names.get((m + q) % names.size());
                long start = System.nanoTime();
                SearchResponse response = methods.get(name).apply(sciFact.queries().get(id)).get();
                latencies.computeIfAbsent(name, n -> new double[queries.size()])[q] = (System.nanoTime() - start) / 1e6;
                rankings.computeIfAbsent(name, n -> new LinkedHashMap<>())
                    .put(id, Arrays.stream(response.getHits().getHits()).map(SearchHit::getId).toList());
            }
            if (q % 100 == 99) {
                System.out.printf(Locale.ROOT, "  %d/%d queries%n", q + 1, queries.size());
            }
        }
        Map<String, List<String>> exact = rankings.get("exhaustive MaxSim");

        System.out.printf(
            Locale.ROOT,
            "%nbytes per document after force-merge: %.1f KB without the candidate index, %.1f KB with it (x%d corpus: %.1f KB)%n",
            bytes.get("plain") / 1024.0 / docs,
            bytes.get("indexed") / 1024.0 / docs,
            copies,
            bytes.get(large) / 1024.0 / docs / copies
        );
        for (String name : names) {
            if (name.startsWith("multi_vector retriever") && name.contains(", x") == false) {
                double recall = queries.stream().mapToDouble(id -> {
                    Set<String> found = new HashSet<>(rankings.get(name).get(id));
                    return exact.get(id).stream().limit(K).filter(found::contains).count() / (double) Math.min(K, exact.get(id).size());
                }).average().orElse(0);
                System.out.printf(Locale.ROOT, "%s: Recall@100 against the exhaustive MaxSim %.4f%n", name, recall);
            }
        }
        System.out.println("| method | nDCG@10 held out | p50 ms | p99 ms | p50 vs dense, same corpus |");
        System.out.println("|---|---|---|---|---|");
        for (String name : names) {
            boolean isLarge = name.endsWith("x" + copies);
            String denseName = isLarge ? "dense retriever, x" + copies : "dense retriever";
            System.out.printf(
                Locale.ROOT,
                "| %s | %s | %.1f | %.1f | %.2f |%n",
                name,
                isLarge ? "(copies)"
                    : String.format(Locale.ROOT, "%.4f", RankingMetrics.meanNdcg(sciFact.qrels(), split.test(), rankings.get(name))),
                RankingMetrics.percentile(latencies.get(name), 50),
                RankingMetrics.percentile(latencies.get(name), 99),
                RankingMetrics.medianRatio(latencies.get(name), latencies.get(denseName))
            );
        }
        System.out.printf(
            Locale.ROOT,
            "x%d corpus / corpus, p50 (median of per-query ratios): multi_vector retriever %.2f, dense %.2f%n",
            copies,
            RankingMetrics.medianRatio(latencies.get("multi_vector retriever, x" + copies), latencies.get("multi_vector retriever")),
            RankingMetrics.medianRatio(latencies.get("dense retriever, x" + copies), latencies.get("dense retriever"))
        );
    }

    private static SearchRequestBuilder request(Client client, String index, String query) {
        return client.prepareSearch(index).setQuery(QueryBuilders.wrapperQuery(query)).setSize(K).setFetchSource(false);
    }
}
