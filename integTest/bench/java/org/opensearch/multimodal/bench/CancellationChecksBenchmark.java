package org.opensearch.multimodal.bench;

import org.opensearch.common.unit.TimeValue;
import org.opensearch.common.xcontent.XContentFactory;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.Strings;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.xcontent.MediaTypeRegistry;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.multimodal.math.ScoreNormalization;
import org.opensearch.multimodal.plugin.MultimodalPlugin;
import org.opensearch.multimodal.query.MultimodalQueryBuilder;
import org.opensearch.multimodal.query.fusion.FusionSpec;
import org.opensearch.multimodal.query.rescore.LateInteractionRescorerBuilder;
import org.opensearch.multimodal.query.rescore.LateInteractionScoreMode;
import org.opensearch.multimodal.query.retriever.RetrieverSpec;
import org.opensearch.search.builder.SearchSourceBuilder;

import static org.opensearch.multimodal.bench.ShardCountBenchmark.LINEAR_BM25;
import static org.opensearch.multimodal.bench.ShardCountBenchmark.LINEAR_DENSE;
import static org.opensearch.multimodal.bench.ShardCountBenchmark.WINDOW;
import static org.opensearch.multimodal.bench.ShardCountBenchmark.gqr;
import static org.opensearch.multimodal.bench.ShardCountBenchmark.retrievers;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * What the timeout and cancellation checks of the plugin's query path cost ({@code SearchDeadline}, issue 23: a check
 * per block of 64 scored documents, per GQR step and per segment of a lexical retriever's search, and Lucene's
 * {@code IndexSearcher.setTimeout} on the plugin's inner searcher, so Lucene's kNN asks {@code shouldExit()} per visited
 * graph node), against the build before
 * them, side by side in one run. Two child JVMs ({@link BenchNodeServer}, the parent's java and JVM flags, 1 GB heap
 * each, {@code -Djna.nosys=true}) each run one embedded node: "before" with the parent's classpath but the baseline's
 * plugin classes ({@code --baseline-classes}, e.g. 400f763 compiled: the entry of this build's {@code target/classes}
 * is replaced by it), "after" with this build's classes unchanged; each node says where its plugin classes came from
 * and whether {@code SearchDeadline} is on its classpath, and the run stops unless "before" lacks it and "after" has it.
 * The parent is part of neither cluster and talks to both over HTTP.
 *
 * <p>Data: SciFact (5,183 documents) from the vector cache ({@link SciFactVectorCache}, nothing embedded), indexed with
 * {@link ShardCountBenchmark}'s index ({@code shards_1}: 1 shard, no replica, {@code title} and {@code text} with the
 * English analyzer, bge's dense vector {@code vec}, its token vectors as an int8 {@code multi_vector} {@code tokens}
 * with {@code "index": true}, float32 rows in bulks of 10 over HTTP, refreshed, not force-merged) by a third, short-lived node
 * of this build, snapshotted to a shared {@code fs} repository and restored into both measured nodes: their segments
 * are byte for byte the same (the same HNSW graphs), which the run checks at its start and end, so neither side can
 * gain from a luckier merge.
 *
 * <p>Requests: {@link ShardCountBenchmark}'s request shapes (docs/benchmarks.md), built with the same builders and constants (its
 * builders are private to it): BM25, dense, RRF, linear min_max (BM25 0.2, dense 0.8), GQR with the dense primary, GQR
 * with the multi-vector primary, and BM25, RRF and GQR multi-vector with the {@code late_interaction} rescorer (window
 * 100, {@code replace}), at their defaults, {@code query_then_fetch}, size 10, {@code _source} off, no {@code timeout}
 * (the checks that always run: task cancellation and the Lucene timeout hook); and RRF and GQR multi-vector again
 * with {@code "timeout": "30s"} (the clock is read too). Each request's JSON is sent as is to both nodes. Warm-up: the
 * 30 dev queries (every 10th test query by id) through every request on both nodes, not recorded. Then every round
 * runs the held-out test queries (270, or the first {@code --queries}): each query through every request (rotating
 * which request goes first), each request to both nodes back to back, alternating which node goes first query by
 * query and round by round. Latency is client-side (request sent to response read, query encoding on the node
 * included). Reports per request p50 and p99 of each node over every query and round, after/before of the p50s with
 * a 95% bootstrap interval (the queries resampled with replacement, each with all its rounds, {@value #RESAMPLES}
 * resamples, fixed seed), the median of the per-query after/before ratios; and whether both nodes returned the same
 * top 10 ids for every query and round (they should: the checks change nothing unless a deadline passes), with
 * {@code timed_out} and failed responses counted.
 *
 * <p>Command (about 26 minutes on 2 cores with the build: indexing 2.5 min, warm-up 1.7 min, each round of 270 queries 10.5 min):
 *
 * <pre>
 * git worktree add /tmp/baseline-400f763 400f763
 * (cd /tmp/baseline-400f763 &amp;&amp; ./mvnw -B -ntp -o -q compile -Djacoco.skip=true)
 * ./mvnw -B -ntp -o -Pbench package -Dbench.main=org.opensearch.multimodal.bench.CancellationChecksBenchmark \
 *     -Dbench.args="--baseline-classes /tmp/baseline-400f763/target/classes"
 * </pre>
 *
 * Arguments: {@code --data DIR --models DIR --home DIR --baseline-classes DIR [--docs N] [--queries N] [--rounds N]}
 * ({@code --rounds}: 2 by default). The nodes' homes are under {@code --home}/cancellation-checks, emptied first.
 */
public final class CancellationChecksBenchmark {

    private static final String MODEL = SciFactVectorCache.MODEL;
    private static final String INDEX = "shards_1";
    private static final String INDEXED = INDEX + "_indexed";
    private static final String REPOSITORY = "cancellation_checks";
    private static final String SNAPSHOT = "corpus";
    private static final int BEFORE_PORT = 9271;
    private static final int AFTER_PORT = 9272;
    private static final int INDEXER_PORT = 9273;
    private static final int SIZE = 10;
    /** Documents a bulk: ShardCountBenchmark's 50 (about 57 MB of JSON) trip a 1 GB node's parent breaker over HTTP. */
    private static final int BULK = 10;
    private static final int RESAMPLES = 1000;
    private static final long SEED = 20261206L;
    /** The class the checks added: present in the "after" build only. */
    private static final String CHECKS_CLASS = "org/opensearch/multimodal/query/SearchDeadline.class";
    private static final HttpClient HTTP = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();

    /** One request shape: its name and its search body for a query text. */
    private record Request(String name, Function<String, SearchSourceBuilder> source) {

        String body(String text) {
            return Strings.toString(MediaTypeRegistry.JSON, source.apply(text));
        }
    }

    /** One search's answer as the client saw it. */
    private record Answer(double millis, List<String> ids, boolean timedOut, String failure) {
    }

    /** Everything recorded for one request: latencies by query and round on each node, and how the answers compared. */
    private static final class Samples {

        final double[][] before;
        final double[][] after;
        int compared;
        int same;
        String firstDifference;
        int timedOutBefore;
        int timedOutAfter;
        int failedBefore;
        int failedAfter;
        String firstFailure;

        Samples(int queries, int rounds) {
            before = new double[queries][rounds];
            after = new double[queries][rounds];
        }
    }

    private CancellationChecksBenchmark() {
    }

    public static void main(String[] rawArgs) throws Exception {
        BenchArgs args = BenchArgs.parse(rawArgs, Set.of("--baseline-classes", "--queries", "--rounds"));
        Path baseline = Path.of(Objects.requireNonNull(args.get("--baseline-classes", null), "--baseline-classes DIR is required"));
        int rounds = args.intOf("--rounds", 2);
        SciFact sciFact = args.sciFact();
        if (sciFact == null) {
            return;
        }
        List<SciFact.Doc> corpus = args.corpus(sciFact);
        SciFact.Split split = sciFact.split();
        List<String> test = split.test().subList(0, Math.min(args.intOf("--queries", Integer.MAX_VALUE), split.test().size()));
        SciFactVectorCache.subsetOfWhole(args.home(), sciFact.corpus(), corpus.size());
        Path cache = args.vectorCache(corpus);
        Path root = emptied(args.home().resolve("cancellation-checks"));
        Path repo = Files.createDirectories(root.resolve("repo"));
        String afterClasspath = System.getProperty("java.class.path");
        String beforeClasspath = withBaseline(afterClasspath, baseline);
        System.out.printf(
            Locale.ROOT,
            "SciFact: %d docs; %d held-out queries x %d rounds measured, %d dev queries for the warm-up%n",
            corpus.size(),
            test.size(),
            rounds,
            split.dev().size()
        );

        List<ChildNode> started = new CopyOnWriteArrayList<>();
        // a parent stopped by a signal (Ctrl-C in Maven) still takes its nodes with it
        Thread reaper = new Thread(() -> started.forEach(ChildNode::kill), "bench-node-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        try {
            try (ChildNode indexer = ChildNode.start("indexer", afterClasspath, root, args.models(), repo, INDEXER_PORT, started)) {
                indexAndSnapshot(indexer, corpus, cache);
            }
            ChildNode before = ChildNode.start("before", beforeClasspath, root, args.models(), repo, BEFORE_PORT, started);
            ChildNode after = ChildNode.start("after", afterClasspath, root, args.models(), repo, AFTER_PORT, started);
            requireBuilds(before, after);
            String segments = restoreBoth(before, after);

            List<Request> requests = requests();
            long start = System.nanoTime();
            warmUp(sciFact, split.dev(), requests, before, after);
            System.out.printf(
                Locale.ROOT,
                "warm-up: %d queries x %d requests x 2 nodes in %.0f s%n",
                split.dev().size(),
                requests
                    .size(),
                seconds(start)
            );
            Map<String, Samples> samples = measure(sciFact, test, rounds, requests, before, after);
            String segmentsAtEnd = sameSegments(before, after);

            System.out.println("\n" + commandLine(rawArgs));
            System.out.println("before: " + before.ready + "\nafter:  " + after.ready);
            System.out.println("child JVM flags: " + String.join(" ", jvmFlags(Path.of("<home>/tmp"))));
            System.out.println(
                "segments (identical on both nodes at start and end: " + segments.equals(segmentsAtEnd) + "):\n" + segments.strip()
            );
            Request example = requests.stream().filter(r -> r.name().equals("gqr_mv + rerank")).findFirst().orElseThrow();
            System.out.println("the body of gqr_mv + rerank for the first query: " + example.body(sciFact.queries().get(test.get(0))));
            report(requests, samples, test.size(), rounds);
        } finally {
            started.forEach(ChildNode::close);
            Runtime.getRuntime().removeShutdownHook(reaper);
        }
    }

    private static List<Request> requests() {
        Request bm25 = new Request("bm25", text -> multimodal(text, null, retrievers(text, false, false, true)));
        Request dense = new Request("dense", text -> multimodal(text, null, retrievers(text, true, false, false)));
        Request rrf = new Request("rrf", text -> multimodal(text, null, retrievers(text, true, false, true)));
        FusionSpec linearSpec = new FusionSpec(
            FusionSpec.LINEAR,
            60,
            ScoreNormalization.MIN_MAX,
            Map.of("bm25", LINEAR_BM25, "dense", LINEAR_DENSE)
        );
        Request linear = new Request("linear", text -> multimodal(text, linearSpec, retrievers(text, true, false, true)));
        Request gqrDense = new Request("gqr_dense", text -> multimodal(text, gqr("dense"), retrievers(text, true, false, true)));
        Request gqrMv = new Request("gqr_mv", text -> multimodal(text, gqr("tokens"), retrievers(text, true, true, true)));
        return List.of(
            bm25,
            dense,
            rrf,
            linear,
            gqrDense,
            gqrMv,
            reranked(bm25),
            reranked(rrf),
            reranked(gqrMv),
            withTimeout(rrf),
            withTimeout(gqrMv)
        );
    }

    private static Request reranked(Request request) {
        return new Request(
            request.name() + " + rerank",
            text -> request.source()
                .apply(text)
                .addRescorer(
                    new LateInteractionRescorerBuilder("tokens", text, MODEL, LateInteractionScoreMode.REPLACE, 1f, 1f).windowSize(WINDOW)
                )
        );
    }

    /** The request with a search timeout far above its latency: it never passes, but the checks now read the clock. */
    private static Request withTimeout(Request request) {
        return new Request(request.name() + ", timeout 30s", text -> request.source().apply(text).timeout(TimeValue.timeValueSeconds(30)));
    }

    /** {@code fusion} null: the default (RRF with several retrievers, the retriever's own scores with one). */
    private static SearchSourceBuilder multimodal(String text, FusionSpec fusion, Map<String, RetrieverSpec> retrievers) {
        return new SearchSourceBuilder().query(new MultimodalQueryBuilder(text, null, null, retrievers, fusion, null))
            .size(SIZE)
            .fetchSource(false);
    }

    /** SciFact into {@value #INDEXED} on {@code node} from the vector cache, flushed and snapshotted. */
    private static void indexAndSnapshot(ChildNode node, List<SciFact.Doc> corpus, Path cache) throws IOException, InterruptedException {
        node.call("PUT", "/" + INDEXED, String.format(Locale.ROOT, """
            {"settings": {"index.number_of_shards": 1, "index.number_of_replicas": 0},
             "mappings": {"properties": {
              "title": {"type": "text", "analyzer": "english"}, "text": {"type": "text", "analyzer": "english"},
              "vec": {"type": "dense_vector", "dims": 384, "similarity": "cosine", "model": "%s"},
              "tokens": {"type": "multi_vector", "dims": 384, "model": "%s", "index": true}}}}""", MODEL, MODEL));
        long start = System.nanoTime();
        ByteArrayOutputStream bulk = new ByteArrayOutputStream();
        int[] pending = {0};
        SciFactVectorCache.read(cache, corpus, true, (doc, dense, tokens) -> {
            bulk.write(("{\"index\": {\"_id\": \"" + doc.id() + "\"}}\n").getBytes(StandardCharsets.UTF_8));
            try (XContentBuilder source = XContentFactory.jsonBuilder()) {
                source.map(MultiVectorDefaultsBenchmark.source(doc, dense, tokens));
                BytesReference.bytes(source).writeTo(bulk);
            }
            bulk.write('\n');
            if (++pending[0] == BULK) {
                sendBulk(node, bulk);
                pending[0] = 0;
            }
        });
        if (pending[0] > 0) {
            sendBulk(node, bulk);
        }
        node.call("POST", "/" + INDEXED + "/_refresh", null);
        // the snapshot copies the last commit: flush so it holds every document
        node.call("POST", "/" + INDEXED + "/_flush", null);
        Map<String, Object> count = node.call("GET", "/" + INDEXED + "/_count", null);
        System.out.printf(
            Locale.ROOT,
            "indexed [%s] on the indexer node: %d docs (%s searchable) in %.0f s%n",
            INDEXED,
            corpus.size(),
            count.get("count"),
            seconds(start)
        );
        registerRepository(node, false);
        node.call("PUT", "/_snapshot/" + REPOSITORY + "/" + SNAPSHOT + "?wait_for_completion=true", String.format(Locale.ROOT, """
            {"indices": "%s", "include_global_state": false}""", INDEXED));
    }

    /**
     * Sends the bulk, again after a pause while the node's parent breaker refuses it (429: a 1 GB node parsing a
     * bulk's JSON holds several times its size for a moment; only the indexer's speed depends on it).
     */
    private static void sendBulk(ChildNode node, ByteArrayOutputStream bulk) throws IOException {
        String body = bulk.toString(StandardCharsets.UTF_8);
        bulk.reset();
        for (int attempt = 1;; attempt++) {
            HttpResponse<String> response = node.exchange("POST", "/" + INDEXED + "/_bulk?timeout=10m", body);
            if (response.statusCode() == 429 && attempt < 20) {
                pause(500L * attempt);
                continue;
            }
            Map<String, Object> answer = parse(node.checked(response, "bulk").getBytes(StandardCharsets.UTF_8));
            if (Boolean.TRUE.equals(answer.get("errors"))) {
                String text = answer.toString();
                throw new IllegalStateException("a bulk failed: " + text.substring(0, Math.min(2000, text.length())));
            }
            return;
        }
    }

    private static void pause(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static void registerRepository(ChildNode node, boolean readonly) throws IOException {
        node.call("PUT", "/_snapshot/" + REPOSITORY, String.format(Locale.ROOT, """
            {"type": "fs", "settings": {"location": "%s", "readonly": %s}}""", node.repo, readonly));
    }

    /** Restores the snapshot as {@value #INDEX} on both nodes; returns their (identical) segments. */
    private static String restoreBoth(ChildNode before, ChildNode after) throws IOException {
        for (ChildNode node : List.of(before, after)) {
            registerRepository(node, true);
            node.call(
                "POST",
                "/_snapshot/" + REPOSITORY + "/" + SNAPSHOT + "/_restore?wait_for_completion=true",
                String.format(
                    Locale.ROOT,
                    """
                        {"indices": "%s", "rename_pattern": "%s", "rename_replacement": "%s", "include_global_state": false}""",
                    INDEXED,
                    INDEXED,
                    INDEX
                )
            );
            node.call("GET", "/_cluster/health/" + INDEX + "?wait_for_status=green&timeout=5m", null);
        }
        return sameSegments(before, after);
    }

    /** The index's segments (name, documents, bytes) on both nodes, failing unless they are the same. */
    private static String sameSegments(ChildNode before, ChildNode after) throws IOException {
        String path = "/_cat/segments/" + INDEX + "?h=segment,docs.count,size&bytes=b&s=segment";
        String expected = before.text(path);
        String actual = after.text(path);
        if (expected.equals(actual) == false) {
            throw new IllegalStateException("the nodes' segments differ:\nbefore:\n" + expected + "after:\n" + actual);
        }
        return expected;
    }

    private static void warmUp(SciFact sciFact, List<String> queries, List<Request> requests, ChildNode before, ChildNode after)
        throws IOException, InterruptedException {
        for (int q = 0; q < queries.size(); q++) {
            for (Request request : requests) {
                String body = request.body(sciFact.queries().get(queries.get(q)));
                for (ChildNode node : q % 2 == 0 ? List.of(before, after) : List.of(after, before)) {
                    Answer answer = search(node, body);
                    if (answer.failure() != null) {
                        throw new IllegalStateException(
                            "warm-up search failed on " + node.label + ", " + request.name() + ": " + answer.failure()
                        );
                    }
                }
            }
        }
    }

    private static Map<String, Samples> measure(
        SciFact sciFact,
        List<String> queries,
        int rounds,
        List<Request> requests,
        ChildNode before,
        ChildNode after
    ) throws IOException, InterruptedException {
        Map<String, Samples> samples = new LinkedHashMap<>();
        requests.forEach(request -> samples.put(request.name(), new Samples(queries.size(), rounds)));
        long start = System.nanoTime();
        for (int round = 0; round < rounds; round++) {
            for (int q = 0; q < queries.size(); q++) {
                String text = sciFact.queries().get(queries.get(q));
                boolean beforeFirst = (q + round) % 2 == 0;
                for (int m = 0; m < requests.size(); m++) {
                    Request request = requests.get((m + q + round) % requests.size());
                    String body = request.body(text);
                    Answer first = search(beforeFirst ? before : after, body);
                    Answer second = search(beforeFirst ? after : before, body);
                    record(
                        samples.get(request.name()),
                        q,
                        round,
                        beforeFirst ? first : second,
                        beforeFirst ? second : first,
                        queries.get(q)
                    );
                }
                if ((q + 1) % 50 == 0 || q + 1 == queries.size()) {
                    System.out.printf(
                        Locale.ROOT,
                        "  round %d/%d: %d/%d queries, %.0f s%n",
                        round + 1,
                        rounds,
                        q + 1,
                        queries.size(),
                        seconds(
                            start
                        )
                    );
                }
            }
        }
        return samples;
    }

    private static void record(Samples s, int q, int round, Answer before, Answer after, String queryId) {
        s.before[q][round] = before.millis();
        s.after[q][round] = after.millis();
        s.timedOutBefore += before.timedOut() ? 1 : 0;
        s.timedOutAfter += after.timedOut() ? 1 : 0;
        s.failedBefore += before.failure() != null ? 1 : 0;
        s.failedAfter += after.failure() != null ? 1 : 0;
        if (s.firstFailure == null && (before.failure() != null || after.failure() != null)) {
            s.firstFailure = "query " + queryId + ": before " + before.failure() + ", after " + after.failure();
        }
        if (before.failure() == null && after.failure() == null) {
            s.compared++;
            if (before.ids().equals(after.ids())) {
                s.same++;
            } else if (s.firstDifference == null) {
                s.firstDifference = "query " + queryId + ", round " + (round + 1) + ": before " + before.ids() + ", after " + after.ids();
            }
        }
    }

    /** One search, timed from sending the request to having read the whole response. */
    private static Answer search(ChildNode node, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(node.uri("/" + INDEX + "/_search?search_type=query_then_fetch"))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofMinutes(5))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
        long start = System.nanoTime();
        HttpResponse<byte[]> response = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
        double millis = (System.nanoTime() - start) / 1e6;
        if (response.statusCode() != 200) {
            String text = new String(response.body(), StandardCharsets.UTF_8);
            return new Answer(millis, List.of(), false, response.statusCode() + " " + text.substring(0, Math.min(300, text.length())));
        }
        Map<String, Object> json = parse(response.body());
        List<String> ids = new ArrayList<>();
        if (json.get("hits") instanceof Map<?, ?> hits && hits.get("hits") instanceof List<?> list) {
            for (Object hit : list) {
                ids.add(String.valueOf(((Map<?, ?>) hit).get("_id")));
            }
        }
        return new Answer(millis, ids, Boolean.TRUE.equals(json.get("timed_out")), null);
    }

    private static void report(List<Request> requests, Map<String, Samples> samples, int queries, int rounds) {
        System.out.printf(
            Locale.ROOT,
            "%n== latency: before = the plugin classes of --baseline-classes, after = this build's; %d queries x %d rounds ==%n",
            queries,
            rounds
        );
        System.out.println(
            "| request | p50 ms before | p50 ms after | after/before p50 (95% bootstrap) | p99 ms before | p99 ms after "
                + "| median per-query after/before |"
        );
        System.out.println("|---|---|---|---|---|---|---|");
        String worst = null;
        double worstHigh = 0;
        for (Request request : requests) {
            Samples s = samples.get(request.name());
            double[] before = flat(s.before);
            double[] after = flat(s.after);
            double[] ratio = ratioOfMedians(s.before, s.after);
            System.out.printf(
                Locale.ROOT,
                "| %s | %.1f | %.1f | %.3f [%.3f, %.3f] | %.1f | %.1f | %.3f |%n",
                request.name(),
                RankingMetrics.percentile(before, 50),
                RankingMetrics.percentile(after, 50),
                ratio[0],
                ratio[1],
                ratio[2],
                RankingMetrics.percentile(before, 99),
                RankingMetrics.percentile(after, 99),
                RankingMetrics.medianRatio(after, before)
            );
            if (ratio[2] > worstHigh) {
                worstHigh = ratio[2];
                worst = request.name();
            }
        }
        System.out.printf(
            Locale.ROOT,
            "(client-side over HTTP, query encoding included; nearest-rank percentiles over every query and round; the interval "
                + "resamples the queries, each with all its rounds, %d times, seed %d; the per-query ratio pairs each query's "
                + "and round's two searches; the highest upper bound: %.3f, %s; target: the checks cost under 2%%, ratio < 1.02)%n",
            RESAMPLES,
            SEED,
            worstHigh,
            worst
        );
        reportAnswers(requests, samples);
    }

    private static void reportAnswers(List<Request> requests, Map<String, Samples> samples) {
        System.out.println("\n== the same answers: top 10 ids of both nodes, every query and round ==");
        System.out.println("| request | same top 10 | mismatches | timed_out before / after | failed before / after |");
        System.out.println("|---|---|---|---|---|");
        int mismatches = 0;
        for (Request request : requests) {
            Samples s = samples.get(request.name());
            mismatches += s.compared - s.same;
            System.out.printf(
                Locale.ROOT,
                "| %s | %d of %d | %d | %d / %d | %d / %d |%n",
                request.name(),
                s.same,
                s.compared,
                s.compared - s.same,
                s.timedOutBefore,
                s.timedOutAfter,
                s.failedBefore,
                s.failedAfter
            );
        }
        System.out.println("mismatches in all: " + mismatches);
        for (Request request : requests) {
            Samples s = samples.get(request.name());
            if (s.firstDifference != null) {
                System.out.println("first mismatch, " + request.name() + ": " + s.firstDifference);
            }
            if (s.firstFailure != null) {
                System.out.println("first failure, " + request.name() + ": " + s.firstFailure);
            }
        }
    }

    /**
     * After/before of the median latencies and its 95% bootstrap interval: the queries resampled with replacement,
     * each bringing all its rounds, so a query's rounds are not counted as independent. {point, low, high}.
     */
    static double[] ratioOfMedians(double[][] before, double[][] after) {
        Random random = new Random(SEED);
        int queries = before.length;
        double[] ratios = new double[RESAMPLES];
        int[] picked = new int[queries];
        for (int r = 0; r < RESAMPLES; r++) {
            for (int i = 0; i < queries; i++) {
                picked[i] = random.nextInt(queries);
            }
            ratios[r] = median(after, picked) / median(before, picked);
        }
        double point = RankingMetrics.percentile(flat(after), 50) / RankingMetrics.percentile(flat(before), 50);
        return new double[]{point, RankingMetrics.percentile(ratios, 2.5), RankingMetrics.percentile(ratios, 97.5)};
    }

    private static double median(double[][] latencies, int[] queries) {
        return RankingMetrics.percentile(Arrays.stream(queries).mapToObj(q -> latencies[q]).flatMapToDouble(Arrays::stream).toArray(), 50);
    }

    private static double[] flat(double[][] latencies) {
        return Arrays.stream(latencies).flatMapToDouble(Arrays::stream).toArray();
    }

    /** The command that runs this benchmark with these arguments (the pom adds --data, --models and --home). */
    private static String commandLine(String[] rawArgs) {
        List<String> args = Arrays.stream(rawArgs)
            .flatMap(a -> Arrays.stream(a.trim().split("\\s+")))
            .filter(a -> a.isEmpty() == false)
            .toList();
        List<String> own = BenchArgs.ownArguments(rawArgs);
        return "command: ./mvnw -B -ntp -o -Pbench package -Dbench.main="
            + CancellationChecksBenchmark.class.getName()
            + " -Dbench.args=\""
            + String.join(" ", own)
            + "\"\n(the JVM's arguments: "
            + String.join(" ", args)
            + "; java "
            + Runtime.version()
            + ", "
            + Runtime.getRuntime().availableProcessors()
            + " cores)";
    }

    /**
     * The parent's classpath with the entry holding this build's plugin classes replaced by {@code baseline}: the
     * benchmark's own classes and every dependency stay, only the plugin's code is the other build's.
     */
    private static String withBaseline(String classpath, Path baseline) throws URISyntaxException {
        if (Files.exists(baseline.resolve(CHECKS_CLASS))) {
            throw new IllegalArgumentException(baseline + " holds " + CHECKS_CLASS + ": it is not a build without the checks");
        }
        Path ours = Path.of(MultimodalPlugin.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toAbsolutePath()
            .normalize();
        List<String> entries = Arrays.asList(classpath.split(File.pathSeparator));
        List<String> replaced = entries.stream()
            .map(
                entry -> Path.of(entry).toAbsolutePath().normalize().equals(ours) ? baseline.toAbsolutePath().normalize().toString() : entry
            )
            .toList();
        long matches = entries.stream().filter(entry -> Path.of(entry).toAbsolutePath().normalize().equals(ours)).count();
        if (matches != 1) {
            throw new IllegalStateException("expected the plugin's classes " + ours + " once on the classpath, found " + matches);
        }
        System.out.println("before: " + ours + " replaced by " + baseline.toAbsolutePath().normalize() + " on the nodes' classpath");
        return String.join(File.pathSeparator, replaced);
    }

    /** Stops unless "before" runs without the checks' class and "after" with it. */
    private static void requireBuilds(ChildNode before, ChildNode after) {
        if (before.ready.contains("SearchDeadline=false") == false || after.ready.contains("SearchDeadline=true") == false) {
            throw new IllegalStateException("the nodes do not run the builds meant:\n" + before.ready + "\n" + after.ready);
        }
    }

    /**
     * The parent's JVM flags (the bench profile's: collector, vector module, native access, ...) for a node, with its
     * own temporary directory (ONNX Runtime unpacks its native library there), a 1 GB heap and the system's JNA off.
     */
    private static List<String> jvmFlags(Path tmp) {
        List<String> flags = new ArrayList<>();
        for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (Stream.of("-Xms", "-Xmx", "-Djava.io.tmpdir=", "-Djna.nosys=").noneMatch(flag::startsWith)) {
                flags.add(flag);
            }
        }
        flags.addAll(List.of("-Xms1g", "-Xmx1g", "-Djna.nosys=true", "-Djava.io.tmpdir=" + tmp));
        return flags;
    }

    private static Path emptied(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
        return Files.createDirectories(dir);
    }

    private static Map<String, Object> parse(byte[] json) {
        return XContentHelper.convertToMap(new BytesArray(json), false, XContentType.JSON).v2();
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** A node in a JVM of its own ({@link BenchNodeServer}); its output goes to {@code node.out} in its home. */
    private static final class ChildNode implements AutoCloseable {

        final String label;
        final Process process;
        final int port;
        final Path repo;
        final String ready;

        private ChildNode(String label, Process process, int port, Path repo, String ready) {
            this.label = label;
            this.process = process;
            this.port = port;
            this.repo = repo;
            this.ready = ready;
        }

        /** Starts the node and waits until it serves; {@code started} is told of it at once, so a failure still stops it. */
        static ChildNode start(String label, String classpath, Path root, Path models, Path repo, int port, List<ChildNode> started)
            throws IOException, InterruptedException {
            Path home = Files.createDirectories(root.resolve(label));
            List<String> command = new ArrayList<>();
            command.add(ProcessHandle.current().info().command().orElseThrow());
            command.addAll(jvmFlags(Files.createDirectories(home.resolve("tmp"))));
            command.add(BenchNodeServer.class.getName());
            command.addAll(
                List.of(
                    "--home",
                    home.toAbsolutePath().toString(),
                    "--models",
                    models.toAbsolutePath().toString(),
                    "--cluster",
                    "cancellation-" + label,
                    "--port",
                    String.valueOf(port),
                    "--repo",
                    repo.toAbsolutePath().toString()
                )
            );
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            // the classpath travels in the environment, as the pom passes it: ONNX Runtime's native init fails on a very
            // long command line
            builder.environment().put("CLASSPATH", classpath);
            Process process = builder.start();
            CompletableFuture<String> ready = new CompletableFuture<>();
            ChildNode starting = new ChildNode(label, process, port, repo.toAbsolutePath(), null);
            started.add(starting);
            Thread reader = new Thread(() -> copyOutput(process, home.resolve("node.out"), ready), "bench-node-" + label);
            reader.setDaemon(true);
            reader.start();
            long start = System.nanoTime();
            try {
                String line = ready.get(300, TimeUnit.SECONDS);
                ChildNode node = new ChildNode(label, process, port, repo.toAbsolutePath(), line);
                started.set(started.indexOf(starting), node);
                System.out.printf(Locale.ROOT, "node %s ready in %.0f s: %s%n", label, seconds(start), line);
                return node;
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("node " + label + " did not start; see " + home.resolve("node.out"), e);
            }
        }

        private static void copyOutput(Process process, Path log, CompletableFuture<String> ready) {
            try (
                BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)
            ) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    out.println(line);
                    if (line.startsWith(BenchNodeServer.READY)) {
                        ready.complete(line);
                    }
                }
            } catch (IOException e) {
                ready.completeExceptionally(new UncheckedIOException(e));
            }
            ready.completeExceptionally(new IllegalStateException("the node's output ended before it was ready"));
        }

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + port + path);
        }

        /** A JSON call that must succeed; its response. */
        Map<String, Object> call(String method, String path, String body) throws IOException {
            return parse(send(method, path, body).getBytes(StandardCharsets.UTF_8));
        }

        /** A call that must succeed; its response as text. */
        String text(String path) throws IOException {
            return send("GET", path, null);
        }

        private String send(String method, String path, String body) throws IOException {
            return checked(exchange(method, path, body), method + " " + path);
        }

        /** The response's body; an exception naming {@code what} unless it succeeded. */
        String checked(HttpResponse<String> response, String what) {
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(label + ": " + what + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        }

        HttpResponse<String> exchange(String method, String path, String body) throws IOException {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofMinutes(30));
            if (body != null) {
                request.header("Content-Type", body.startsWith("{\"index\"") ? "application/x-ndjson" : "application/json");
            }
            request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            try {
                return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }

        /** Closing its standard input stops the node (BenchNodeServer closes it and exits). */
        @Override
        public void close() {
            try {
                process.getOutputStream().close();
                if (process.waitFor(120, TimeUnit.SECONDS) == false) {
                    kill();
                }
            } catch (IOException e) {
                kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
            }
        }

        void kill() {
            process.destroyForcibly();
        }
    }
}
