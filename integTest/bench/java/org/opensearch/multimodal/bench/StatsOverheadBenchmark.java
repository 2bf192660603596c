package org.opensearch.multimodal.bench;

import org.opensearch.action.bulk.BulkRequestBuilder;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.index.query.MultiMatchQueryBuilder;
import org.opensearch.multimodal.query.MultimodalQueryBuilder;
import org.opensearch.multimodal.query.fusion.FusionSpec;
import org.opensearch.multimodal.query.retriever.DenseRetriever;
import org.opensearch.multimodal.query.retriever.LexicalRetriever;
import org.opensearch.multimodal.query.retriever.RetrieverSpec;
import org.opensearch.node.Node;
import org.opensearch.transport.client.Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What keeping the stats costs, side by side in one run: SciFact documents through embed_text, each bulk once with
 * {@code plugins.multimodal.stats.enabled} true and once false, then the test queries (RRF of BM25 and dense) in blocks
 * run in both modes, several rounds each. Arguments: {@code --data ../shared/data/scifact --models target/models --home target/bench
 * [--docs 800] [--ingest-rounds 2] [--query-rounds 5]}.
 */
public final class StatsOverheadBenchmark {

    private static final String INDEX = "stats_overhead";
    private static final int BULK = 25;
    private static final int QUERY_BLOCK = 20;

    private StatsOverheadBenchmark() {
    }

    public static void main(String[] rawArgs) throws Exception {
        List<String> args = Arrays.stream(rawArgs)
            .flatMap(a -> Arrays.stream(a.trim().split("\\s+")))
            .filter(a -> a.isEmpty() == false)
            .toList();
        Path data = Path.of(args.get(args.indexOf("--data") + 1));
        Path models = Path.of(args.get(args.indexOf("--models") + 1));
        Path home = Path.of(args.get(args.indexOf("--home") + 1));
        int docs = args.contains("--docs") ? Integer.parseInt(args.get(args.indexOf("--docs") + 1)) : 800;
        int ingestRounds = args.contains("--ingest-rounds") ? Integer.parseInt(args.get(args.indexOf("--ingest-rounds") + 1)) : 2;
        int queryRounds = args.contains("--query-rounds") ? Integer.parseInt(args.get(args.indexOf("--query-rounds") + 1)) : 5;
        if (Files.isDirectory(data) == false) {
            System.out.println("SciFact data not found at " + data.toAbsolutePath() + "; nothing to measure.");
            return;
        }
        SciFact sciFact = SciFact.load(data);
        Node node = BenchNode
            .start(home, models, "bge-small-en-v1.5", "stats-overhead", 9252, Runtime.getRuntime().availableProcessors(), Settings.EMPTY);
        try {
            Client client = node.client();
            if (client.admin().indices().prepareExists(INDEX).get().isExists()) {
                client.admin().indices().prepareDelete(INDEX).get();
            }
            client.admin()
                .cluster()
                .preparePutPipeline(
                    "stats-embed",
                    new BytesArray(
                        """
                            {"processors": [{"embed_text": {"model": "bge-small-en-v1.5", "field_map": {"title_text": "vec"}, "batch_size": 16}}]}"""
                    ),
                    XContentType.JSON
                )
                .get();
            client.admin()
                .indices()
                .prepareCreate(INDEX)
                .setSettings(
                    Settings.builder()
                        .put("index.number_of_shards", 1)
                        .put("index.number_of_replicas", 0)
                        .put("index.default_pipeline", "stats-embed")
                )
                .setMapping("""
                    {"properties": {"title": {"type": "text"}, "text": {"type": "text"}, "title_text": {"type": "text", "index": false},
                      "vec": {"type": "dense_vector", "dims": 384, "similarity": "cosine"}}}""")
                .get();

            List<SciFact.Doc> corpus = sciFact.corpus().subList(0, Math.min(docs, sciFact.corpus().size()));
            measureIngest(client, corpus, ingestRounds);
            measureQueries(client, List.copyOf(sciFact.queries().values()), queryRounds);
        } finally {
            node.close();
        }
    }

