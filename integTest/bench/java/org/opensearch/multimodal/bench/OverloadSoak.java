package org.opensearch.multimodal.bench;

import org.opensearch.ExceptionsHelper;
import org.opensearch.action.admin.cluster.node.stats.NodeStats;
import org.opensearch.action.admin.cluster.node.stats.NodesStatsRequest;
import org.opensearch.action.bulk.BulkItemResponse;
import org.opensearch.action.bulk.BulkRequestBuilder;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.action.search.SearchPhaseExecutionException;
import org.opensearch.action.search.ShardSearchFailure;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.core.indices.breaker.AllCircuitBreakerStats;
import org.opensearch.core.indices.breaker.CircuitBreakerStats;
import org.opensearch.multimodal.image.DemoPhotos;
import org.opensearch.multimodal.model.BuiltinModels;
import org.opensearch.multimodal.model.ProcessMemory;
import org.opensearch.multimodal.rest.EmbedAction;
import org.opensearch.multimodal.rest.EmbedRequest;
import org.opensearch.multimodal.settings.MultimodalSettings;
import org.opensearch.node.Node;
import org.opensearch.threadpool.ThreadPoolStats;
import org.opensearch.transport.client.Client;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The overload soak (issue 16, part 3): one node on the bench heap (1 GB), SciFact seeded with float32 token vectors,
 * then for a bounded time more clients than two cores can serve at once: bulks of 50 abstracts through
 * {@code embed_text} with float32 token vectors, bulks of 20 product photos through {@code embed_image}, {@code _embed} of 64 texts with token vectors, and GQR with the
 * multi-vector primary ({@code pool_k} 50) plus a {@code late_interaction} rescore of a 200-document window. Prints a
 * report: requests by outcome, 429s by what was full (the {@code multimodal} breaker, the per-request token cap, an
 * inference queue, another breaker), heap before / peak / after a GC, the breakers' peaks, the process RSS (the JVM
 * plus ONNX Runtime's native memory), and whether the inference pools drained. Exits 1 on any 5xx, an
 * OutOfMemoryError, pools that do not drain, or no document indexed.
 * Arguments: {@code --data DIR --models DIR --home DIR [--seconds 120] [--ingest-clients 6] [--embed-clients 2]
 * [--query-clients 3] [--image-clients 2] [--photos integTest/demo/products/images] [--seed-docs 500]
 * [--cpu-memory-arena true]}.
 */
public final class OverloadSoak {

    private static final String INDEX = "soak";
    private static final String PIPELINE = "soak-tokens";
    private static final String MODEL = SciFactVectorCache.MODEL;
    private static final int BULK_DOCS = 50;
    private static final String PRODUCTS = "soak-products";
    private static final String PHOTOS = "soak-photos";
    private static final int IMAGE_BULK_DOCS = 20;

    private OverloadSoak() {
    }

    public static void main(String[] rawArgs) throws Exception {
        BenchArgs args = BenchArgs
            .parse(
                rawArgs,
                Set.of("--seconds", "--ingest-clients", "--embed-clients", "--query-clients", "--seed-docs", "--cpu-memory-arena")
            );
        SciFact sciFact = args.sciFact();
        if (sciFact == null) {
            return;
        }
        int seconds = args.intOf("--seconds", 120);
        List<SciFact.Doc> corpus = sciFact.corpus();
        List<SciFact.Doc> seed = corpus.subList(0, Math.min(args.intOf("--seed-docs", 500), corpus.size()));
        Path home = args.home();
        Path cache = args.vectorCache(seed);
        List<String> photos = DemoPhotos.base64(Path.of(args.get("--photos", DemoPhotos.DIR.toString())), Integer.MAX_VALUE);
        BuiltinModels.installInto(
            Files.createDirectories(home.toAbsolutePath().resolve("config/multimodal/models")),
            args.models().toAbsolutePath().resolve(BuiltinModels.FASHION_IMAGE_DEMO)
        );
        boolean arena = Boolean.parseBoolean(args.get("--cpu-memory-arena", "true"));
        Settings nodeSettings = Settings.builder().put(MultimodalSettings.INFERENCE_CPU_MEMORY_ARENA.getKey(), arena).build();
        Node node = BenchNode.start(home, args.models(), MODEL, "soak", 9258, 0, nodeSettings);
        boolean failed;
        try {
            Client client = node.client();
            createIndex(client);
            CachedVectorBulk.index(
                client,
                INDEX,
                seed,
                cache,
                true,
                25,
                (doc, dense, tokens) -> Map.of("title", doc.title(), "text", doc.text(), "vec", dense, "tokens", tokens)
            );
            client.admin().indices().prepareRefresh(INDEX).get();
            failed = soak(client, sciFact, corpus, photos, seconds, args);
        } finally {
            node.close();
        }
        if (failed) {
            System.exit(1);
        }
    }

