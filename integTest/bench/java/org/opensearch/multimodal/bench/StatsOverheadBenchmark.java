package org.opensearch.multimodal.bench;

import org.opensearch.action.bulk.BulkRequestBuilder;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.index.query.MultiMatchQueryBuilder;
import org.opensearch.multimodal.query.DenseRetriever;
import org.opensearch.multimodal.query.FusionSpec;
import org.opensearch.multimodal.query.LexicalRetriever;
import org.opensearch.multimodal.query.MultimodalQueryBuilder;
import org.opensearch.multimodal.query.RetrieverSpec;
import org.opensearch.node.Node;
import org.opensearch.transport.client.Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What keeping the stats costs, side by side in one run: SciFact documents through embed_text in bulks that alternate
 * {@code plugins.multimodal.stats.enabled} true / false, then the test queries (RRF of BM25 and dense) alternating the
 * same way. Arguments: {@code --data ../shared/data/scifact --models target/models --home target/bench [--docs 800]}.
 */
public final class StatsOverheadBenchmark {

    private static final String INDEX = "stats_overhead";
    private static final int BULK = 25;

    private StatsOverheadBenchmark() {}

    public static void main(String[] rawArgs) throws Exception {
        List<String> args = Arrays.stream(rawArgs).flatMap(a -> Arrays.stream(a.trim().split("\\s+"))).filter(a -> a.isEmpty() == false).toList();
        Path data = Path.of(args.get(args.indexOf("--data") + 1));
        Path models = Path.of(args.get(args.indexOf("--models") + 1));
        Path home = Path.of(args.get(args.indexOf("--home") + 1));
        int docs = args.contains("--docs") ? Integer.parseInt(args.get(args.indexOf("--docs") + 1)) : 800;
        if (Files.isDirectory(data) == false) {
            System.out.println("SciFact data not found at " + data.toAbsolutePath() + "; nothing to measure.");
            return;
        }
        SciFact sciFact = SciFact.load(data);
        Node node = BenchNode.start(home, models, "bge-small-en-v1.5", "stats-overhead", 9252, Runtime.getRuntime().availableProcessors(), Settings.EMPTY);
        try {
            Client client = node.client();
            if (client.admin().indices().prepareExists(INDEX).get().isExists()) {
                client.admin().indices().prepareDelete(INDEX).get();
            }
            client.admin().cluster().preparePutPipeline("stats-embed", new BytesArray("""
                {"processors": [{"embed_text": {"model": "bge-small-en-v1.5", "field_map": {"title_text": "vec"}, "batch_size": 16}}]}"""),
                XContentType.JSON).get();
            client.admin().indices().prepareCreate(INDEX).setSettings(Settings.builder().put("index.number_of_shards", 1)
                .put("index.number_of_replicas", 0).put("index.default_pipeline", "stats-embed"))
                .setMapping("""
                    {"properties": {"title": {"type": "text"}, "text": {"type": "text"}, "title_text": {"type": "text", "index": false},
                      "vec": {"type": "dense_vector", "dims": 384, "similarity": "cosine"}}}""").get();

            List<SciFact.Doc> corpus = sciFact.corpus().subList(0, Math.min(docs, sciFact.corpus().size()));
            long[] nanos = new long[2];
            int[] count = new int[2];
            for (int from = 0, bulk = 0; from < corpus.size(); from += BULK, bulk++) {
                int mode = bulk % 2; // 0: stats on, 1: off
                setStats(client, mode == 0);
                BulkRequestBuilder request = client.prepareBulk();
                List<SciFact.Doc> slice = corpus.subList(from, Math.min(from + BULK, corpus.size()));
                for (SciFact.Doc doc : slice) {
                    request.add(client.prepareIndex(INDEX).setId(doc.id()).setSource(Map.of("title", doc.title(), "text", doc.text(), "title_text", doc.titleAndText())));
                }
                long start = System.nanoTime();
                if (request.get().hasFailures()) {
                    throw new IllegalStateException("bulk failed");
                }
                nanos[mode] += System.nanoTime() - start;
                count[mode] += slice.size();
            }
            client.admin().indices().prepareRefresh(INDEX).get();
            double on = count[0] / (nanos[0] / 1e9);
            double off = count[1] / (nanos[1] / 1e9);
            System.out.printf(Locale.ROOT, "ingest, bulks of %d alternating: stats on %.2f docs/s, off %.2f docs/s: on/off %.4f (overhead %.2f%%)%n", BULK, on, off, on / off, (1 - on / off) * 100);

            List<String> queries = List.copyOf(sciFact.queries().values());
            double[][] ms = new double[2][queries.size()];
            for (int round = 0; round < 2; round++) { // round 0 warms up
                for (int q = 0; q < queries.size(); q++) {
                    for (int k = 0; k < 2; k++) {
                        int mode = (q + k) % 2;
                        setStats(client, mode == 0);
                        long start = System.nanoTime();
                        client.prepareSearch(INDEX).setQuery(rrf(queries.get(q))).setSize(10).setFetchSource(false).get();
                        ms[mode][q] = (System.nanoTime() - start) / 1e6;
                    }
                }
            }
            double[] perQuery = new double[queries.size()];
            for (int q = 0; q < queries.size(); q++) {
                perQuery[q] = ms[0][q] / ms[1][q];
            }
            Arrays.sort(perQuery);
            double meanOn = Arrays.stream(ms[0]).average().orElse(0);
            double meanOff = Arrays.stream(ms[1]).average().orElse(0);
            System.out.printf(Locale.ROOT, "queries (RRF, BM25 + dense top 100), %d alternating: mean on %.2f ms, off %.2f ms: on/off %.4f; median per-query ratio %.4f%n",
                queries.size(), meanOn, meanOff, meanOn / meanOff, perQuery[perQuery.length / 2]);
        } finally {
            node.close();
        }
    }

    private static void setStats(Client client, boolean enabled) {
        client.admin().cluster().prepareUpdateSettings().setTransientSettings(Settings.builder().put("plugins.multimodal.stats.enabled", enabled)).get();
    }

    private static MultimodalQueryBuilder rrf(String text) {
        Map<String, RetrieverSpec> retrievers = new LinkedHashMap<>();
        retrievers.put("bm25", new LexicalRetriever(new MultiMatchQueryBuilder(text, "title", "text"), 100));
        retrievers.put("dense", new DenseRetriever("vec", "bge-small-en-v1.5", 100));
        return new MultimodalQueryBuilder(text, null, null, retrievers, FusionSpec.defaultRrf(), null);
    }
}
