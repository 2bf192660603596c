package org.opensearch.multimodal.bench;

import org.opensearch.action.bulk.BulkItemResponse;
import org.opensearch.action.bulk.BulkRequestBuilder;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.action.search.SearchRequestBuilder;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.index.query.MultiMatchQueryBuilder;
import org.opensearch.multimodal.inference.InferenceService;
import org.opensearch.multimodal.mapper.MultiVectorFormat;
import org.opensearch.multimodal.math.ScoreNormalization;
import org.opensearch.multimodal.math.TokenEncoding;
import org.opensearch.multimodal.query.MultimodalQueryBuilder;
import org.opensearch.multimodal.query.fusion.FusionSpec;
import org.opensearch.multimodal.query.fusion.GqrSpec;
import org.opensearch.multimodal.query.rescore.LateInteractionRescorerBuilder;
import org.opensearch.multimodal.query.rescore.LateInteractionScoreMode;
import org.opensearch.multimodal.query.retriever.DenseRetriever;
import org.opensearch.multimodal.query.retriever.LexicalRetriever;
import org.opensearch.multimodal.query.retriever.MultiVectorRetriever;
import org.opensearch.multimodal.query.retriever.RetrieverSpec;
import org.opensearch.multimodal.stats.MultimodalStats;
import org.opensearch.node.Node;
import org.opensearch.search.SearchHit;
import org.opensearch.transport.client.Client;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Compact token vectors on BEIR SciFact (issue 14), in one run on one node: every {@code multi_vector} encoding with
 * token pooling factors 1, 2 and 3. The corpus's bge token vectors are computed once (cached under the home directory)
 * and handed to each configuration as embed_text hands them (pooled and encoded, packed, base64); then, over the 300 test
 * queries, interleaved configuration by configuration: RRF (BM25 + dense, top 100 each), RRF + late_interaction rerank of
 * the top 100, and GQR with the multi-vector primary. Reports nDCG@10 on the 270 held-out queries (every 10th test query
 * by id is the dev split, reported apart), bytes per document after force-merge, rerank and GQR latency as ratios to
 * float32 and to RRF; then ingest through {@code embed_text} with and without token vectors, and one bulk of 500
 * documents with token vectors in the recommended mapping.
 * Arguments: {@code --data DIR --models DIR --home DIR [--docs N] [--configs float32:1,int8:2,...] [--recommended int8:2]}.
 */
public final class TokenEncodingBenchmark {

    private static final String MODEL = SciFactVectorCache.MODEL;
    private static final int K = 100;
    /** The rescorer's own MaxSim time per query, from the node's stats (query token encoding not included). */
    private static final String MAX_SIM = "rerank MaxSim";

    private TokenEncodingBenchmark() {
    }

    record Config(TokenEncoding encoding, int poolFactor) {

        String index() {
            return "tokens_" + encoding + "_p" + poolFactor;
        }

        @Override
        public String toString() {
            return encoding + " pool " + poolFactor;
        }

        static Config parse(String spec) {
            String[] parts = spec.split(":");
            return new Config(TokenEncoding.parse(parts[0]), Integer.parseInt(parts[1]));
        }
    }