    private static void createIndex(Client client) {
        if (client.admin().indices().prepareExists(INDEX).get().isExists()) {
            client.admin().indices().prepareDelete(INDEX).get();
        }
        String pipeline = """
            {"processors": [{"embed_text": {"model": "bge-small-en-v1.5", "field_map": {"title_text": "vec"},
              "token_field_map": {"title_text": "tokens"}}}]}""";
        client.admin().cluster().preparePutPipeline(PIPELINE, new BytesArray(pipeline), XContentType.JSON).get();
        if (client.admin().indices().prepareExists(PRODUCTS).get().isExists()) {
            client.admin().indices().prepareDelete(PRODUCTS).get();
        }
        String photoPipeline = """
            {"processors": [{"embed_image": {"model": "fashion-image-demo", "field_map": {"photo": "photo_vec"}}}]}""";
        client.admin().cluster().preparePutPipeline(PHOTOS, new BytesArray(photoPipeline), XContentType.JSON).get();
        client.admin()
            .indices()
            .prepareCreate(PRODUCTS)
            .setSettings(Settings.builder().put("index.number_of_shards", 1).put("index.number_of_replicas", 0))
            .setMapping("""
                {"properties": {"photo": {"type": "binary"},
                  "photo_vec": {"type": "dense_vector", "dims": 384, "similarity": "cosine"}}}""")
            .get();
        client.admin()
            .indices()
            .prepareCreate(INDEX)
            .setSettings(Settings.builder().put("index.number_of_shards", 1).put("index.number_of_replicas", 0))
            .setMapping("""
                {"properties": {"title": {"type": "text", "analyzer": "english"}, "text": {"type": "text", "analyzer": "english"},
                  "title_text": {"type": "text", "index": false},
                  "vec": {"type": "dense_vector", "dims": 384, "similarity": "cosine"},
                  "tokens": {"type": "multi_vector", "dims": 384}}}""")
            .get();
    }

