package org.opensearch.multimodal.bench;

import org.apache.lucene.util.VectorUtil;
import org.opensearch.action.bulk.BulkRequestBuilder;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.action.search.SearchRequestBuilder;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.action.support.PlainActionFuture;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.index.query.MultiMatchQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.multimodal.inference.InferenceService;
import org.opensearch.multimodal.inference.Workload;
import org.opensearch.multimodal.mapper.MultiVectorFormat;
import org.opensearch.multimodal.math.ScoreNormalization;
import org.opensearch.multimodal.model.EncodingPurpose;
import org.opensearch.multimodal.model.TextEmbeddings;
import org.opensearch.multimodal.query.MultimodalQueryBuilder;
import org.opensearch.multimodal.query.fusion.FusionSpec;
import org.opensearch.multimodal.query.fusion.GqrSpec;
import org.opensearch.multimodal.query.rescore.LateInteractionRescorerBuilder;
import org.opensearch.multimodal.query.rescore.LateInteractionScoreMode;
import org.opensearch.multimodal.query.retriever.DenseRetriever;
import org.opensearch.multimodal.query.retriever.LexicalRetriever;
import org.opensearch.multimodal.query.retriever.MultiVectorRetriever;
import org.opensearch.multimodal.query.retriever.RetrieverSpec;
import org.opensearch.node.Node;
import org.opensearch.script.Script;
import org.opensearch.script.ScriptType;
import org.opensearch.search.SearchHit;
import org.opensearch.search.profile.ProfileShardResult;
import org.opensearch.search.profile.query.QueryProfileShardResult;
import org.opensearch.search.rescore.QueryRescorerBuilder;
import org.opensearch.transport.client.Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SciFact through the whole query phase (issue 4), in one run on one node:
 * 1. the corpus indexed with dense vectors and bge token vectors (one forward pass per batch);
 * 2. hyperparameters (RRF and linear weights, GQR learning rate / steps / complementary) chosen on a dev split, every
 *    10th test query by id, which is then left out of the reported numbers;
 * 3. every method, and each + late_interaction rerank of its top 100, over the 300 queries, interleaved query by query:
 *    nDCG@10 / Recall@100 on the 270 held-out queries (and on all 300 for comparison with docs/notes/measurements.md §8), latency p50/p99;
 * 4. our rescorer against a painless script_score rescore computing the same MaxSim from vectors in _source, on the same
 *    documents and window;
 * 5. where the time of a multi-vector GQR query goes, against docs/notes/measurements.md's arithmetic.
 * Arguments: {@code --data ../shared/data/scifact --models target/models --home target/bench [--reuse] [--painless-queries 10]}.
 */
public final class SciFactHybridBenchmark {

    private static final String INDEX = "scifact_li";
    private static final String SOURCE_INDEX = "scifact_src";
    private static final String MODEL = "bge-small-en-v1.5";
    private static final int K = 100;
    private static final int BULK_SIZE = 100;

    private SciFactHybridBenchmark() {
    }

    /** One way to search: a request for the query text. */
    @FunctionalInterface
    interface Method {

        SearchRequestBuilder request(Client client, String text);
    }

