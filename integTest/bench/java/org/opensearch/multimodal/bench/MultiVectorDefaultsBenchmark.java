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
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.multimodal.mapper.MultiVectorFormat;
import org.opensearch.multimodal.math.TokenEncoding;
import org.opensearch.multimodal.query.rescore.LateInteractionRescorerBuilder;
import org.opensearch.multimodal.query.rescore.LateInteractionScoreMode;
import org.opensearch.node.Node;
import org.opensearch.search.SearchHit;
import org.opensearch.transport.client.Client;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A {@code multi_vector} field mapped without options (issue 21, part 2), on an index created as before (its
 * {@code default_encoding} float32) and on one created now (the default int8), each with {@code "index": true}, SciFact's
 * cached bge vectors sent as float32 rows (the field encodes them), bulks of 50 at the default refresh: over the 300 test
 * queries, interleaved, the multi-vector retriever alone, BM25 + the {@code late_interaction} rerank of its top 100, and
 * GQR with the multi-vector primary + the rerank: nDCG@10 on the 270 held-out queries, p50, and the bytes the node's
 * search threads allocate per query (the garbage a query leaves: ThreadMXBean's per-thread allocation counters); then one
 * {@code _bulk} of 200 abstracts through {@code embed_text} with token vectors into each kind of index (run it with
 * docs/benchmarks.md's 1 GB heap: the items refused, by status).
 * Arguments: {@code --data DIR --models DIR --home DIR [--docs N] [--reuse true]} ({@code --reuse}: search the indices
 * a previous run left, without indexing again).
 */
public final class MultiVectorDefaultsBenchmark {

    private static final String MODEL = SciFactVectorCache.MODEL;
    private static final Map<String, String> INDICES = new LinkedHashMap<>();
    static {
        INDICES.put("float32 (an index created before)", "float32");
        INDICES.put("default (an index created now)", null);
    }

    private MultiVectorDefaultsBenchmark() {
    }

    public static void main(String[] rawArgs) throws Exception {
        BenchArgs args = BenchArgs.parse(rawArgs, Set.of("--reuse"));
        boolean reuse = Boolean.parseBoolean(args.get("--reuse", "false"));
        SciFact sciFact = args.sciFact();
        if (sciFact == null) {
            return;
        }
        List<SciFact.Doc> corpus = args.corpus(sciFact);
        Path cache = args.vectorCache(corpus);
        Node node = BenchNode.start(args.home(), args.models(), MODEL, "multi-vector-defaults", 9257, 0, Settings.EMPTY);
        try {
            Client client = node.client();
            int i = 0;
            for (Map.Entry<String, String> index : INDICES.entrySet()) {
                String name = "defaults-" + i++;
                double seconds = Double.NaN;
                if (reuse == false || client.admin().indices().prepareExists(name).get().isExists() == false) {
                    create(client, name, index.getValue());
                    seconds = CachedVectorBulk.index(client, name, corpus, cache, true, 50, MultiVectorDefaultsBenchmark::source);
                }
                client.admin().cluster().prepareHealth(name).setWaitForYellowStatus().get();
                client.admin().indices().prepareRefresh(name).get();
                String encoding = client.admin()
                    .indices()
                    .prepareGetSettings(name)
                    .get()
                    .getSetting(name, "index.multimodal.multi_vector.default_encoding");
                long bytes = client.admin().indices().prepareStats(name).setStore(true).get().getTotal().getStore().sizeInBytes();
                int segments = client.admin()
                    .indices()
                    .prepareSegments(name)
                    .get()
                    .getIndices()
                    .get(name)
                    .getShards()
                    .values()
                    .iterator()
                    .next()
                    .getAt(0)
                    .getSegments()
                    .size();
                System.out.printf(
                    Locale.ROOT,
                    "%s: index [%s], default_encoding %s, %.0f docs/s, %.1f KB a document, %d segments%n",
                    index.getKey(),
                    name,
                    encoding,
                    corpus.size() / seconds,
                    bytes / 1024.0 / corpus.size(),
                    segments
                );
            }
            search(client, sciFact);
            oneBulk(client, corpus.subList(0, Math.min(200, corpus.size())));
        } finally {
            node.close();
        }
    }

    /** One {@code _bulk} of {@code docs} through {@code embed_text} with token vectors, per index default: items refused, by status. */
    private static void oneBulk(Client client, List<SciFact.Doc> docs) {
        String pipeline = """
            {"processors": [{"embed_text": {"model": "bge-small-en-v1.5", "field_map": {"title_text": "vec"},
              "token_field_map": {"title_text": "tokens"}}}]}""";
        client.admin().cluster().preparePutPipeline("defaults-embed", new BytesArray(pipeline), XContentType.JSON).get();
        int i = 0;
        for (Map.Entry<String, String> index : INDICES.entrySet()) {
            String name = "bulk-" + i++;
            create(client, name, index.getValue());
            client.admin()
                .indices()
                .prepareUpdateSettings(name)
                .setSettings(Settings.builder().put("index.default_pipeline", "defaults-embed"))
                .get();
            BulkRequestBuilder bulk = client.prepareBulk().setTimeout(TimeValue.timeValueMinutes(10));
            for (SciFact.Doc doc : docs) {
                bulk.add(client.prepareIndex(name).setId(doc.id()).setSource(doc.source()));
            }
            long start = System.nanoTime();
            BulkResponse response = bulk.get();
            Map<Integer, Integer> refused = new TreeMap<>();
            for (BulkItemResponse item : response.getItems()) {
                if (item.isFailed()) {
                    refused.merge(item.getFailure().getStatus().getStatus(), 1, Integer::sum);
                }
            }
            System.out.printf(
                Locale.ROOT,
                "one _bulk of %d abstracts with token vectors, %s: %d indexed, refused by status %s, %.0f s%n",
                docs.size(),
                index.getKey(),
                docs.size() - refused.values().stream().mapToInt(Integer::intValue).sum(),
                refused,
                (System.nanoTime() - start) / 1e9
            );
            client.admin().indices().prepareDelete(name).get();
        }
    }

    private static void create(Client client, String index, String defaultEncoding) {
        create(client, index, defaultEncoding, 1);
    }

    /**
     * The benchmark's index, {@code multi_vector} mapped without options and {@code "index": true}, with {@code shards}
     * primaries and no replica (deleting one of that name first); {@code defaultEncoding} null: the default of an index
     * created now.
     */
    static void create(Client client, String index, String defaultEncoding, int shards) {
        if (client.admin().indices().prepareExists(index).get().isExists()) {
            client.admin().indices().prepareDelete(index).get();
        }
        String mapping = String.format(Locale.ROOT, """
            {"properties": {
              "title": {"type": "text", "analyzer": "english"}, "text": {"type": "text", "analyzer": "english"},
              "vec": {"type": "dense_vector", "dims": 384, "similarity": "cosine", "model": "%s"},
              "tokens": {"type": "multi_vector", "dims": 384, "model": "%s", "index": true}}}""", MODEL, MODEL);
        Settings.Builder settings = Settings.builder().put("index.number_of_shards", shards).put("index.number_of_replicas", 0);
        if (defaultEncoding != null) {
            settings.put("index.multimodal.multi_vector.default_encoding", defaultEncoding);
        }
        client.admin().indices().prepareCreate(index).setSettings(settings).setMapping(mapping).get();
    }

    /** The token rows as float32 packed rows (base64): the field encodes them as its mapping says. */
    static Map<String, Object> source(SciFact.Doc doc, float[] dense, float[][] tokens) {
        String packed = Base64.getEncoder().encodeToString(MultiVectorFormat.pack(tokens, TokenEncoding.FLOAT32));
        return Map.of("title", doc.title(), "text", doc.text(), "vec", dense, "tokens", packed);
    }

    private static void search(Client client, SciFact sciFact) {
        String tokens = "\"tokens\": {\"multi_vector\": {\"field\": \"tokens\", \"model\": \"" + MODEL + "\", \"k\": 100}}";
        String bm25 = "\"bm25\": {\"lexical\": {\"query\": {\"multi_match\": {\"query\": %s, \"fields\": [\"title\", \"text\"], "
            + "\"type\": \"most_fields\"}}, \"k\": 100}}";
        String dense = "\"dense\": {\"dense\": {\"field\": \"vec\", \"model\": \"" + MODEL + "\", \"k\": 100}}";
        Map<String, Function<String, SearchRequestBuilder>> methods = new LinkedHashMap<>();
        int i = 0;
        for (String label : INDICES.keySet()) {
            String index = "defaults-" + i++;
            String encoding = label.substring(0, label.indexOf(' '));
            methods.put(encoding + ": multi_vector retriever", text -> request(client, index, multimodal(text, tokens, ""), null));
            methods.put(
                encoding + ": BM25 + rerank 100",
                text -> request(client, index, multimodal(text, String.format(Locale.ROOT, bm25, quoted(text)), ""), text)
            );
            methods.put(
                encoding + ": GQR multi-vector + rerank 100",
                text -> request(
                    client,
                    index,
                    multimodal(
                        text,
                        tokens + ", " + String.format(Locale.ROOT, bm25, quoted(text)) + ", " + dense,
                        ", \"fusion\": {\"gqr\": {\"primary\": \"tokens\"}}"
                    ),
                    text
                )
            );
        }
        List<String> names = List.copyOf(methods.keySet());
        SciFact.Split split = sciFact.split();
        List<String> queries = split.all();
        for (int q = 0; q < 5; q++) {
            for (Function<String, SearchRequestBuilder> method : methods.values()) {
                try {
                    method.apply(sciFact.queries().get(queries.get(q))).get();
                } catch (RuntimeException e) {
                    System.out.println("warm-up query refused: " + e.getMessage());
                }
            }
        }
        Map<String, Integer> refused = new LinkedHashMap<>();
        Map<String, Map<String, List<String>>> rankings = new LinkedHashMap<>();
        Map<String, double[]> latencies = new LinkedHashMap<>();
        Map<String, long[]> allocated = new LinkedHashMap<>();
        for (int q = 0; q < queries.size(); q++) {
            String id = queries.get(q);
            for (int m = 0; m < names.size(); m++) {
                String name = names.get((m + q) % names.size());
                long bytesBefore = searchThreadsAllocatedBytes();
                long start = System.nanoTime();
                List<String> ranked = List.of();
                try {
                    SearchResponse response = methods.get(name).apply(sciFact.queries().get(id)).get();
                    ranked = Arrays.stream(response.getHits().getHits()).map(SearchHit::getId).toList();
                } catch (RuntimeException e) {
                    refused.merge(name, 1, Integer::sum); // counted as a query that found nothing
                }
                latencies.computeIfAbsent(name, n -> new double[queries.size()])[q] = (System.nanoTime() - start) / 1e6;
                allocated.computeIfAbsent(name, n -> new long[queries.size()])[q] = searchThreadsAllocatedBytes() - bytesBefore;
                rankings.computeIfAbsent(name, n -> new LinkedHashMap<>()).put(id, ranked);
            }
        }
        System.out
            .println(
                "| request | nDCG@10 held out (270) | nDCG@10 all (300) | p50 ms | MB allocated by search threads a query (mean) | refused |"
            );
        System.out.println("|---|---|---|---|---|---|");
        for (String name : names) {
            System.out.printf(
                Locale.ROOT,
                "| %s | %.4f | %.4f | %.1f | %.2f | %d |%n",
                name,
                RankingMetrics.meanNdcg(sciFact.qrels(), split.test(), rankings.get(name)),
                RankingMetrics.meanNdcg(sciFact.qrels(), split.all(), rankings.get(name)),
                RankingMetrics.percentile(latencies.get(name), 50),
                Arrays.stream(allocated.get(name)).average().orElse(0) / 1e6,
                refused.getOrDefault(name, 0)
            );
        }
    }

    /** Bytes allocated so far by the node's search threads (the shard's query and fetch phases run there). */
    private static long searchThreadsAllocatedBytes() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds()))
            .filter(info -> info != null && info.getThreadName().contains("[search]"))
            .mapToLong(ThreadInfo::getThreadId)
            .toArray();
        return Arrays.stream(threads.getThreadAllocatedBytes(ids)).filter(b -> b > 0).sum();
    }

    private static SearchRequestBuilder request(Client client, String index, String query, String rerankText) {
        SearchRequestBuilder request = client.prepareSearch(index)
            .setQuery(QueryBuilders.wrapperQuery(query))
            .setSize(100)
            .setFetchSource(false);
        if (rerankText != null) {
            request.addRescorer(
                new LateInteractionRescorerBuilder("tokens", rerankText, MODEL, LateInteractionScoreMode.REPLACE, 1f, 1f),
                100
            );
        }
        return request;
    }

    private static String multimodal(String text, String retrievers, String fusion) {
        return "{\"multimodal\": {\"query_text\": " + quoted(text) + ", \"retrievers\": {" + retrievers + "}" + fusion + "}}";
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