    /** Runs the load; prints the report; true when the run failed. */
    private static boolean soak(Client client, SciFact sciFact, List<SciFact.Doc> corpus, List<String> photos, int seconds, BenchArgs args)
        throws Exception {
        List<String> queries = List.copyOf(sciFact.queries().values());
        long heapBefore = heapAfterGc();
        long rssBefore = ProcessMemory.readResidentBytes();
        Outcomes outcomes = new Outcomes();
        AtomicLong indexed = new AtomicLong();
        AtomicLong photosIndexed = new AtomicLong();
        AtomicLong next = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        int ingestClients = args.intOf("--ingest-clients", 6);
        int imageClients = args.intOf("--image-clients", 2);
        int embedClients = args.intOf("--embed-clients", 2);
        int queryClients = args.intOf("--query-clients", 3);
        ExecutorService pool = Executors.newFixedThreadPool(ingestClients + imageClients + embedClients + queryClients + 1);
        Peaks peaks = new Peaks();
        List<Future<?>> clients = new ArrayList<>();
        System.out.printf(
            Locale.ROOT,
            "soak: %d s; %d ingest clients (bulks of %d, float32 token vectors), %d image ingest clients (bulks of %d "
                + "photos), %d _embed clients (64 texts with token vectors), %d query clients (GQR multi-vector primary pool_k "
                + "50 + rescore window 200); heap %d MB, cpu_memory_arena %s%n",
            seconds,
            ingestClients,
            BULK_DOCS,
            imageClients,
            IMAGE_BULK_DOCS,
            embedClients,
            queryClients,
            Runtime.getRuntime().maxMemory() >> 20,
            args.get("--cpu-memory-arena", "true")
        );
        for (int c = 0; c < ingestClients; c++) {
            clients.add(pool.submit(() -> loop(end, outcomes, "bulk item", () -> {
                long n = next.getAndIncrement();
                BulkRequestBuilder bulk = client.prepareBulk().setTimeout(TimeValue.timeValueMinutes(2));
                for (int i = 0; i < BULK_DOCS; i++) {
                    SciFact.Doc doc = corpus.get((int) Math.floorMod(n * BULK_DOCS + i, (long) corpus.size()));
                    bulk.add(client.prepareIndex(INDEX).setId("s" + n + "-" + i).setSource(doc.source()).setPipeline(PIPELINE));
                }
                return countItems(bulk.get(), outcomes, "bulk item", indexed);
            })));
        }
        for (int c = 0; c < imageClients; c++) {
            clients.add(pool.submit(() -> loop(end, outcomes, "image bulk item", () -> {
                long n = next.getAndIncrement();
                BulkRequestBuilder bulk = client.prepareBulk().setTimeout(TimeValue.timeValueMinutes(2));
                for (int i = 0; i < IMAGE_BULK_DOCS; i++) {
                    String photo = photos.get((int) Math.floorMod(n * IMAGE_BULK_DOCS + i, (long) photos.size()));
                    bulk.add(client.prepareIndex(PRODUCTS).setId("p" + n + "-" + i).setSource(Map.of("photo", photo)).setPipeline(PHOTOS));
                }
                return countItems(bulk.get(), outcomes, "image bulk item", photosIndexed);
            })));
        }
        for (int c = 0; c < embedClients; c++) {
            clients.add(pool.submit(() -> loop(end, outcomes, "_embed", () -> {
                List<String> texts = new ArrayList<>();
                for (int i = 0; i < 64; i++) {
                    texts.add(corpus.get((int) Math.floorMod(next.getAndIncrement(), (long) corpus.size())).titleAndText());
                }
                EmbedRequest embed = EmbedRequest.parse(Map.of("model", MODEL, "texts", texts, "token_vectors", true), 256);
                client.execute(EmbedAction.INSTANCE, new EmbedAction.Request(embed)).actionGet();
                outcomes.ok("_embed");
                return null;
            })));
        }
        for (int c = 0; c < queryClients; c++) {
            clients.add(pool.submit(() -> loop(end, outcomes, "query", () -> {
                String text = queries.get((int) Math.floorMod(next.getAndIncrement(), (long) queries.size()));
                GqrLoadQuery.of(client, INDEX, text, 100, 50, 200).get();
                outcomes.ok("query");
                return null;
            })));
        }
        Future<?> watcher = pool.submit(() -> {
            while (System.nanoTime() < end) {
                peaks.sample(client);
                sleepQuietly(500);
            }
        });
        for (Future<?> c : clients) {
            c.get();
        }
        watcher.get();
        pool.shutdown();

        boolean drained = false;
        long drainStart = System.nanoTime();
        while (System.nanoTime() - drainStart < TimeUnit.SECONDS.toNanos(60)) {
            if (inferenceBusy(client) == 0) {
                drained = true;
                break;
            }
            sleepQuietly(500);
        }
        double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
        long heapAfter = heapAfterGc();
        CircuitBreakerStats multimodal = breakers(client).getStats(MultimodalSettings.BREAKER_NAME);

        System.out.println("\n== overload soak report ==");
        System.out.printf(
            Locale.ROOT,
            "duration %d s; documents indexed %d (%.1f docs/s), photos indexed %d (%.1f/s)%n",
            seconds,
            indexed.get(),
            indexed.get() / (double) seconds,
            photosIndexed.get(),
            photosIndexed.get() / (double) seconds
        );
        System.out.println("requests by outcome:");
        outcomes.counts.forEach((key, count) -> System.out.printf(Locale.ROOT, "  %7d  %s%n", count.get(), key));
        System.out.printf(
            Locale.ROOT,
            "heap: %d MB before (after GC), %d MB peak (sampled), %d MB after (after GC)%n",
            heapBefore >> 20,
            peaks.heap.get() >> 20,
            heapAfter >> 20
        );
        System.out.printf(
            Locale.ROOT,
            "process RSS (JVM + ONNX Runtime native): %d MB before, %d MB peak, %d MB after%n",
            rssBefore >> 20,
            peaks.rss.get() >> 20,
            ProcessMemory.readResidentBytes() >> 20
        );
        System.out.println("breaker peaks (sampled every 500 ms):");
        peaks.breakers.forEach((name, peak) -> System.out.printf(Locale.ROOT, "  %-12s %d MB%n", name, peak.get() >> 20));
        System.out.printf(
            Locale.ROOT,
            "multimodal breaker after: %d bytes held, limit %d MB, tripped %d times%n",
            multimodal.getEstimated(),
            multimodal.getLimit() >> 20,
            multimodal.getTrippedCount()
        );
        System.out.printf(Locale.ROOT, "inference pools drained: %s (%.1f s after the clients stopped)%n", drained, drainSeconds);
        long serverErrors = outcomes.counts.entrySet()
            .stream()
            .filter(e -> e.getKey().contains(" 5"))
            .mapToLong(e -> e.getValue().get())
            .sum();
        boolean failed = serverErrors > 0 || drained == false || indexed.get() == 0 || outcomes.outOfMemory.get() > 0;
        System.out.printf(
            Locale.ROOT,
            "result: %s (5xx %d, OutOfMemoryError %d, documents indexed %d, drained %s)%n",
            failed ? "FAILED" : "passed",
            serverErrors,
            outcomes.outOfMemory.get(),
            indexed.get(),
            drained
        );
        return failed;
    }