    public static void main(String[] rawArgs) throws Exception {
        BenchArgs args = BenchArgs.parse(rawArgs, Set.of("--configs", "--recommended"));
        List<Config> configs = new ArrayList<>();
        for (TokenEncoding encoding : TokenEncoding.values()) {
            for (int pool = 1; pool <= 3; pool++) {
                configs.add(new Config(encoding, pool));
            }
        }
        if (args.get("--configs", null) != null) {
            configs = Arrays.stream(args.get("--configs", null).split(",")).map(Config::parse).toList();
        }
        Config recommended = Config.parse(args.get("--recommended", "int8:2"));
        SciFact sciFact = args.sciFact();
        if (sciFact == null) {
            return;
        }
        List<SciFact.Doc> corpus = args.corpus(sciFact);
        Path models = args.models();
        Path home = args.home();
        SciFact.Split split = sciFact.split();
        List<String> queryIds = split.all();
        List<String> dev = split.dev();
        List<String> test = split.test();
        System.out.printf(
            Locale.ROOT,
            "SciFact: %d docs; %d queries = %d dev + %d held out; heap %d MB; configurations %s%n",
            corpus.size(),
            queryIds.size(),
            dev.size(),
            test.size(),
            Runtime.getRuntime().maxMemory() >> 20,
            configs
        );

        Path cache = args.vectorCache(corpus);

        Node node = BenchNode.start(home, models, MODEL, "token-encodings", 9254, 0, Settings.EMPTY);
        try {
            Client client = node.client();
            Map<Config, Long> tokenBytes = new LinkedHashMap<>();
            for (Config config : configs) {
                tokenBytes.put(config, index(client, config, corpus, cache));
            }
            Map<Config, long[]> sizes = forceMerge(client, configs, tokenBytes);
            Map<Config, Map<String, Map<String, List<String>>>> rankings = new LinkedHashMap<>();
            Map<Config, Map<String, double[]>> latencies = new LinkedHashMap<>();
            MultimodalStats stats = node.injector().getInstance(InferenceService.class).stats();
            search(client, stats, sciFact, queryIds, configs, rankings, latencies);
            report(sciFact, corpus.size(), dev, test, configs, sizes, rankings, latencies);
            ingest(client, corpus.subList(0, Math.min(600, corpus.size())), recommended);
            bulkOf500(client, corpus, recommended);
        } finally {
            node.close();
        }
    }

    /** Indexes the corpus with its cached vectors into {@code config}'s index; returns the token vectors' stored bytes. */
    private static long index(Client client, Config config, List<SciFact.Doc> corpus, Path cache) throws IOException {
        String index = config.index();
        SciFactTokenIndex.create(client, index, config.encoding(), config.poolFactor());
        long[] tokenBytes = {0};
        MultiVectorFormat format = new MultiVectorFormat(config.encoding(), config.poolFactor());
        double seconds = CachedVectorBulk.index(client, index, corpus, cache, true, 50, (doc, dense, tokens) -> {
            byte[] packed = format.handOff(tokens);
            tokenBytes[0] += packed.length;
            return Map.of("title", doc.title(), "text", doc.text(), "vec", dense, "tokens", Base64.getEncoder().encodeToString(packed));
        });
        client.admin().indices().prepareRefresh(index).get();
        client.admin().indices().prepareFlush(index).get();
        System.out.printf(Locale.ROOT, "indexed %-18s %.0f docs/s (packed vectors given)%n", config, corpus.size() / seconds);
        return tokenBytes[0];
    }

    /**
     * Force-merges every index to one segment and returns per configuration {bytes after force-merge, the token
     * vectors' stored bytes}. The mappings are docs/benchmarks.md's: no {@code _source} excludes (derived vector source keeps the
     * vectors out of the stored {@code _source}), so no {@code _recovery_source} is kept beside it either.
     */
    private static Map<Config, long[]> forceMerge(Client client, List<Config> configs, Map<Config, Long> tokenBytes) {
        Map<Config, long[]> sizes = new LinkedHashMap<>();
        for (Config config : configs) {
            client.admin().indices().prepareForceMerge(config.index()).setMaxNumSegments(1).get();
            // the merged-away segments stay on disk while a reader holds them: refresh, then flush, before measuring
            client.admin().indices().prepareRefresh(config.index()).get();
            client.admin().indices().prepareFlush(config.index()).setForce(true).get();
            long bytes = client.admin().indices().prepareStats(config.index()).setStore(true).get().getTotal().getStore().sizeInBytes();
            sizes.put(config, new long[]{bytes, tokenBytes.get(config)});
        }
        return sizes;
    }