    public static void main(String[] rawArgs) throws Exception {
        List<String> args = Arrays.stream(rawArgs)
            .flatMap(a -> Arrays.stream(a.trim().split("\\s+")))
            .filter(a -> a.isEmpty() == false)
            .toList();
        Path data = Path.of("../shared/data/scifact");
        Path models = Path.of("target/models");
        Path home = Path.of("target/bench");
        boolean reuse = false;
        int painlessQueries = 10;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--data" -> data = Path.of(args.get(++i));
                case "--models" -> models = Path.of(args.get(++i));
                case "--home" -> home = Path.of(args.get(++i));
                case "--reuse" -> reuse = true;
                case "--painless-queries" -> painlessQueries = Integer.parseInt(args.get(++i));
                default -> throw new IllegalArgumentException("unknown option " + args.get(i));
            }
        }
        if (Files.isDirectory(data) == false) {
            System.out.println("SciFact data not found at " + data.toAbsolutePath() + "; nothing to measure.");
            return;
        }
        SciFact sciFact = SciFact.load(data);
        SciFact.Split split = sciFact.split();
        List<String> queryIds = split.all();
        List<String> dev = split.dev();
        List<String> test = split.test();
        System.out.printf(
            Locale.ROOT,
            "SciFact: %d docs; %d test queries = %d dev (every 10th by id, for tuning) + %d held out%n",
            sciFact.corpus().size(),
            queryIds.size(),
            dev.size(),
            test.size()
        );

        Settings settings = Settings.builder().put("plugins.multimodal.token_vectors.max_bytes_per_request", "1gb").build();
        int threads = Runtime.getRuntime().availableProcessors();
        Node node = BenchNode.start(home, models, MODEL, "scifact-hybrid", 9251, threads, settings);
        try {
            Client client = node.client();
            ensureIndex(client, sciFact, reuse);
            Map<String, Method> methods = tune(client, sciFact, dev);
            Map<String, Map<String, List<String>>> rankings = new LinkedHashMap<>();
            Map<String, double[]> latencies = runAll(client, sciFact, queryIds, methods, rankings);
            report(sciFact, test, queryIds, rankings, latencies);
            compareWithPainless(client, node, sciFact, test.subList(0, Math.min(painlessQueries, test.size())), rankings.get("dense"));
            profileMultiVectorGqr(
                client,
                node,
                sciFact,
                test.subList(0, Math.min(30, test.size())),
                methods.get("GQR multi-vector primary"),
                chosenMultiVectorSteps
            );
        } finally {
            node.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // index

    private static void ensureIndex(Client client, SciFact sciFact, boolean reuse) {
        boolean exists = client.admin().indices().prepareExists(INDEX).get().isExists();
        if (exists) {
            // a reused index is still recovering from disk right after the node starts
            client.admin().cluster().prepareHealth(INDEX).setWaitForGreenStatus().setTimeout(TimeValue.timeValueMinutes(5)).get();
        }
        if (exists && reuse
            && client.prepareSearch(INDEX).setSize(0).setTrackTotalHits(true).get().getHits().getTotalHits().value() == sciFact.corpus()
                .size()) {
            System.out.println("reusing the indexed corpus");
            return;
        }
        if (exists) {
            client.admin().indices().prepareDelete(INDEX).get();
        }
        String pipeline = """
            {"processors": [{"embed_text": {"model": "bge-small-en-v1.5", "field_map": {"title_text": "vec"},
              "token_field_map": {"title_text": "tokens"}, "batch_size": 16}}]}""";
        client.admin().cluster().preparePutPipeline("scifact-tokens", new BytesArray(pipeline), XContentType.JSON).get();
        // token vectors go to the multi_vector field only: kept out of _source, where they would take ~4 GB of JSON
        String mapping = """
            {"_source": {"excludes": ["tokens"]}, "properties": {
              "title": {"type": "text", "analyzer": "english"},
              "text": {"type": "text", "analyzer": "english"},
              "title_text": {"type": "text", "index": false},
              "vec": {"type": "dense_vector", "dims": 384, "similarity": "cosine"},
              "tokens": {"type": "multi_vector", "dims": 384}}}""";
        client.admin()
            .indices()
            .prepareCreate(INDEX)
            .setSettings(
                Settings.builder()
                    .put("index.number_of_shards", 1)
                    .put("index.number_of_replicas", 0)
                    .put("index.refresh_interval", "-1")
                    .put("index.default_pipeline", "scifact-tokens")
                    .put("index.similarity.default.type", "BM25")
                    .put("index.similarity.default.k1", 0.9)
                    .put("index.similarity.default.b", 0.4)
            )
            .setMapping(mapping)
            .get();
        List<SciFact.Doc> corpus = sciFact.corpus();
        double seconds = SciFactIngest.index(client, INDEX, corpus, BULK_SIZE);
        client.admin().indices().prepareRefresh(INDEX).get();
        client.admin().indices().prepareForceMerge(INDEX).setMaxNumSegments(1).get();
        System.out
            .printf(Locale.ROOT, "indexed %d docs with dense and token vectors: %.2f docs/s%n", corpus.size(), corpus.size() / seconds);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // methods

    private static QueryBuilder bm25(String text) {
        return new MultiMatchQueryBuilder(text, "title", "text").type(MultiMatchQueryBuilder.Type.MOST_FIELDS);
    }

    static Map<String, RetrieverSpec> pool(String text, boolean tokens) {
        Map<String, RetrieverSpec> retrievers = new LinkedHashMap<>();
        retrievers.put("bm25", new LexicalRetriever(bm25(text), K));
        retrievers.put("dense", new DenseRetriever("vec", MODEL, K));
        if (tokens) {
            retrievers.put("tokens", new MultiVectorRetriever("tokens", MODEL));
        }
        return retrievers;
    }

    private static Method multimodal(boolean tokens, FusionSpec fusion) {
        return (client, text) -> client.prepareSearch(INDEX)
            .setQuery(new MultimodalQueryBuilder(text, null, null, pool(text, tokens), fusion, null));
    }

    private static FusionSpec rrf(float bm25Weight) {
        return new FusionSpec(FusionSpec.RRF, 60, ScoreNormalization.MIN_MAX, Map.of("bm25", bm25Weight, "dense", 1f));
    }

    private static FusionSpec linear(float bm25Weight) {
        return new FusionSpec(FusionSpec.LINEAR, 60, ScoreNormalization.MIN_MAX, Map.of("bm25", bm25Weight, "dense", 1f - bm25Weight));
    }

    private static FusionSpec gqr(String primary, List<String> complementary, int steps, float learningRate) {
        return FusionSpec.gqr(new GqrSpec(primary, complementary, 10, steps, learningRate, 1f, 0.5f, ScoreNormalization.MIN_MAX));
    }

    private static Method rerank(Method first) {
        return (client, text) -> first.request(client, text)
            .addRescorer(new LateInteractionRescorerBuilder("tokens", text, MODEL, LateInteractionScoreMode.REPLACE, 1f, 1f), K);
    }

    /** Picks each method's hyperparameters by nDCG@10 on the dev queries; the first of equals wins (defaults come first). */
    private static Map<String, Method> tune(Client client, SciFact sciFact, List<String> dev) {
        System.out.println("\n== tuning on the dev split (" + dev.size() + " queries), nDCG@10 ==");
        Map<String, Method> methods = new LinkedHashMap<>();
        methods.put(
            "BM25 (bool multi_match most_fields)",
            (client1, text) -> client1.prepareSearch(INDEX).setQuery(QueryBuilders.boolQuery().should(bm25(text)))
        );
        methods.put(
            "dense",
            (client1, text) -> client1.prepareSearch(INDEX)
                .setQuery(new MultimodalQueryBuilder(text, null, Map.of("dense", new DenseRetriever("vec", MODEL, K)), null))
        );
        // MaxSim over the union pool of BM25 and dense top 100: only the tokens retriever weighs
        methods.put(
            "multi-vector (MaxSim over the pool)",
            multimodal(
                true,
                new FusionSpec(FusionSpec.LINEAR, 60, ScoreNormalization.NONE, Map.of("bm25", 0f, "dense", 0f, "tokens", 1f))
            )
        );

        Map<String, Method> rrfGrid = new LinkedHashMap<>();
        for (float w : new float[]{1f, 0.5f, 0.75f, 1.5f, 2f}) {
            rrfGrid.put(String.format(Locale.ROOT, "RRF k 60, weights bm25 %s dense 1", w), multimodal(false, rrf(w)));
        }
        methods.put("RRF", best(client, sciFact, dev, rrfGrid));
        Map<String, Method> linearGrid = new LinkedHashMap<>();
        for (float w : new float[]{0.5f, 0.2f, 0.3f, 0.4f, 0.6f}) {
            linearGrid
                .put(String.format(Locale.ROOT, "linear min_max, weights bm25 %.1f dense %.1f", w, 1 - w), multimodal(false, linear(w)));
        }
        methods.put("linear (min_max)", best(client, sciFact, dev, linearGrid));
        Map<String, Method> gqrDense = new LinkedHashMap<>();
        for (int steps : new int[]{10, 25}) {
            for (float lr : new float[]{1e-3f, 3e-3f, 1e-2f}) {
                gqrDense.put(
                    String.format(Locale.ROOT, "GQR dense primary, bm25 complementary, lr %s, steps %d", lr, steps),
                    multimodal(false, gqr("dense", List.of("bm25"), steps, lr))
                );
            }
        }
        methods.put("GQR dense primary", best(client, sciFact, dev, gqrDense));
        Map<String, Method> gqrMulti = new LinkedHashMap<>();
        for (List<String> complementary : List.of(List.of("bm25"), List.of("bm25", "dense"))) {
            for (int steps : new int[]{50, 25}) {
                for (float lr : new float[]{1e-4f, 5e-5f, 3e-4f}) {
                    gqrMulti.put(
                        String.format(Locale.ROOT, "GQR multi-vector primary, complementary %s, lr %s, steps %d", complementary, lr, steps),
                        multimodal(true, gqr("tokens", complementary, steps, lr))
                    );
                }
            }
        }
        methods.put("GQR multi-vector primary", best(client, sciFact, dev, gqrMulti));

        Map<String, Method> withRerank = new LinkedHashMap<>();
        for (Map.Entry<String, Method> method : methods.entrySet()) {
            withRerank.put(method.getKey(), method.getValue());
        }
        for (Map.Entry<String, Method> method : methods.entrySet()) {
            withRerank.put(method.getKey() + " + late_interaction rerank top 100", rerank(method.getValue()));
        }
        return withRerank;
    }

    /** The steps of the chosen multi-vector GQR configuration, for the profile's arithmetic. */
    private static int chosenMultiVectorSteps = 50;

    private static Method best(Client client, SciFact sciFact, List<String> dev, Map<String, Method> grid) {
        String bestLabel = null;
        double bestScore = -1;
        for (Map.Entry<String, Method> candidate : grid.entrySet()) {
            double ndcg = 0;
            for (String id : dev) {
                ndcg += RankingMetrics.ndcg(
                    ids(candidate.getValue().request(client, sciFact.queries().get(id)).setSize(K).setFetchSource(false).get()),
                    sciFact.qrels().get(id),
                    10
                );
            }
            ndcg /= dev.size();
            System.out.printf(Locale.ROOT, "  %-90s dev nDCG@10 %.4f%n", candidate.getKey(), ndcg);
            if (ndcg > bestScore + 1e-9) {
                bestScore = ndcg;
                bestLabel = candidate.getKey();
            }
        }
        System.out.println("  -> chosen: " + bestLabel);
        Matcher steps = Pattern.compile("multi-vector primary.*steps (\\d+)").matcher(bestLabel);
        if (steps.find()) {
            chosenMultiVectorSteps = Integer.parseInt(steps.group(1));
        }
        return grid.get(bestLabel);
    }

    private static List<String> ids(SearchResponse response) {
        return Arrays.stream(response.getHits().getHits()).map(SearchHit::getId).toList();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // the main pass

    /** Runs every method on every query, methods in a rotating order per query; returns milliseconds per method and query. */
    private static Map<String, double[]> runAll(
        Client client,
        SciFact sciFact,
        List<String> queryIds,
        Map<String, Method> methods,
        Map<String, Map<String, List<String>>> rankings
    ) {
        List<String> names = List.copyOf(methods.keySet());
        Map<String, double[]> latencies = new LinkedHashMap<>();
        for (String name : names) {
            latencies.put(name, new double[queryIds.size()]);
            rankings.put(name, new LinkedHashMap<>());
        }
        // warm up every path (JIT, caches) on a few dev-split queries before timing
        for (int q = 0; q < 3; q++) {
            for (String name : names) {
                methods.get(name).request(client, sciFact.queries().get(queryIds.get(q * 10))).setSize(K).setFetchSource(false).get();
            }
        }
        System.out.println("\n== all methods over the " + queryIds.size() + " queries, interleaved ==");
        for (int q = 0; q < queryIds.size(); q++) {
            String id = queryIds.get(q);
            String text = sciFact.queries().get(id);
            for (int m = 0; m < names.size(); m++) {
                String name = names.get((m + q) % names.size());
                long start = System.nanoTime();
                SearchResponse response = methods.get(name).request(client, text).setSize(K).setFetchSource(false).get();
                latencies.get(name)[q] = (System.nanoTime() - start) / 1e6;
                rankings.get(name).put(id, ids(response));
            }
            if (q % 50 == 49) {
                System.out.printf(Locale.ROOT, "  %d/%d queries%n", q + 1, queryIds.size());
            }
        }
        return latencies;
    }

    private static void report(
        SciFact sciFact,
        List<String> test,
        List<String> all,
        Map<String, Map<String, List<String>>> rankings,
        Map<String, double[]> latencies
    ) {
        System.out.println(
            "\n== quality: nDCG@10 / Recall@100 on the " + test.size() + " held-out queries (all " + all.size()
                + " for docs/notes/measurements.md §8), latency over all " + all.size() + " =="
        );
        System.out.printf(Locale.ROOT, "| %-64s | nDCG@10 | R@100 | nDCG@10 (300) | R@100 (300) | p50 ms | p99 ms |%n", "method");
        System.out.println("|---|---|---|---|---|---|---|");
        for (String name : rankings.keySet()) {
            double[] heldOut = quality(sciFact, test, rankings.get(name));
            double[] everything = quality(sciFact, all, rankings.get(name));
            double[] ms = latencies.get(name).clone();
            Arrays.sort(ms);
            System.out.printf(
                Locale.ROOT,
                "| %-64s | %.4f | %.4f | %.4f | %.4f | %.1f | %.1f |%n",
                name,
                heldOut[0],
                heldOut[1],
                everything[0],
                everything[1],
                percentile(ms, 50),
                percentile(ms, 99)
            );
        }
        System.out.println("\nlatency ratios, same run, interleaved (p50 of per-query ratios / ratio of p50s):");
        ratio(latencies, "RRF", "BM25 (bool multi_match most_fields)", "multimodal RRF vs plain bool BM25");
        ratio(latencies, "GQR dense primary", "RRF", "GQR (single-vector primary) vs RRF, same pool");
        ratio(latencies, "dense + late_interaction rerank top 100", "dense", "dense + rerank top 100 vs dense");
        ratio(latencies, "RRF + late_interaction rerank top 100", "RRF", "RRF + rerank top 100 vs RRF");
        ratio(latencies, "GQR multi-vector primary", "RRF", "GQR (multi-vector primary) vs RRF");
    }

    private static double[] quality(SciFact sciFact, List<String> queries, Map<String, List<String>> ranking) {
        double ndcg = 0;
        double recall = 0;
        for (String id : queries) {
            ndcg += RankingMetrics.ndcg(ranking.get(id), sciFact.qrels().get(id), 10);
            recall += RankingMetrics.recall(ranking.get(id), sciFact.qrels().get(id), 100);
        }
        return new double[]{ndcg / queries.size(), recall / queries.size()};
    }

    private static void ratio(Map<String, double[]> latencies, String a, String b, String label) {
        double[] x = latencies.get(a);
        double[] y = latencies.get(b);
        double[] perQuery = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            perQuery[i] = x[i] / y[i];
        }
        Arrays.sort(perQuery);
        double[] xs = x.clone();
        double[] ys = y.clone();
        Arrays.sort(xs);
        Arrays.sort(ys);
        System.out.printf(Locale.ROOT, "  %-55s %.3f / %.3f%n", label, percentile(perQuery, 50), percentile(xs, 50) / percentile(ys, 50));
    }

    private static double percentile(double[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    // ---------------------------------------------------------------------------------------------------------------
    // our rescorer vs painless over _source

    private static final String PAINLESS_MAX_SIM = """
        def q = params.q; def d = params._source.tokens_arr; double total = 0;
        for (int t = 0; t < q.size(); t++) {
          def qt = q.get(t); double best = -1e9;
          for (int j = 0; j < d.size(); j++) {
            def dj = d.get(j); double s = 0;
            for (int k = 0; k < qt.size(); k++) { s += qt.get(k) * dj.get(k); }
            if (s > best) { best = s; }
          }
          total += best;
        }
        return Math.max(0, total / q.size());""";

    /** Adds each document's token vectors (as the processor stored them in tokens_src) as arrays in tokens_arr. */
    private static void copyTokensIntoArrays(Client client, List<String> ids) {
        for (int from = 0; from < ids.size(); from += 50) {
            BulkRequestBuilder bulk = client.prepareBulk().setTimeout(TimeValue.timeValueMinutes(10));
            for (String id : ids.subList(from, Math.min(from + 50, ids.size()))) {
                Map<String, Object> source = new LinkedHashMap<>(client.prepareGet(SOURCE_INDEX, id).get().getSourceAsMap());
                source.put("tokens_arr", MultiVectorFormat.unpack(Base64.getDecoder().decode((String) source.get("tokens_src"))));
                bulk.add(client.prepareIndex(SOURCE_INDEX).setId(id).setPipeline("_none").setSource(source));
            }
            BulkResponse response = bulk.get();
            if (response.hasFailures()) {
                throw new IllegalStateException(response.buildFailureMessage());
            }
        }
    }

    private static void compareWithPainless(
        Client client,
        Node node,
        SciFact sciFact,
        List<String> queries,
        Map<String, List<String>> denseRanking
    ) {
        System.out.println(
            "\n== late_interaction rescorer vs painless script_score MaxSim from _source (" + queries.size() + " queries, window 100) =="
        );
        Set<String> docs = new LinkedHashSet<>();
        for (String id : queries) {
            docs.addAll(denseRanking.get(id));
        }
        if (client.admin().indices().prepareExists(SOURCE_INDEX).get().isExists()) {
            client.admin().indices().prepareDelete(SOURCE_INDEX).get();
        }
        String pipeline = """
            {"processors": [{"embed_text": {"model": "bge-small-en-v1.5", "field_map": {"title_text": "vec"},
              "token_field_map": {"title_text": "tokens_src"}, "batch_size": 16}}]}""";
        client.admin().cluster().preparePutPipeline("scifact-src", new BytesArray(pipeline), XContentType.JSON).get();
        // what users do without the plugin: token vectors as arrays in _source (tokens_arr, not indexed), read by a
        // script; tokens_src, a float32 multi_vector, holds the very same vectors for our rescorer (an int8 model's outputs
        // shift slightly with batch composition, so vectors from another indexing run would not be the same documents)
        String mapping = """
            {"properties": {"title_text": {"type": "text", "index": false}, "vec": {"type": "dense_vector", "dims": 384, "index": false},
              "tokens_src": {"type": "multi_vector", "dims": 384}, "tokens_arr": {"type": "object", "enabled": false}}}""";
        client.admin()
            .indices()
            .prepareCreate(SOURCE_INDEX)
            .setSettings(
                Settings.builder()
                    .put("index.number_of_shards", 1)
                    .put("index.number_of_replicas", 0)
                    .put("index.default_pipeline", "scifact-src")
            )
            .setMapping(mapping)
            .get();
        Map<String, SciFact.Doc> byId = new LinkedHashMap<>();
        for (SciFact.Doc doc : sciFact.corpus()) {
            byId.put(doc.id(), doc);
        }
        List<String> docList = List.copyOf(docs);
        for (int from = 0; from < docList.size(); from += 50) {
            BulkRequestBuilder bulk = client.prepareBulk().setTimeout(TimeValue.timeValueMinutes(30));
            for (String id : docList.subList(from, Math.min(from + 50, docList.size()))) {
                bulk.add(client.prepareIndex(SOURCE_INDEX).setId(id).setSource(Map.of("title_text", byId.get(id).titleAndText())));
            }
            BulkResponse response = bulk.get();
            if (response.hasFailures()) {
                throw new IllegalStateException(response.buildFailureMessage());
            }
        }
        client.admin().indices().prepareRefresh(SOURCE_INDEX).get();
        copyTokensIntoArrays(client, docList);
        client.admin().indices().prepareRefresh(SOURCE_INDEX).get();
        client.admin().indices().prepareForceMerge(SOURCE_INDEX).setMaxNumSegments(1).get();
        System.out.printf(
            Locale.ROOT,
            "  %d documents (the union of the queries' dense top 100), token vectors in _source and in a multi_vector field%n",
            docList.size()
        );

        InferenceService inference = node.injector().getInstance(InferenceService.class);
        double[] ours = new double[queries.size()];
        double[] oursProduction = new double[queries.size()];
        double[] painless = new double[queries.size()];
        int sameTop10 = 0;
        double maxScoreDiff = 0;
        for (int round = 0; round < 2; round++) { // round 0 warms both paths up
            for (int q = 0; q < queries.size(); q++) {
                String text = sciFact.queries().get(queries.get(q));
                List<String> window = denseRanking.get(queries.get(q));
                QueryBuilder first = QueryBuilders.idsQuery().addIds(window.toArray(String[]::new));
                List<List<Float>> queryTokens = queryTokens(inference, text);

                long start = System.nanoTime();
                SearchResponse oursResponse = client.prepareSearch(SOURCE_INDEX)
                    .setQuery(first)
                    .setSize(10)
                    .setFetchSource(false)
                    .addRescorer(new LateInteractionRescorerBuilder("tokens_src", text, MODEL, LateInteractionScoreMode.REPLACE, 1f, 1f), K)
                    .get();
                double oursMs = (System.nanoTime() - start) / 1e6;

                // the same window on the benchmark's main index, mapped as we recommend: tokens kept out of _source
                start = System.nanoTime();
                client.prepareSearch(INDEX)
                    .setQuery(first)
                    .setSize(10)
                    .setFetchSource(false)
                    .addRescorer(new LateInteractionRescorerBuilder("tokens", text, MODEL, LateInteractionScoreMode.REPLACE, 1f, 1f), K)
                    .get();
                double oursProductionMs = (System.nanoTime() - start) / 1e6;

                // one document is |q| x |d| x 384 loop statements, past painless's default budget of 1,000,000 per run
                Script script = new Script(
                    ScriptType.INLINE,
                    "painless",
                    PAINLESS_MAX_SIM,
                    Map.of("max_loop_counter", "1000000000"),
                    Map.of("q", queryTokens)
                );
                start = System.nanoTime();
                SearchResponse painlessResponse = client.prepareSearch(SOURCE_INDEX)
                    .setQuery(first)
                    .setSize(10)
                    .setFetchSource(false)
                    .addRescorer(
                        new QueryRescorerBuilder(QueryBuilders.scriptScoreQuery(QueryBuilders.matchAllQuery(), script))
                            .setQueryWeight(0f)
                            .setRescoreQueryWeight(1f),
                        K
                    )
                    .get();
                double painlessMs = (System.nanoTime() - start) / 1e6;
                if (round == 1) {
                    ours[q] = oursMs;
                    oursProduction[q] = oursProductionMs;
                    painless[q] = painlessMs;
                    if (ids(oursResponse).equals(ids(painlessResponse))) {
                        sameTop10++;
                    }
                    maxScoreDiff = Math.max(
                        maxScoreDiff,
                        Math.abs(oursResponse.getHits().getAt(0).getScore() - painlessResponse.getHits().getAt(0).getScore())
                    );
                }
            }
        }
        double[] perQuery = new double[queries.size()];
        double[] perQueryProduction = new double[queries.size()];
        for (int i = 0; i < perQuery.length; i++) {
            perQuery[i] = painless[i] / ours[i];
            perQueryProduction[i] = painless[i] / oursProduction[i];
        }
        Arrays.sort(perQuery);
        Arrays.sort(perQueryProduction);
        Arrays.sort(ours);
        Arrays.sort(oursProduction);
        Arrays.sort(painless);
        System.out.printf(
            Locale.ROOT,
            "  same top 10 on %d/%d queries; largest top-1 score difference %.2e%n",
            sameTop10,
            queries.size(),
            maxScoreDiff
        );
        System.out.printf(
            Locale.ROOT,
            "  ours (late_interaction, incl. encoding the query tokens), same index:  p50 %.1f ms, max %.1f ms%n",
            percentile(ours, 50),
            ours[ours.length - 1]
        );
        System.out.printf(
            Locale.ROOT,
            "  ours, main index (tokens not in _source, so fetching hits is cheap):   p50 %.1f ms, max %.1f ms%n",
            percentile(oursProduction, 50),
            oursProduction[oursProduction.length - 1]
        );
        System.out.printf(
            Locale.ROOT,
            "  painless script_score over _source (query tokens given):  p50 %.1f ms, max %.1f ms%n",
            percentile(painless, 50),
            painless[painless.length - 1]
        );
        System.out.printf(
            Locale.ROOT,
            "  painless / ours, same index: p50 of per-query ratios %.1fx, min %.1fx%n",
            percentile(perQuery, 50),
            perQuery[0]
        );
        System.out.printf(
            Locale.ROOT,
            "  painless / ours on the main index: p50 of per-query ratios %.1fx, min %.1fx%n",
            percentile(perQueryProduction, 50),
            perQueryProduction[0]
        );
    }

    private static List<List<Float>> queryTokens(InferenceService inference, String text) {
        PlainActionFuture<TextEmbeddings> future = PlainActionFuture.newFuture();
        inference.encodeText(Workload.SEARCH, MODEL, List.of(text), EncodingPurpose.QUERY_TOKENS, true, future);
        List<List<Float>> rows = new ArrayList<>();
        for (float[] row : future.actionGet().tokenVectors()[0]) {
            List<Float> values = new ArrayList<>(row.length);
            for (float v : row) {
                values.add(v);
            }
            rows.add(values);
        }
        return rows;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // where a multi-vector GQR query's time goes

    private static final Pattern CANDIDATES = Pattern.compile("over the (\\d+) candidates");

    private static void profileMultiVectorGqr(Client client, Node node, SciFact sciFact, List<String> queries, Method gqrMulti, int steps) {
        System.out.println("\n== multi-vector GQR primary: where the time goes (" + queries.size() + " queries) ==");
        InferenceService inference = node.injector().getInstance(InferenceService.class);
        Method poolOnly = multimodal(false, rrf(1f));
        Method maxSimPool = multimodal(
            true,
            new FusionSpec(FusionSpec.LINEAR, 60, ScoreNormalization.NONE, Map.of("bm25", 0f, "dense", 0f))
        );
        double poolMs = 0;
        double maxSimMs = 0;
        double gqrMs = 0;
        double rewriteMs = 0;
        double queryTokens = 0;
        double poolSize = 0;
        double candidates = 0;
        double docTokens = 0;
        Map<String, SciFact.Doc> byId = new LinkedHashMap<>();
        for (SciFact.Doc doc : sciFact.corpus()) {
            byId.put(doc.id(), doc);
        }
        for (String id : queries) {
            String text = sciFact.queries().get(id);
            poolMs += time(() -> poolOnly.request(client, text).setSize(K).setFetchSource(false).get());
            maxSimMs += time(() -> maxSimPool.request(client, text).setSize(K).setFetchSource(false).get());
            gqrMs += time(() -> gqrMulti.request(client, text).setSize(K).setFetchSource(false).get());
            // a second run, untimed, for the sizes (explain) and the shard's own profile
            SearchResponse response = gqrMulti.request(client, text)
                .setSize(K)
                .setFetchSource(false)
                .setProfile(true)
                .setExplain(true)
                .get();
            for (ProfileShardResult shard : response.getProfileResults().values()) {
                for (QueryProfileShardResult profile : shard.getQueryProfileResults()) {
                    rewriteMs += profile.getRewriteTime() / 1e6;
                }
            }
            poolSize += response.getHits().getTotalHits().value();
            Matcher m = CANDIDATES.matcher(response.getHits().getAt(0).getExplanation().toString());
            if (m.find()) {
                candidates += Integer.parseInt(m.group(1));
            }
            queryTokens += queryTokens(inference, text).size();
            List<String> pooled = ids(response);
            double tokens = 0;
            PlainActionFuture<TextEmbeddings> future = PlainActionFuture.newFuture();
            inference.encodeText(
                Workload.INDEX,
                MODEL,
                pooled.stream().limit(20).map(d -> byId.get(d).titleAndText()).toList(),
                EncodingPurpose.DOCUMENT,
                true,
                future
            );
            for (float[][] doc : future.actionGet().tokenVectors()) {
                tokens += doc.length;
            }
            docTokens += tokens / Math.min(20, pooled.size());
        }
        int n = queries.size();
        double q = queryTokens / n;
        double d = docTokens / n;
        double pool = poolSize / n;
        double c = candidates / n;
        System.out.printf(
            Locale.ROOT,
            "  average: %.1f query tokens, %.0f tokens per pooled document, pool %.0f documents, GQR candidates %.1f%n",
            q,
            d,
            pool,
            c
        );
        System.out.printf(Locale.ROOT, "  pool only (BM25 + dense top 100, RRF):         %.1f ms/query%n", poolMs / n);
        System.out.printf(
            Locale.ROOT,
            "  + MaxSim of every pool document (no GQR):      %.1f ms/query (+%.1f)%n",
            maxSimMs / n,
            (maxSimMs - poolMs) / n
        );
        System.out.printf(
            Locale.ROOT,
            "  GQR multi-vector primary, as tuned:            %.1f ms/query (+%.1f over MaxSim), of which the shard's query rewrite (the whole hybrid retrieval) %.1f ms%n",
            gqrMs / n,
            (gqrMs - maxSimMs) / n,
            rewriteMs / n
        );
        double maxSimMacs = pool * q * d * 384;
        double flops = measureDotProductGflops();
        System.out.printf(
            Locale.ROOT,
            "  docs/notes/measurements.md arithmetic: MaxSim over the pool = %.0f x %.1f x %.0f x 384 = %.2e multiply-adds -> %.1f ms at the %.1f G multiply-adds/s this JVM's dot product reaches%n",
            pool,
            q,
            d,
            maxSimMacs,
            maxSimMacs / flops * 1e3,
            flops / 1e9
        );
        // one MaxSim pass over C per step (it also finds the argmax the gradient needs), one at the start, one at the end
        double gqrMacs = (steps + 2.0) * c * q * d * 384;
        System.out.printf(
            Locale.ROOT,
            "  GQR: (%d steps + 2) MaxSim passes over C = %.0f x %.1f x %.0f x 384 x %d = %.2e multiply-adds -> %.1f ms at that rate (measured +%.1f ms over MaxSim)%n",
            steps,
            c,
            q,
            d,
            steps + 2,
            gqrMacs,
            gqrMacs / flops * 1e3,
            (gqrMs - maxSimMs) / n
        );
    }

    private static double time(Runnable run) {
        long start = System.nanoTime();
        run.run();
        return (System.nanoTime() - start) / 1e6;
    }

    /** Multiply-adds per second of Lucene's dot product on 384-dim rows, one thread (what MaxSim runs on). */
    private static double measureDotProductGflops() {
        float[][] a = new float[64][384];
        float[][] b = new float[512][384];
        Random random = new Random(0);
        for (float[] row : a) {
            for (int i = 0; i < row.length; i++) {
                row[i] = random.nextFloat();
            }
        }
        for (float[] row : b) {
            for (int i = 0; i < row.length; i++) {
                row[i] = random.nextFloat();
            }
        }
        float sink = 0;
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 20; round++) {
            long start = System.nanoTime();
            for (float[] x : a) {
                for (float[] y : b) {
                    sink += VectorUtil.dotProduct(x, y);
                }
            }
            best = Math.min(best, System.nanoTime() - start);
        }
        if (sink == 42) {
            System.out.println();
        }
        return 64.0 * 512 * 384 / (best / 1e9);
    }
}