    /** Counts each item of {@code response} by its outcome, and those indexed in {@code indexed}. */
    private static Void countItems(BulkResponse response, Outcomes outcomes, String kind, AtomicLong indexed) {
        for (BulkItemResponse item : response.getItems()) {
            if (item.isFailed()) {
                outcomes.failed(kind, item.getFailure().getCause());
            } else {
                outcomes.ok(kind);
                indexed.incrementAndGet();
            }
        }
        return null;
    }

    /** Repeats {@code request} until {@code end}, counting what it throws by kind and status. */
    private static Void loop(long end, Outcomes outcomes, String kind, Callable<Void> request) {
        while (System.nanoTime() < end) {
            try {
                request.call();
            } catch (OutOfMemoryError e) {
                outcomes.outOfMemory.incrementAndGet();
                outcomes.failed(kind, e);
            } catch (Exception e) {
                outcomes.failed(kind, e);
            }
        }
        return null;
    }

    /** Requests by kind and outcome; a 429 also by what was full. */
    private static final class Outcomes {

        final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
        final AtomicLong outOfMemory = new AtomicLong();

        void ok(String kind) {
            counts.computeIfAbsent(kind + " 200", k -> new AtomicLong()).incrementAndGet();
        }

        void failed(String kind, Throwable failure) {
            int status = failure instanceof Exception e ? ExceptionsHelper.status(e).getStatus() : 500;
            String reason = status == 429 ? " (" + fullness(failure) + ")"
                : " (" + ExceptionsHelper.unwrapCause(failure).getClass().getSimpleName() + ")";
            counts.computeIfAbsent(kind + " " + status + reason, k -> new AtomicLong()).incrementAndGet();
        }

        private static String fullness(Throwable failure) {
            String message = String.valueOf(failure.getMessage()) + " "
                + String.valueOf(ExceptionsHelper.unwrapCause(failure).getMessage());
            if (failure instanceof SearchPhaseExecutionException search) {
                // a search refused on its shards: what refused it is in the shard failures
                for (ShardSearchFailure shard : search.shardFailures()) {
                    message += " " + shard.reason();
                }
            }
            if (message.contains("[" + MultimodalSettings.BREAKER_NAME + "]")) {
                return "multimodal breaker";
            }
            if (message.contains(MultimodalSettings.TOKEN_VECTOR_BYTES_PER_REQUEST.getKey())) {
                return "per-request token cap";
            }
            if (message.contains("rejected execution") || message.contains("queue capacity")) {
                return "inference or search queue full";
            }
            if (message.contains("Data too large")) {
                return "another circuit breaker";
            }
            return "other: " + message.substring(0, Math.min(200, message.length()));
        }
    }

    /** Peaks sampled while the load runs. */
    private static final class Peaks {

        final AtomicLong heap = new AtomicLong();
        final AtomicLong rss = new AtomicLong();
        final Map<String, AtomicLong> breakers = new TreeMap<>();

        void sample(Client client) {
            heap.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
            rss.accumulateAndGet(ProcessMemory.readResidentBytes(), Math::max);
            try {
                for (CircuitBreakerStats stats : breakers(client).getAllStats()) {
                    synchronized (breakers) {
                        breakers.computeIfAbsent(stats.getName(), n -> new AtomicLong()).accumulateAndGet(stats.getEstimated(), Math::max);
                    }
                }
            } catch (RuntimeException e) {
                // a stats call refused under load: the next sample counts
            }
        }
    }

    /** The one node's stats, {@code metric} only. */
    private static NodeStats nodeStats(Client client, NodesStatsRequest.Metric metric) {
        return client.admin().cluster().prepareNodesStats().addMetric(metric.metricName()).get().getNodes().get(0);
    }

    private static AllCircuitBreakerStats breakers(Client client) {
        return nodeStats(client, NodesStatsRequest.Metric.BREAKER).getBreaker();
    }

    /** Active plus queued tasks of the plugin's two inference pools. */
    private static long inferenceBusy(Client client) {
        long busy = 0;
        for (ThreadPoolStats.Stats stats : nodeStats(client, NodesStatsRequest.Metric.THREAD_POOL).getThreadPool()) {
            if (stats.getName().startsWith("multimodal")) {
                busy += stats.getActive() + stats.getQueue();
            }
        }
        return busy;
    }

    private static long heapAfterGc() {
        System.gc();
        sleepQuietly(500);
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