    private static Map<String, RetrieverSpec> retrievers(String text, boolean tokens) {
        Map<String, RetrieverSpec> retrievers = new LinkedHashMap<>();
        retrievers.put(
            "bm25",
            new LexicalRetriever(new MultiMatchQueryBuilder(text, "title", "text").type(MultiMatchQueryBuilder.Type.MOST_FIELDS), K)
        );
        retrievers.put("dense", new DenseRetriever("vec", MODEL, K));
        if (tokens) {
            retrievers.put("tokens", new MultiVectorRetriever("tokens", MODEL));
        }
        return retrievers;
    }

    /** The methods compared, by name: RRF, RRF + rerank of the top 100, GQR with the multi-vector primary (dev-chosen settings). */
    private static Map<String, SearchRequestBuilder> methods(Client client, String index, String text) {
        Map<String, SearchRequestBuilder> methods = new LinkedHashMap<>();
        methods.put(
            "RRF",
            client.prepareSearch(index)
                .setQuery(new MultimodalQueryBuilder(text, null, null, retrievers(text, false), FusionSpec.defaultRrf(), null))
        );
        methods.put(
            "RRF + rerank",
            client.prepareSearch(index)
                .setQuery(new MultimodalQueryBuilder(text, null, null, retrievers(text, false), FusionSpec.defaultRrf(), null))
                .addRescorer(new LateInteractionRescorerBuilder("tokens", text, MODEL, LateInteractionScoreMode.REPLACE, 1f, 1f), K)
        );
        // GQR's multi-vector settings as SciFactHybridBenchmark chose them on the dev split: complementary BM25, lr 5e-5, 25 steps
        GqrSpec gqr = new GqrSpec("tokens", List.of("bm25"), 10, 25, 5e-5f, 1f, 0.5f, ScoreNormalization.MIN_MAX);
        methods.put(
            "GQR multi-vector",
            client.prepareSearch(index)
                .setQuery(new MultimodalQueryBuilder(text, null, null, retrievers(text, true), FusionSpec.gqr(gqr), null))
        );
        return methods;
    }

    private static void search(
        Client client,
        MultimodalStats stats,
        SciFact sciFact,
        List<String> queryIds,
        List<Config> configs,
        Map<Config, Map<String, Map<String, List<String>>>> rankings,
        Map<Config, Map<String, double[]>> latencies
    ) {
        for (Config config : configs) {
            rankings.put(config, new LinkedHashMap<>());
            latencies.put(config, new LinkedHashMap<>());
            for (int q = 0; q < 3; q++) { // warm up
                for (SearchRequestBuilder request : methods(client, config.index(), sciFact.queries().get(queryIds.get(q))).values()) {
                    request.setSize(K).setFetchSource(false).get();
                }
            }
        }
        System.out.println("\n== every configuration over the " + queryIds.size() + " queries, interleaved ==");
        for (int q = 0; q < queryIds.size(); q++) {
            String id = queryIds.get(q);
            String text = sciFact.queries().get(id);
            for (int c = 0; c < configs.size(); c++) {
                Config config = configs.get((c + q) % configs.size());
                for (Map.Entry<String, SearchRequestBuilder> method : methods(client, config.index(), text).entrySet()) {
                    long rescoreBefore = stats.rescoreNanos();
                    long start = System.nanoTime();
                    SearchResponse response = method.getValue().setSize(K).setFetchSource(false).get();
                    double ms = (System.nanoTime() - start) / 1e6;
                    latencies.get(config).computeIfAbsent(method.getKey(), m -> new double[queryIds.size()])[q] = ms;
                    if (method.getKey().equals("RRF + rerank")) {
                        // one client, one request at a time: the node's rescore time grew by this request's MaxSim alone
                        latencies.get(config).computeIfAbsent(MAX_SIM, m -> new double[queryIds.size()])[q] = (stats.rescoreNanos()
                            - rescoreBefore) / 1e6;
                    }
                    rankings.get(config)
                        .computeIfAbsent(method.getKey(), m -> new LinkedHashMap<>())
                        .put(id, Arrays.stream(response.getHits().getHits()).map(SearchHit::getId).toList());
                }
            }
            if (q % 50 == 49) {
                System.out.printf(Locale.ROOT, "  %d/%d queries%n", q + 1, queryIds.size());
            }
        }
    }