    /**
     * Each bulk of {@link #BULK} documents is indexed twice in a row, once with stats on and once off (which goes first
     * alternates), under ids of their own so both are plain adds of the same content: a pair of runs that differ only
     * in the setting. Over {@code rounds} passes of the corpus, reported: the ratio of total throughputs and the median
     * of the pairs' ratios.
     */
    private static void measureIngest(Client client, List<SciFact.Doc> corpus, int rounds) {
        long[] nanos = new long[2];
        int[] count = new int[2];
        List<Double> pairRatios = new ArrayList<>();
        int pairNumber = 0;
        for (int round = 0; round < rounds; round++) {
            for (int from = 0; from < corpus.size(); from += BULK, pairNumber++) {
                List<SciFact.Doc> slice = corpus.subList(from, Math.min(from + BULK, corpus.size()));
                double[] throughput = new double[2];
                for (int k = 0; k < 2; k++) {
                    int mode = (pairNumber + k) % 2; // 0: on, 1: off
                    setStats(client, mode == 0);
                    BulkRequestBuilder request = client.prepareBulk();
                    for (SciFact.Doc doc : slice) {
                        request.add(client.prepareIndex(INDEX).setId(round + "-" + mode + "-" + doc.id()).setSource(doc.source()));
                    }
                    long start = System.nanoTime();
                    if (request.get().hasFailures()) {
                        throw new IllegalStateException("bulk failed");
                    }
                    long elapsed = System.nanoTime() - start;
                    nanos[mode] += elapsed;
                    count[mode] += slice.size();
                    throughput[mode] = slice.size() / (elapsed / 1e9);
                }
                pairRatios.add(throughput[0] / throughput[1]);
            }
        }
        client.admin().indices().prepareRefresh(INDEX).get();
        double on = count[0] / (nanos[0] / 1e9);
        double off = count[1] / (nanos[1] / 1e9);
        System.out.printf(
            Locale.ROOT,
            "ingest, %d docs x %d rounds, each bulk of %d once with stats on and once off: on %.2f docs/s, off %.2f docs/s: "
                + "throughput on/off %.4f; median of %d pair ratios %.4f%n",
            corpus.size(),
            rounds,
            BULK,
            on,
            off,
            on / off,
            pairRatios.size(),
            median(pairRatios)
        );
    }

    /**
     * Every query {@code rounds} times in each mode, in blocks of {@link #QUERY_BLOCK} queries run once with stats on and
     * once off (the first mode alternating by block), so settings change per block, not per query. Per query and mode the
     * median over rounds is kept (a GC pause or a noisy neighbour hits one run, not the median); reported: the ratio of
     * the sums of those medians (the mean latency on/off) and the median per-query ratio. A first round warms up.
     */
    private static void measureQueries(Client client, List<String> queries, int rounds) {
        double[][][] ms = new double[2][queries.size()][rounds];
        for (int round = -1; round < rounds; round++) {
            for (int block = 0; block * QUERY_BLOCK < queries.size(); block++) {
                for (int k = 0; k < 2; k++) {
                    int mode = (block + k + Math.max(round, 0)) % 2;
                    setStats(client, mode == 0);
                    for (int q = block * QUERY_BLOCK; q < Math.min((block + 1) * QUERY_BLOCK, queries.size()); q++) {
                        long start = System.nanoTime();
                        client.prepareSearch(INDEX).setQuery(rrf(queries.get(q))).setSize(10).setFetchSource(false).get();
                        if (round >= 0) {
                            ms[mode][q][round] = (System.nanoTime() - start) / 1e6;
                        }
                    }
                }
            }
        }
        double sumOn = 0;
        double sumOff = 0;
        List<Double> perQuery = new ArrayList<>();
        for (int q = 0; q < queries.size(); q++) {
            double on = median(Arrays.stream(ms[0][q]).boxed().toList());
            double off = median(Arrays.stream(ms[1][q]).boxed().toList());
            sumOn += on;
            sumOff += off;
            perQuery.add(on / off);
        }
        System.out.printf(
            Locale.ROOT,
            "queries (RRF, BM25 + dense top 100), %d x %d rounds per mode, blocks of %d alternating: "
                + "mean of per-query medians on %.2f ms, off %.2f ms: on/off %.4f; median per-query ratio %.4f%n",
            queries.size(),
            rounds,
            QUERY_BLOCK,
            sumOn / queries.size(),
            sumOff / queries.size(),
            sumOn / sumOff,
            median(perQuery)
        );
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static void setStats(Client client, boolean enabled) {
        client.admin()
            .cluster()
            .prepareUpdateSettings()
            .setTransientSettings(Settings.builder().put("plugins.multimodal.stats.enabled", enabled))
            .get();
    }

    private static MultimodalQueryBuilder rrf(String text) {
        Map<String, RetrieverSpec> retrievers = new LinkedHashMap<>();
        retrievers.put("bm25", new LexicalRetriever(new MultiMatchQueryBuilder(text, "title", "text"), 100));
        retrievers.put("dense", new DenseRetriever("vec", "bge-small-en-v1.5", 100));
        return new MultimodalQueryBuilder(text, null, null, retrievers, FusionSpec.defaultRrf(), null);
    }
}
