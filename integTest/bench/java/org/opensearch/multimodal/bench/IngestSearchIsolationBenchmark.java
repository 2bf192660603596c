package org.opensearch.multimodal.bench;

import org.opensearch.action.bulk.BulkRequestBuilder;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.action.search.SearchRequestBuilder;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.multimodal.rest.StatsAction;
import org.opensearch.multimodal.rest.StatsRequest;
import org.opensearch.multimodal.settings.MultimodalSettings;
import org.opensearch.node.Node;
import org.opensearch.transport.client.Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Does search keep its latency while ingest runs (issue 12)? One node, SciFact indexed through {@code embed_text} with
 * dense and token vectors. Query clients send a {@code multimodal} query (BM25 + dense + multi_vector, GQR with the
 * multi-vector primary, {@code pool_k} 20) with a {@code late_interaction} rescore of the top 50; ingest clients send
 * 20-document bulks of SciFact abstracts through the same pipeline. Phases of equal length, repeated in rounds: queries
 * alone, ingest alone, both at once. Reports query p50/p99 alone and during ingest, ingest documents/s alone and during
 * queries, their ratios, and where each inference pool waited (the stats API).
 * Arguments: {@code --data DIR --models DIR --home DIR [--seconds 40] [--rounds 2] [--seed-docs 800] [--query-clients 4]
 * [--ingest-clients 6] [--index-threads N] [--default-encoding float32]} ({@code --index-threads} sets
 * {@code plugins.multimodal.inference.threads}, unset its default; {@code --default-encoding} the index's
 * {@code multi_vector} default encoding, unset the plugin's).
 */
public final class IngestSearchIsolationBenchmark {

    private static final String INDEX = "isolation";
    private static final String PIPELINE = "isolation-tokens";
    private static final String MODEL = "bge-small-en-v1.5";
    private static final int BULK_DOCS = 20;

    private IngestSearchIsolationBenchmark() {
    }

    public static void main(String[] rawArgs) throws Exception {
        List<String> args = Arrays.stream(rawArgs)
            .flatMap(a -> Arrays.stream(a.trim().split("\\s+")))
            .filter(a -> a.isEmpty() == false)
            .toList();
        Path data = Path.of("../shared/data/scifact");
        Path models = Path.of("target/models");
        Path home = Path.of("target/bench");
        int seconds = 40;
        int rounds = 2;
        int seedDocs = 800;
        int queryClients = 4;
        int ingestClients = 6;
        int indexThreads = 0; // the product's default
        String defaultEncoding = null; // the plugin's default for a new index
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--data" -> data = Path.of(args.get(++i));
                case "--models" -> models = Path.of(args.get(++i));
                case "--home" -> home = Path.of(args.get(++i));
                case "--seconds" -> seconds = Integer.parseInt(args.get(++i));
                case "--rounds" -> rounds = Integer.parseInt(args.get(++i));
                case "--seed-docs" -> seedDocs = Integer.parseInt(args.get(++i));
                case "--query-clients" -> queryClients = Integer.parseInt(args.get(++i));
                case "--ingest-clients" -> ingestClients = Integer.parseInt(args.get(++i));
                case "--index-threads" -> indexThreads = Integer.parseInt(args.get(++i));
                case "--default-encoding" -> defaultEncoding = args.get(++i);
                default -> throw new IllegalArgumentException("unknown option " + args.get(i));
            }
        }
        if (Files.isDirectory(data) == false) {
            System.out.println("SciFact data not found at " + data.toAbsolutePath() + "; nothing to measure.");
            return;
        }
        SciFact sciFact = SciFact.load(data);
        List<String> queries = List.copyOf(sciFact.queries().values());
        List<SciFact.Doc> seed = sciFact.corpus().subList(0, Math.min(seedDocs, sciFact.corpus().size()));
        List<SciFact.Doc> stream = sciFact.corpus().subList(seed.size(), sciFact.corpus().size());
        System.out.printf(
            Locale.ROOT,
            "%d cores, heap %d MB, index-time inference threads: %s; %d query clients, %d ingest clients (bulks of %d); "
                + "phases of %d s, %d rounds%n",
            Runtime.getRuntime().availableProcessors(),
            Runtime.getRuntime().maxMemory() >> 20,
            indexThreads > 0 ? Integer.toString(indexThreads) : "the default",
            queryClients,
            ingestClients,
            BULK_DOCS,
            seconds,
            rounds
        );

        Node node = BenchNode.start(home, models, MODEL, "isolation", 9253, indexThreads, Settings.EMPTY);
        try {
            Client client = node.client();
            createIndex(client, defaultEncoding);
            System.out.printf(
                Locale.ROOT,
                "token field mapped without options; the index's default encoding: %s%n",
                client.admin()
                    .indices()
                    .prepareGetSettings(INDEX)
                    .get()
                    .getSetting(INDEX, MultimodalSettings.MULTI_VECTOR_DEFAULT_ENCODING.getKey())
            );
            System.out.printf(Locale.ROOT, "seeding %d documents ...%n", seed.size());
            SciFactIngest.index(client, INDEX, seed, 50);
            client.admin().indices().prepareRefresh(INDEX).get();
            Load load = new Load(client, queries, stream, queryClients, ingestClients);
            load.warmUp();
            List<Phase> results = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                results.add(load.run("queries alone", true, false, seconds));
                results.add(load.run("ingest alone", false, true, seconds));
                results.add(load.run("queries + ingest", true, true, seconds));
            }
            load.close();
            report(results);
            System.out.println("\ninference pools at the end (stats API):");
            Map<String, Object> stats = client.execute(StatsAction.INSTANCE, new StatsRequest()).actionGet().getNodes().get(0).stats();
            stats.forEach((key, value) -> {
                if (key.startsWith("inference_pool")) {
                    System.out.println("  " + key + ": " + value);
                }
            });
        } finally {
            node.close();
        }
    }

    /** {@code defaultEncoding}: the index's {@code multi_vector} default encoding; null leaves it to the plugin. */
    static void createIndex(Client client, String defaultEncoding) {
        if (client.admin().indices().prepareExists(INDEX).get().isExists()) {
            client.admin().indices().prepareDelete(INDEX).get();
        }
        String pipeline = """
            {"processors": [{"embed_text": {"model": "bge-small-en-v1.5", "field_map": {"title_text": "vec"},
              "token_field_map": {"title_text": "tokens"}}}]}""";
        client.admin().cluster().preparePutPipeline(PIPELINE, new BytesArray(pipeline), XContentType.JSON).get();
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
                    .put("index.default_pipeline", PIPELINE)
                    .put(
                        defaultEncoding == null ? Settings.EMPTY
                            : Settings.builder()
                                .put(MultimodalSettings.MULTI_VECTOR_DEFAULT_ENCODING.getKey(), defaultEncoding)
                                .build()
                    )
            )
            .setMapping(mapping)
            .get();
    }

    /** The query: BM25 + dense + multi_vector, GQR with the multi-vector primary, pool_k 20, rescore of the top 50. */
    static SearchRequestBuilder query(Client client, String text) {
        return GqrLoadQuery.of(client, INDEX, text, 50, 20, 50);
    }

    /** What one phase measured. */
    record Phase(String name, double[] queryMillis, int queryErrors, int documents, int documentFailures, double seconds) {

        double docsPerSecond() {
            return documents / seconds;
        }
    }

    /** The query and ingest clients, run phase by phase. */
    private static final class Load implements AutoCloseable {

        private final Client client;
        private final List<String> queries;
        private final List<SciFact.Doc> stream;
        private final int queryClients;
        private final int ingestClients;
        private final ExecutorService pool;
        private final AtomicInteger nextQuery = new AtomicInteger();
        private final AtomicInteger nextBulk = new AtomicInteger();

        Load(Client client, List<String> queries, List<SciFact.Doc> stream, int queryClients, int ingestClients) {
            this.client = client;
            this.queries = queries;
            this.stream = stream;
            this.queryClients = queryClients;
            this.ingestClients = ingestClients;
            this.pool = Executors.newFixedThreadPool(queryClients + ingestClients);
        }

        void warmUp() {
            for (int i = 0; i < 10; i++) {
                query(client, queries.get(i)).get();
            }
            bulk();
        }

        Phase run(String name, boolean withQueries, boolean withIngest, int seconds) throws Exception {
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            List<Double> millis = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger queryErrors = new AtomicInteger();
            AtomicInteger documents = new AtomicInteger();
            AtomicInteger failures = new AtomicInteger();
            AtomicLong lastBulkEnd = new AtomicLong(System.nanoTime());
            long start = System.nanoTime();
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; withQueries && c < queryClients; c++) {
                clients.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        String text = queries.get(Math.floorMod(nextQuery.getAndIncrement(), queries.size()));
                        long t0 = System.nanoTime();
                        try {
                            query(client, text).get();
                            millis.add((System.nanoTime() - t0) / 1e6);
                        } catch (RuntimeException e) {
                            queryErrors.incrementAndGet();
                        }
                    }
                }));
            }
            for (int c = 0; withIngest && c < ingestClients; c++) {
                clients.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        int[] outcome = bulk();
                        documents.addAndGet(outcome[0]);
                        failures.addAndGet(outcome[1]);
                        lastBulkEnd.accumulateAndGet(System.nanoTime(), Math::max);
                    }
                }));
            }
            for (Future<?> c : clients) {
                c.get();
            }
            // ingest throughput over the time its bulks actually took (the last bulk may end after the deadline)
            double elapsed = ((withIngest ? lastBulkEnd.get() : System.nanoTime()) - start) / 1e9;
            double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            Phase phase = new Phase(name, sorted, queryErrors.get(), documents.get(), failures.get(), elapsed);
            System.out.printf(
                Locale.ROOT,
                "  %-18s %s%s%n",
                name,
                withQueries ? String.format(
                    Locale.ROOT,
                    "queries %d (p50 %.0f ms, p99 %.0f ms, errors %d)  ",
                    sorted.length,
                    percentile(sorted, 50),
                    percentile(sorted, 99),
                    queryErrors.get()
                ) : "",
                withIngest ? String.format(
                    Locale.ROOT,
                    "ingest %d docs in %.1f s = %.2f docs/s (failed %d)",
                    documents.get(),
                    elapsed,
                    phase.docsPerSecond(),
                    failures.get()
                ) : ""
            );
            return phase;
        }

        /** One bulk of the next documents, under ids of their own; returns {indexed, failed}. */
        private int[] bulk() {
            int n = nextBulk.getAndIncrement();
            BulkRequestBuilder bulk = client.prepareBulk().setTimeout(TimeValue.timeValueMinutes(10));
            for (int i = 0; i < BULK_DOCS; i++) {
                SciFact.Doc doc = stream.get(Math.floorMod(n * BULK_DOCS + i, stream.size()));
                bulk.add(client.prepareIndex(INDEX).setId("b" + n + "-" + doc.id()).setSource(doc.source()));
            }
            BulkResponse response = bulk.get();
            int failed = (int) Arrays.stream(response.getItems()).filter(item -> item.isFailed()).count();
            return new int[]{BULK_DOCS - failed, failed};
        }

        @Override
        public void close() {
            pool.shutdownNow();
        }
    }

    private static void report(List<Phase> phases) {
        double[] alone = merged(phases, "queries alone");
        double[] during = merged(phases, "queries + ingest");
        double ingestAlone = docsPerSecond(phases, "ingest alone");
        double ingestDuring = docsPerSecond(phases, "queries + ingest");
        System.out.println("\n== search latency while ingest runs (all rounds) ==");
        System.out.printf(Locale.ROOT, "| | queries | p50 ms | p99 ms | ingest docs/s |%n|---|---|---|---|---|%n");
        System.out
            .printf(Locale.ROOT, "| queries alone | %d | %.0f | %.0f | |%n", alone.length, percentile(alone, 50), percentile(alone, 99));
        System.out.printf(Locale.ROOT, "| ingest alone | | | | %.2f |%n", ingestAlone);
        System.out.printf(
            Locale.ROOT,
            "| queries + ingest | %d | %.0f | %.0f | %.2f |%n",
            during.length,
            percentile(during, 50),
            percentile(during, 99),
            ingestDuring
        );
        System.out.printf(
            Locale.ROOT,
            "query p50 during ingest / alone: %.2fx (target <= 5); p99: %.2fx%n",
            percentile(during, 50) / percentile(alone, 50),
            percentile(during, 99) / percentile(alone, 99)
        );
        System.out.printf(Locale.ROOT, "ingest docs/s during queries / alone: %.2f (target >= 0.5)%n", ingestDuring / ingestAlone);
    }

    private static double[] merged(List<Phase> phases, String name) {
        return phases.stream().filter(p -> p.name().equals(name)).flatMapToDouble(p -> Arrays.stream(p.queryMillis())).sorted().toArray();
    }

    private static double docsPerSecond(List<Phase> phases, String name) {
        int docs = phases.stream().filter(p -> p.name().equals(name)).mapToInt(Phase::documents).sum();
        double seconds = phases.stream().filter(p -> p.name().equals(name)).mapToDouble(Phase::seconds).sum();
        return docs / seconds;
    }

    private static double percentile(double[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