    private static void report(
        SciFact sciFact,
        int docs,
        List<String> dev,
        List<String> test,
        List<Config> configs,
        Map<Config, long[]> sizes,
        Map<Config, Map<String, Map<String, List<String>>>> rankings,
        Map<Config, Map<String, double[]>> latencies
    ) {
        Config reference = configs.stream()
            .filter(c -> c.encoding() == TokenEncoding.FLOAT32 && c.poolFactor() == 1)
            .findFirst()
            .orElse(configs.get(0));
        System.out
            .printf(Locale.ROOT, "%n== nDCG@10 (dev 30 / held-out 270), bytes per document, latency (ratios: per-query medians) ==%n");
        System.out.println(
            "| encoding | pool | rerank dev | rerank test | GQR dev | GQR test | index KB/doc | tokens KB/doc | rerank p50 ms | rerank vs float32 | MaxSim p50 ms | MaxSim vs float32 | GQR p50 / p99 ms | GQR vs float32 | GQR vs RRF |"
        );
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (Config config : configs) {
            Map<String, Map<String, List<String>>> ranking = rankings.get(config);
            Map<String, double[]> ms = latencies.get(config);
            double[] rerankOnly = minus(ms.get("RRF + rerank"), ms.get("RRF"));
            double[] referenceRerank = minus(latencies.get(reference).get("RRF + rerank"), latencies.get(reference).get("RRF"));
            System.out.printf(
                Locale.ROOT,
                "| %s | %d | %.4f | %.4f | %.4f | %.4f | %.1f | %.1f | %.1f | %.2f | %.1f | %.2f | %.0f / %.0f | %.2f | %.2f |%n",
                config.encoding(),
                config.poolFactor(),
                RankingMetrics.meanNdcg(sciFact.qrels(), dev, ranking.get("RRF + rerank")),
                RankingMetrics.meanNdcg(sciFact.qrels(), test, ranking.get("RRF + rerank")),
                RankingMetrics.meanNdcg(sciFact.qrels(), dev, ranking.get("GQR multi-vector")),
                RankingMetrics.meanNdcg(sciFact.qrels(), test, ranking.get("GQR multi-vector")),
                sizes.get(config)[0] / 1024.0 / docs,
                sizes.get(config)[1] / 1024.0 / docs,
                RankingMetrics.percentile(rerankOnly, 50),
                RankingMetrics.medianRatio(rerankOnly, referenceRerank),
                RankingMetrics.percentile(ms.get(MAX_SIM), 50),
                RankingMetrics.medianRatio(ms.get(MAX_SIM), latencies.get(reference).get(MAX_SIM)),
                RankingMetrics.percentile(ms.get("GQR multi-vector"), 50),
                RankingMetrics.percentile(ms.get("GQR multi-vector"), 99),
                RankingMetrics.medianRatio(ms.get("GQR multi-vector"), latencies.get(reference).get("GQR multi-vector")),
                RankingMetrics.medianRatio(ms.get("GQR multi-vector"), ms.get("RRF"))
            );
        }
        double rrfTest = RankingMetrics.meanNdcg(sciFact.qrels(), test, rankings.get(reference).get("RRF"));
        System.out.printf(
            Locale.ROOT,
            "RRF alone (no token vectors): nDCG@10 held-out %.4f, p50 %.1f ms%n",
            rrfTest,
            RankingMetrics.percentile(latencies.get(reference).get("RRF"), 50)
        );
        System.out.println("(rerank ms: RRF + rerank minus RRF per query: the rerank's own time, its second bge pass included;");
        System.out.println(" MaxSim ms: the rescorer's shard-side time from the node's stats, MaxSim of the 100 documents alone)");
    }

