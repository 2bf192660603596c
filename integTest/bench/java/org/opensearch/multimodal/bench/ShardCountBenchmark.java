package org.opensearch.multimodal.bench;

import org.opensearch.action.search.SearchRequestBuilder;
import org.opensearch.action.search.SearchType;
import org.opensearch.common.settings.Settings;
import org.opensearch.index.query.MultiMatchQueryBuilder;
import org.opensearch.multimodal.inference.InferenceService;
import org.opensearch.multimodal.math.ScoreNormalization;
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
import org.opensearch.transport.client.Client;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One ranking whatever the sharding: the {@code multimodal} query fuses RRF, linear and GQR over the whole index on the
 * coordinating node (the shards gather their pools, the coordinating node fuses, the shards return that ranking), so
 * the same request on the same documents should rank alike on 1, 3 or 5 primary shards. One node, SciFact indexed from
 * the vector cache ({@link SciFactVectorCache}, nothing embedded) into three indices of 1, 3 and 5 shards (no replica)
 * with {@link MultiVectorDefaultsBenchmark}'s mapping: {@code title} and {@code text} with the English analyzer, bge's
 * dense vector {@code vec}, its token vectors as {@code multi_vector} {@code tokens} mapped without options (the
 * defaults of an index created now: int8, no pooling) and {@code "index": true}, sent as float32 rows in bulks of 50 at
 * the default refresh, refreshed, not force-merged. Twelve requests, each a {@link MultimodalQueryBuilder} with the
 * query's default {@code k} (100 each): BM25 alone ({@code multi_match} {@code most_fields} over title and text), dense
 * alone, RRF (the default fusion), linear min_max (BM25 0.2, dense 0.8: the weights docs/benchmarks.md's SciFact benchmark chose
 * on the dev split), GQR with the dense primary and GQR with the multi-vector primary (BM25, dense and the
 * {@code multi_vector} retriever), each at its defaults; and the six again with the {@code late_interaction} rescorer
 * (window 100, {@code replace}: docs/benchmarks.md's recommended configuration). Every request on every index, interleaved
 * query by query ({@link InterleavedQueries}), {@code query_then_fetch}, size 10, over the 270 held-out test queries
 * (every 10th test query by id is the dev split: not run, nothing here is tuned). Reports nDCG@10 per shard count, the
 * 95% paired bootstrap interval of 5 shards - 1 shard, how many queries keep the very same top 10, p50 and p99 latency
 * (client-side through the node's client, query encoding included); then growth: a fourth index of 5 shards holding
 * the corpus ten times (copy k of a document has id {@code <id>-<k>}; copies 1 to 9 have their dense and token vectors
 * perturbed by Gaussian noise of 0.01 per dimension, re-normalized, fixed seeds; the text unchanged), searched in the
 * same interleaved run, and its p50 against the 5-shard index of the corpus; and, per request and index, the time of a
 * fused search's first round and the coordinator's fusion and the shard requests it made, from the plugin's stats
 * ({@code queries.coordinated}), read before and after every search.
 * Arguments: {@code --data DIR --models DIR --home DIR [--docs N] [--queries N] [--growth true|false]
 * [--growth-tokens true|false] [--search-type query_then_fetch|dfs_query_then_fetch]} ({@code --queries}: the first N
 * held-out queries; {@code --growth-tokens false}: the growth index without token vectors, and only the requests that
 * need none on it; {@code --search-type}: every search's, {@code query_then_fetch} by default, {@code dfs_query_then_fetch}
 * to score BM25 on the whole index's term statistics, which the first round then gathers too).
 */
public final class ShardCountBenchmark {

    private static final String MODEL = SciFactVectorCache.MODEL;
    private static final int[] SHARDS = {1, 3, 5};
    private static final int SIZE = 10;
    /** docs/benchmarks.md's recommended configuration: the {@code late_interaction} rescore of the top 100, {@code replace}. */
    static final int WINDOW = 100;
    /** docs/benchmarks.md's linear min_max weights for BM25 + dense on SciFact (SciFactHybridBenchmark, chosen on the dev split). */
    static final float LINEAR_BM25 = 0.2f;
    static final float LINEAR_DENSE = 0.8f;
    private static final int COPIES = 10;
    private static final float NOISE = 0.01f;
    private static final long SEED = 20261206L;
    private static final String GROWTH_INDEX = "shards_5_x" + COPIES;
    private static final String GROWTH_LABEL = "5 shards, corpus x" + COPIES;

    /** One of the twelve requests: its name, whether it needs the token vectors, the request for an index and a query text. */
    private record Request(String name, boolean tokens, RequestFactory factory) {
    }

    private interface RequestFactory {

        SearchRequestBuilder build(Client client, String index, String text);
    }

    /** What the plugin's stats say of one method's searches: fused searches coordinated, their time, shard requests. */
    private static final class Coordinated {

        long searches;
        long coordinated;
        long millis;
        long shardRequests;
        int refused;
        String firstRefusal;
    }

    private ShardCountBenchmark() {
    }

    public static void main(String[] rawArgs) throws Exception {
        BenchArgs args = BenchArgs.parse(rawArgs, Set.of("--queries", "--growth", "--growth-tokens", "--search-type"));
        SearchType searchType = SearchType.fromString(args.get("--search-type", "query_then_fetch"));
        boolean growth = Boolean.parseBoolean(args.get("--growth", "true"));
        boolean growthTokens = Boolean.parseBoolean(args.get("--growth-tokens", "true"));
        SciFact sciFact = args.sciFact();
        if (sciFact == null) {
            return;
        }
        List<SciFact.Doc> corpus = args.corpus(sciFact);
        SciFact.Split split = sciFact.split();
        List<String> test = split.test().subList(0, Math.min(args.intOf("--queries", Integer.MAX_VALUE), split.test().size()));
        System.out.printf(
            Locale.ROOT,
            "SciFact: %d docs; %d held-out queries run (of %d; the %d dev queries, every 10th test query by id, are not run)%n",
            corpus.size(),
            test.size(),
            split.test().size(),
            split.dev().size()
        );
        // a smaller run reads its documents' vectors out of the whole corpus's cache rather than computing them
        SciFactVectorCache.subsetOfWhole(args.home(), sciFact.corpus(), corpus.size());
        Path cache = args.vectorCache(corpus);

        // a node home of its own: the other benchmarks' indices under --home are neither loaded nor touched
        Node node = BenchNode.start(args.home().resolve("shard-count"), args.models(), MODEL, "shard-count", 9259, 0, Settings.EMPTY);
        try {
            Client client = node.client();
            client.admin().cluster().prepareHealth().setWaitForYellowStatus().get();
            Map<String, String> indices = new LinkedHashMap<>();
            for (int shards : SHARDS) {
                String index = "shards_" + shards;
                MultiVectorDefaultsBenchmark.create(client, index, null, shards);
                double seconds = CachedVectorBulk.index(client, index, corpus, cache, true, 50, MultiVectorDefaultsBenchmark::source);
                describe(client, index, corpus.size(), seconds);
                indices.put(label(shards), index);
            }
            if (growth) {
                indexGrowth(client, corpus, cache, growthTokens);
                indices.put(GROWTH_LABEL, GROWTH_INDEX);
            }

            List<Request> requests = requests();
            Map<String, Function<String, SearchRequestBuilder>> methods = new LinkedHashMap<>();
            for (Map.Entry<String, String> index : indices.entrySet()) {
                for (Request request : requests) {
                    if (index.getValue().equals(GROWTH_INDEX) && request.tokens() && growthTokens == false) {
                        continue;
                    }
                    methods.put(
                        key(request, index.getKey()),
                        text -> request.factory().build(client, index.getValue(), text).setSearchType(searchType)
                    );
                }
            }
            MultimodalStats stats = node.injector().getInstance(InferenceService.class).stats();
            Map<String, Coordinated> coordinated = new LinkedHashMap<>();
            Map<String, Map<String, List<String>>> rankings = new LinkedHashMap<>();
            Map<String, double[]> latencies = new LinkedHashMap<>();
            long start = System.nanoTime();
            InterleavedQueries.run(sciFact, test, methods, SIZE, true, rankings, latencies, observer(stats, coordinated));
            System.out.printf(
                Locale.ROOT,
                "searched: %d requests x %d queries in %.0f s%n",
                methods.size(),
                test.size(),
                (System.nanoTime() - start) / 1e9
            );

            System.out.println("\n" + commandLine(rawArgs));
            reportShards(sciFact, test, requests, rankings, latencies, searchType);
            if (growth) {
                reportGrowth(requests, latencies, coordinated, growthTokens);
            }
            reportCoordination(requests, indices, latencies, coordinated);
            for (String index : indices.values()) {
                client.admin().indices().prepareDelete(index).get();
            }
        } finally {
            node.close();
        }
    }

    /** The corpus {@value #COPIES} times into one 5-shard index; without {@code tokens}, no token vectors. */
    private static void indexGrowth(Client client, List<SciFact.Doc> corpus, Path cache, boolean tokens) throws Exception {
        // The token vectors make this the long part of the run: SciFact's abstracts hold about 325 tokens each, so 10
        // copies travel as about 34 GB of base64 float32 rows (the field keeps them as int8, about 120 KB a document not
        // merged: about 6 GB on disk) and every copy's rows are perturbed here. A smoke run (--docs 500, 2 cores) indexed
        // its 5,000 copies at 57 docs/s on the 1 GB heap without a refusal (bulks of 50 documents, about 33 MB each), so
        // the 51,830 take about 15 minutes; where that is too slow, --growth-tokens false indexes the copies without
        // token vectors and runs only the requests that need none on this index.
        MultiVectorDefaultsBenchmark.create(client, GROWTH_INDEX, null, 5);
        double seconds = 0;
        for (int copy = 0; copy < COPIES; copy++) {
            SplittableRandom random = new SplittableRandom(SEED + copy);
            int c = copy;
            seconds += CachedVectorBulk.index(client, GROWTH_INDEX, corpus, cache, tokens, 50, (doc, dense, rows) -> {
                if (c > 0) {
                    dense = MultiVectorCandidateBenchmark.perturbed(random, dense, NOISE);
                    for (int r = 0; tokens && r < rows.length; r++) {
                        rows[r] = MultiVectorCandidateBenchmark.perturbed(random, rows[r], NOISE);
                    }
                }
                return tokens
                    ? MultiVectorDefaultsBenchmark.source(doc, dense, rows)
                    : Map.of("title", doc.title(), "text", doc.text(), "vec", dense);
            }, "-" + c);
        }
        describe(client, GROWTH_INDEX, corpus.size() * COPIES, seconds);
        if (tokens == false) {
            System.out.println("  (--growth-tokens false: no token vectors in this index)");
        }
    }

    /** Refreshes {@code index} and says how it was indexed: rate, default encoding, bytes a document, segments. */
    private static void describe(Client client, String index, int docs, double seconds) {
        client.admin().cluster().prepareHealth(index).setWaitForGreenStatus().get();
        client.admin().indices().prepareRefresh(index).get();
        long count = client.prepareSearch(index).setSize(0).setTrackTotalHits(true).get().getHits().getTotalHits().value();
        String encoding = client.admin()
            .indices()
            .prepareGetSettings(index)
            .get()
            .getSetting(index, "index.multimodal.multi_vector.default_encoding");
        long bytes = client.admin().indices().prepareStats(index).setStore(true).get().getTotal().getStore().sizeInBytes();
        int segments = client.admin()
            .indices()
            .prepareSegments(index)
            .get()
            .getIndices()
            .get(index)
            .getShards()
            .values()
            .stream()
            .mapToInt(shard -> shard.getAt(0).getSegments().size())
            .sum();
        System.out.printf(
            Locale.ROOT,
            "indexed [%s]: %d docs (%d searchable) in %.0f s, %.0f docs/s, default_encoding %s, %.1f KB a document, %d segments%n",
            index,
            docs,
            count,
            seconds,
            docs / seconds,
            encoding,
            bytes / 1024.0 / docs,
            segments
        );
    }

    private static List<Request> requests() {
        List<Request> plain = List.of(
            new Request(
                "bm25",
                false,
                (client, index, text) -> multimodal(client, index, text, null, retrievers(text, false, false, true))
            ),
            new Request(
                "dense",
                false,
                (client, index, text) -> multimodal(client, index, text, null, retrievers(text, true, false, false))
            ),
            new Request("rrf", false, (client, index, text) -> multimodal(client, index, text, null, retrievers(text, true, false, true))),
            new Request(
                "linear",
                false,
                (client, index, text) -> multimodal(
                    client,
                    index,
                    text,
                    new FusionSpec(FusionSpec.LINEAR, 60, ScoreNormalization.MIN_MAX, Map.of("bm25", LINEAR_BM25, "dense", LINEAR_DENSE)),
                    retrievers(text, true, false, true)
                )
            ),
            new Request(
                "gqr_dense",
                false,
                (client, index, text) -> multimodal(client, index, text, gqr("dense"), retrievers(text, true, false, true))
            ),
            new Request(
                "gqr_mv",
                true,
                (client, index, text) -> multimodal(client, index, text, gqr("tokens"), retrievers(text, true, true, true))
            )
        );
        List<Request> requests = new ArrayList<>(plain);
        for (Request request : plain) {
            requests.add(
                new Request(
                    request.name() + " + rerank",
                    true,
                    (client, index, text) -> request.factory()
                        .build(client, index, text)
                        .addRescorer(
                            new LateInteractionRescorerBuilder("tokens", text, MODEL, LateInteractionScoreMode.REPLACE, 1f, 1f),
                            WINDOW
                        )
                )
            );
        }
        return requests;
    }

    /** GQR at its defaults (pool_k 10, the primary's steps and learning rate, temperature 1, alpha 0.5, min_max). */
    static FusionSpec gqr(String primary) {
        return FusionSpec.gqr(new GqrSpec(primary, null, 10, null, null, 1f, 0.5f, ScoreNormalization.MIN_MAX));
    }

    /** The retrievers, none stating a {@code k} (the query's default, 100). */
    static Map<String, RetrieverSpec> retrievers(String text, boolean dense, boolean tokens, boolean bm25) {
        Map<String, RetrieverSpec> retrievers = new LinkedHashMap<>();
        if (bm25) {
            retrievers.put(
                "bm25",
                new LexicalRetriever(new MultiMatchQueryBuilder(text, "title", "text").type(MultiMatchQueryBuilder.Type.MOST_FIELDS), 0)
            );
        }
        if (dense) {
            retrievers.put("dense", new DenseRetriever("vec", MODEL, 0));
        }
        if (tokens) {
            retrievers.put("tokens", new MultiVectorRetriever("tokens", MODEL));
        }
        return retrievers;
    }

    /** {@code fusion} null: the default (RRF with several retrievers, the retriever's own scores with one). */
    private static SearchRequestBuilder multimodal(
        Client client,
        String index,
        String text,
        FusionSpec fusion,
        Map<String, RetrieverSpec> retrievers
    ) {
        return client.prepareSearch(index).setQuery(new MultimodalQueryBuilder(text, null, null, retrievers, fusion, null));
    }

    private static String key(Request request, String index) {
        return request.name() + " @ " + index;
    }

    /** Reads the plugin's stats before and after every recorded search and adds what changed to the search's method. */
    private static InterleavedQueries.Observer observer(MultimodalStats stats, Map<String, Coordinated> coordinated) {
        return new InterleavedQueries.Observer() {

            private long[] before;

            @Override
            public void before(String method) {
                before = coordinated(stats.snapshot());
            }

            @Override
            public void after(String method, RuntimeException refused) {
                long[] after = coordinated(stats.snapshot());
                Coordinated c = coordinated.computeIfAbsent(method, m -> new Coordinated());
                c.searches++;
                c.coordinated += after[0] - before[0];
                c.millis += after[1] - before[1];
                c.shardRequests += after[2] - before[2];
                if (refused != null) {
                    c.refused++;
                    if (c.firstRefusal == null) {
                        c.firstRefusal = refused.toString();
                    }
                }
            }
        };
    }

    /**
     * {@code queries.coordinated} of a stats snapshot: {fused searches coordinated, their first rounds' and fusions'
     * milliseconds, shard requests of those first rounds}, summed over the fusions.
     */
    private static long[] coordinated(Map<String, Object> snapshot) {
        long[] out = new long[3];
        if (snapshot.get("queries") instanceof Map<?, ?> queries && queries.get("coordinated") instanceof Map<?, ?> fused) {
            if (fused.get("latency_by_fusion") instanceof Map<?, ?> byFusion) {
                for (Object timing : byFusion.values()) {
                    if (timing instanceof Map<?, ?> t) {
                        out[0] += ((Number) t.get("count")).longValue();
                        out[1] += ((Number) t.get("time_in_millis")).longValue();
                    }
                }
            }
            if (fused.get("gather_shard_requests") instanceof Number shardRequests) {
                out[2] = shardRequests.longValue();
            }
        }
        return out;
    }

    private static void reportShards(
        SciFact sciFact,
        List<String> test,
        List<Request> requests,
        Map<String, Map<String, List<String>>> rankings,
        Map<String, double[]> latencies,
        SearchType searchType
    ) {
        System.out.printf(
            Locale.ROOT,
            "%n== nDCG@10 on the held-out queries (%d), by primary shards (%s, size %d); p50 / p99 ms over the same queries ==%n",
            test.size(),
            searchType.name().toLowerCase(Locale.ROOT),
            SIZE
        );
        System.out.println(
            "| request | nDCG@10 1 shard | 3 shards | 5 shards | 5 - 1 (95% paired bootstrap) | same top 10 as 1 shard: 3 / 5 "
                + "| p50 ms 1 / 3 / 5 | p99 ms 1 / 3 / 5 | p50 5 / 1 |"
        );
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (Request request : requests) {
            double[][] ndcg = new double[SHARDS.length][];
            double[][] latency = new double[SHARDS.length][];
            Map<String, List<String>> one = rankings.get(key(request, label(1)));
            int[] same = new int[SHARDS.length];
            for (int s = 0; s < SHARDS.length; s++) {
                Map<String, List<String>> ranking = rankings.get(key(request, label(SHARDS[s])));
                ndcg[s] = RankingMetrics.perQueryNdcg(sciFact.qrels(), test, ranking);
                latency[s] = latencies.get(key(request, label(SHARDS[s])));
                for (String id : test) {
                    same[s] += ranking.get(id).equals(one.get(id)) ? 1 : 0;
                }
            }
            double[] difference = RankingMetrics.pairedBootstrap(ndcg[2], ndcg[0], 10_000);
            System.out.printf(
                Locale.ROOT,
                "| %s | %.4f | %.4f | %.4f | %+.4f [%+.4f, %+.4f] | %d / %d of %d | %s | %s | %.2f |%n",
                request.name(),
                mean(ndcg[0]),
                mean(ndcg[1]),
                mean(ndcg[2]),
                difference[0],
                difference[1],
                difference[2],
                same[1],
                same[2],
                test.size(),
                percentiles(latency, 50),
                percentiles(latency, 99),
                RankingMetrics.percentile(latency[2], 50) / RankingMetrics.percentile(latency[0], 50)
            );
        }
        System.out.println(
            "(latency client-side through the node's client, query encoding included; all requests interleaved query by query, "
                + "the first 5 queries run once through every request first, unrecorded; p50 5 / 1: the ratio of the p50s)"
        );
    }

    private static void reportGrowth(
        List<Request> requests,
        Map<String, double[]> latencies,
        Map<String, Coordinated> coordinated,
        boolean tokens
    ) {
        System.out.printf(
            Locale.ROOT,
            "%n== growth: 5 shards, the corpus x%d (ids <id>-<k>, copies 1-%d perturbed by noise %.2f a dimension)%s ==%n",
            COPIES,
            COPIES - 1,
            NOISE,
            tokens ? "" : ", without token vectors: only the requests that need none"
        );
        System.out.println(
            "| request | p50 ms x1 / x" + COPIES + " | p99 ms x1 / x" + COPIES + " | growth p50 x" + COPIES
                + " / x1 | first round + fusion ms x1 / x" + COPIES + " | shard requests a search x1 / x" + COPIES + " |"
        );
        System.out.println("|---|---|---|---|---|---|");
        for (Request request : requests) {
            String small = key(request, label(5));
            String large = key(request, GROWTH_LABEL);
            if (latencies.containsKey(large) == false) {
                continue;
            }
            double[][] latency = {latencies.get(small), latencies.get(large)};
            System.out.printf(
                Locale.ROOT,
                "| %s | %s | %s | %.2f | %s / %s | %s / %s |%n",
                request.name(),
                percentiles(latency, 50),
                percentiles(latency, 99),
                RankingMetrics.percentile(latency[1], 50) / RankingMetrics.percentile(latency[0], 50),
                firstRound(coordinated.get(small)),
                firstRound(coordinated.get(large)),
                shardRequests(coordinated.get(small)),
                shardRequests(coordinated.get(large))
            );
        }
        System.out.println("(nDCG is not reported on the copies: the relevance judgments name the original ids)");
    }

    private static void reportCoordination(
        List<Request> requests,
        Map<String, String> indices,
        Map<String, double[]> latencies,
        Map<String, Coordinated> coordinated
    ) {
        String labels = String.join(" / ", indices.keySet());
        System.out.println("\n== where the time goes: the plugin's stats (queries.coordinated), read before and after every search ==");
        System.out.println(
            "| request | p50 ms " + labels + " | first round + fusion ms a fused search (mean) | shard requests a search | refused |"
        );
        System.out.println("|---|---|---|---|---|");
        for (Request request : requests) {
            List<String> keys = indices.keySet().stream().map(index -> key(request, index)).filter(latencies::containsKey).toList();
            System.out.printf(
                Locale.ROOT,
                "| %s | %s | %s | %s | %s |%n",
                request.name(),
                keys.stream()
                    .map(k -> String.format(Locale.ROOT, "%.1f", RankingMetrics.percentile(latencies.get(k), 50)))
                    .collect(Collectors.joining(" / ")),
                keys.stream().map(k -> firstRound(coordinated.get(k))).collect(Collectors.joining(" / ")),
                keys.stream().map(k -> shardRequests(coordinated.get(k))).collect(Collectors.joining(" / ")),
                keys.stream().map(k -> String.valueOf(coordinated.get(k).refused)).collect(Collectors.joining(" / "))
            );
        }
        for (Map.Entry<String, Coordinated> method : coordinated.entrySet()) {
            if (method.getValue().refused > 0) {
                System.out.printf(
                    Locale.ROOT,
                    "refused %d times, %s; the first: %s%n",
                    method.getValue().refused,
                    method.getKey(),
                    method.getValue().firstRefusal
                );
            }
        }
        System.out.println(
            "(first round + fusion: the stats' time from sending the shards the gathering request to the fused ranking, summed "
                + "in whole milliseconds per search, over the searches the coordinating node fused: \"-\" where it fused none, "
                + "as for one retriever without a fusion, which each shard answers alone; the rest of a search is the query "
                + "encoding before it and the second round (each shard's ranking by _id, the rescore, the fetch) after it. "
                + "Shard requests a search: the first round's, over every search of the request, on top of the second round's "
                + "one a shard. Bytes between nodes are not measured: on one node every shard request is local, nothing is "
                + "serialized onto a network; a multi-node cluster is needed for that.)"
        );
        System.out.println(
            "(the late_interaction rescorer rescores each shard's top 100 of the ranking, as any rescorer does: with more "
                + "shards more documents are rescored, so a reranked request need not rank alike across shard counts)"
        );
    }

    private static String firstRound(Coordinated c) {
        return c == null || c.coordinated == 0 ? "-" : String.format(Locale.ROOT, "%.1f", (double) c.millis / c.coordinated);
    }

    private static String shardRequests(Coordinated c) {
        return c == null || c.searches == 0 ? "-" : String.format(Locale.ROOT, "%.1f", (double) c.shardRequests / c.searches);
    }

    private static String label(int shards) {
        return shards + (shards == 1 ? " shard" : " shards");
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElse(0);
    }

    private static String percentiles(double[][] latencies, double p) {
        return Arrays.stream(latencies)
            .map(l -> String.format(Locale.ROOT, "%.1f", RankingMetrics.percentile(l, p)))
            .collect(Collectors.joining(" / "));
    }

    /** The command that runs this benchmark with these arguments (the pom adds --data, --models and --home). */
    private static String commandLine(String[] rawArgs) {
        List<String> args = Arrays.stream(rawArgs)
            .flatMap(a -> Arrays.stream(a.trim().split("\\s+")))
            .filter(a -> a.isEmpty() == false)
            .toList();
        List<String> own = BenchArgs.ownArguments(rawArgs);
        String heap = ManagementFactory.getRuntimeMXBean()
            .getInputArguments()
            .stream()
            .filter(a -> a.startsWith("-Xmx"))
            .map(a -> " -Dbench.heap=" + a.substring(4))
            .findFirst()
            .orElse("");
        return "command: ./mvnw -B -ntp -o -Pbench package -Dbench.main="
            + ShardCountBenchmark.class.getName()
            + heap
            + " -Dbench.args=\""
            + String.join(" ", own)
            + "\"\n(the JVM's arguments: "
            + String.join(" ", args)
            + ")";
    }
}