    private static double[] minus(double[] a, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = Math.max(0, a[i] - b[i]);
        }
        return out;
    }

    /** embed_text with and without token vectors (recommended and float32), same documents, same run, alternated twice. */
    private static void ingest(Client client, List<SciFact.Doc> docs, Config recommended) {
        System.out.printf(
            Locale.ROOT,
            "%n== ingest through embed_text, %d documents in bulks of 100, each mode twice, alternated ==%n",
            docs.size()
        );
        ingestRun(client, "ingest_warmup", recommended, docs.subList(0, Math.min(100, docs.size())));
        Config float32 = new Config(TokenEncoding.FLOAT32, 1);
        double without = 0;
        double with = 0;
        double withFloat = 0;
        for (int round = 0; round < 2; round++) {
            without += ingestRun(client, "ingest_dense", null, docs);
            with += ingestRun(client, "ingest_tokens", recommended, docs);
            withFloat += ingestRun(client, "ingest_tokens_float32", float32, docs);
        }
        System.out.printf(
            Locale.ROOT,
            "without token vectors %.2f docs/s; with, %s: %.2f (%.2fx); with, float32: %.2f (%.2fx)%n",
            without / 2,
            recommended,
            with / 2,
            with / without,
            withFloat / 2,
            withFloat / without
        );
    }

    private static double ingestRun(Client client, String index, Config tokens, List<SciFact.Doc> docs) {
        if (client.admin().indices().prepareExists(index).get().isExists()) {
            client.admin().indices().prepareDelete(index).get();
        }
        String pipeline = tokens == null
            ? "{\"processors\": [{\"embed_text\": {\"model\": \"bge-small-en-v1.5\", \"field_map\": {\"title_text\": \"vec\"}}}]}"
            : "{\"processors\": [{\"embed_text\": {\"model\": \"bge-small-en-v1.5\", \"field_map\": {\"title_text\": \"vec\"}, \"token_field_map\": {\"title_text\": \"tokens\"}}}]}";
        client.admin().cluster().preparePutPipeline(index, new BytesArray(pipeline), XContentType.JSON).get();
        String tokenField = tokens == null ? ""
            : String.format(
                Locale.ROOT,
                ", \"tokens\": {\"type\": \"multi_vector\", \"dims\": 384, \"encoding\": \"%s\", \"pool_factor\": %d}",
                tokens.encoding(),
                tokens.poolFactor()
            );
        client.admin()
            .indices()
            .prepareCreate(index)
            .setSettings(
                Settings.builder()
                    .put("index.number_of_shards", 1)
                    .put("index.number_of_replicas", 0)
                    .put("index.default_pipeline", index)
            )
            .setMapping(
                "{\"properties\": {\"title\": {\"type\": \"text\"}, \"text\": {\"type\": \"text\"}, "
                    + "\"title_text\": {\"type\": \"text\", \"index\": false}, \"vec\": {\"type\": \"dense_vector\", \"dims\": 384}"
                    + tokenField + "}}"
            )
            .get();
        double seconds = SciFactIngest.index(client, index, docs, 100);
        return docs.size() / seconds;
    }

    /** One bulk of 500 documents with token vectors, the recommended mapping: how many are indexed, how many refused. */
    private static void bulkOf500(Client client, List<SciFact.Doc> corpus, Config recommended) {
        List<SciFact.Doc> docs = corpus.subList(Math.max(0, corpus.size() - 500), corpus.size());
        String index = "bulk500";
        ingestRun(client, index, recommended, docs.subList(0, 1));
        BulkRequestBuilder bulk = client.prepareBulk().setTimeout(TimeValue.timeValueMinutes(30));
        for (SciFact.Doc doc : docs) {
            bulk.add(client.prepareIndex(index).setId(doc.id()).setSource(doc.source()));
        }
        BulkResponse response = bulk.get();
        long failed = Arrays.stream(response.getItems()).filter(BulkItemResponse::isFailed).count();
        System.out.printf(
            Locale.ROOT,
            "one _bulk of %d documents with token vectors (%s) on a %d MB heap: %d indexed, %d refused%s%n",
            docs.size(),
            recommended,
            Runtime.getRuntime().maxMemory() >> 20,
            docs.size() - failed,
            failed,
            failed == 0 ? "" : " (" + response.buildFailureMessage().lines().skip(1).findFirst().orElse("") + ")"
        );
    }
}
