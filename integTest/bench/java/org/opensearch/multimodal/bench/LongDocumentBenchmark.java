package org.opensearch.multimodal.bench;

import org.opensearch.action.admin.indices.stats.IndicesStatsResponse;
import org.opensearch.action.bulk.BulkRequestBuilder;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.action.search.SearchRequestBuilder;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.index.query.MultiMatchQueryBuilder;
import org.opensearch.index.reindex.ReindexAction;
import org.opensearch.index.reindex.ReindexRequestBuilder;
import org.opensearch.multimodal.chunking.ChunkingOptions;
import org.opensearch.multimodal.chunking.TokenWindows;
import org.opensearch.multimodal.math.ScoreNormalization;
import org.opensearch.multimodal.model.BuiltinModels;
import org.opensearch.multimodal.model.ModelRegistry;
import org.opensearch.multimodal.model.TextModel;
import org.opensearch.multimodal.query.MultimodalQueryBuilder;
import org.opensearch.multimodal.query.fusion.FusionSpec;
import org.opensearch.multimodal.query.fusion.GqrSpec;
import org.opensearch.multimodal.query.rescore.LateInteractionRescorerBuilder;
import org.opensearch.multimodal.query.rescore.LateInteractionScoreMode;
import org.opensearch.multimodal.query.retriever.DenseRetriever;
import org.opensearch.multimodal.query.retriever.LexicalRetriever;
import org.opensearch.multimodal.query.retriever.RetrieverParams;
import org.opensearch.multimodal.query.retriever.RetrieverSpec;
import org.opensearch.node.Node;
import org.opensearch.transport.client.Client;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Long documents (issue 24): SciFact's abstracts grouped 8 to a document in corpus order (about 2,400 tokens each; a
 * document is relevant to a query when it holds an abstract relevant to it, with that abstract's grade), indexed through
 * {@code embed_text} pipelines on one node. {@code --phase dev}: chunked dense for each {@code --configs} chunking
 * (max_tokens/overlap_tokens/boundary, comma-separated), nDCG@10 on the 30 dev queries (every 10th test query by id) to
 * choose by. {@code --phase report --chunking M/O/B}: the long documents cut at the window (dense) and chunked with the
 * chosen chunking (chunked dense + int8 token vectors), through pipelines in bulks of 20, and 1,040 abstracts through the
 * same pipeline in bulks of 160 (as many tokens a bulk) for the ingest rate; every abstract with its cached vectors (the
 * same model, text by text) for quality and latency. nDCG@10 on the 270 held-out queries with paired bootstrap
 * intervals, ingest in embedded tokens per second, p50 latencies of the same requests on both collections, and disk per
 * document. {@code --phase queries}: the quality and latency part alone, on the indices a report run left in
 * {@code --home}. Every request answers its hits' ids without {@code _source} (see {@link #search}).
 * {@code --phase rewrite}: the long documents' indices written again by this build (no embedding), then the queries.
 * Arguments: {@code --data DIR --models DIR --home DIR --phase dev|report|queries|rewrite [--configs ...] [--chunking ...]}.
 */
public final class LongDocumentBenchmark {

    private static final String MODEL = SciFactVectorCache.MODEL;
    private static final int GROUP = 8;
    private static final int K = 100;
    private static final int RERANK_WINDOW = 50;
    /** Long documents a bulk: 20, about 50,000 tokens, as the 1 GB node takes them. */
    private static final int BULK_DOCS = 20;

    private LongDocumentBenchmark() {
    }

    public static void main(String[] rawArgs) throws Exception {
        BenchArgs args = BenchArgs.parse(rawArgs, Set.of("--phase", "--configs", "--chunking"));
        SciFact sciFact = args.sciFact();
        if (sciFact == null) {
            return;
        }
        SciFact longDocs = grouped(sciFact);
        SciFact.Split split = sciFact.split();
        System.out.printf(
            Locale.ROOT,
            "SciFact: %d abstracts -> %d long documents of %d; %d queries = %d dev + %d held out%n",
            sciFact.corpus().size(),
            longDocs.corpus().size(),
            GROUP,
            split.all().size(),
            split.dev().size(),
            split.test().size()
        );
        // a document of 8 abstracts holds up to about 1,700 pooled token rows (int8, pool_factor 4): past the default 1,024
        Settings longDocuments = Settings.builder().put("plugins.multimodal.multi_vector.max_vectors_per_document", 4096).build();
        Node node = BenchNode.start(args.home(), args.models(), MODEL, "long-documents", 9257, 0, longDocuments);
        try {
            Client client = node.client();
            String phase = args.get("--phase", "dev");
            if ("dev".equals(phase)) {
                dev(client, longDocs, split, args.get("--configs", "510/51/sentence,256/25/sentence,128/12/sentence"));
            } else if ("rewrite".equals(phase)) {
                client.admin().cluster().prepareHealth().setWaitForGreenStatus().setTimeout(TimeValue.timeValueMinutes(5)).get();
                String chosen = args.get("--chunking", "256/25/sentence");
                rewrite(client, "long_chunked", chunking(chosen), 1);
                rewrite(client, "long_chunked_3", chunking(chosen), 3);
                queries(client, sciFact, longDocs, split, chosen);
            } else if ("gqr".equals(phase)) {
                client.admin().cluster().prepareHealth().setWaitForGreenStatus().setTimeout(TimeValue.timeValueMinutes(5)).get();
                gqr(client, longDocs, split, args.get("--chunking", "256/25/sentence"));
            } else if ("passages".equals(phase)) {
                passages(client, sciFact, longDocs, split, args.get("--chunking", "256/25/sentence"));
            } else if ("queries".equals(phase)) {
                // the report run's indices, recovered from the node's data directory first
                client.admin().cluster().prepareHealth().setWaitForGreenStatus().setTimeout(TimeValue.timeValueMinutes(5)).get();
                queries(client, sciFact, longDocs, split, args.get("--chunking", "256/25/sentence"));
            } else {
                report(client, sciFact, longDocs, split, args.get("--chunking", "256/25/sentence"), args.vectorCache(sciFact.corpus()));
            }
        } finally {
            node.close();
        }
    }

    /** The long-document collection: every 8 abstracts in corpus order, joined by blank lines; qrels carried over. */
    static SciFact grouped(SciFact sciFact) {
        List<SciFact.Doc> docs = new ArrayList<>();
        Map<String, String> owner = new HashMap<>();
        List<SciFact.Doc> corpus = sciFact.corpus();
        for (int from = 0; from < corpus.size(); from += GROUP) {
            String id = "L" + (from / GROUP);
            StringBuilder text = new StringBuilder();
            for (SciFact.Doc doc : corpus.subList(from, Math.min(from + GROUP, corpus.size()))) {
                text.append(text.isEmpty() ? "" : "\n\n").append(doc.titleAndText());
                owner.put(doc.id(), id);
            }
            docs.add(new SciFact.Doc(id, "", text.toString()));
        }
        Map<String, Map<String, Integer>> qrels = new HashMap<>();
        sciFact.qrels().forEach((query, judged) -> judged.forEach((doc, grade) -> {
            if (owner.containsKey(doc)) {
                qrels.computeIfAbsent(query, q -> new HashMap<>()).merge(owner.get(doc), grade, Math::max);
            }
        }));
        return new SciFact(docs, sciFact.queries(), qrels);
    }

    private static void dev(Client client, SciFact longDocs, SciFact.Split split, String configs) throws Exception {
        Map<String, Function<String, SearchRequestBuilder>> methods = new LinkedHashMap<>();
        for (String config : configs.split(",")) {
            String index = "long_" + config.replace('/', '_');
            double seconds = index(client, index, longDocs.corpus(), chunking(config), false, BULK_DOCS);
            System.out.printf(Locale.ROOT, "indexed %s (chunking %s) in %.0f s%n", index, config, seconds);
            methods.put("chunked dense, chunking " + config, text -> dense(client, index, "vec", text));
        }
        Map<String, Map<String, List<String>>> rankings = new LinkedHashMap<>();
        Map<String, double[]> latencies = new LinkedHashMap<>();
        InterleavedQueries.run(longDocs, split.dev(), methods, K, true, rankings, latencies);
        System.out.println("| chunking (max_tokens/overlap_tokens/boundary) | nDCG@10 dev (30 queries) |");
        System.out.println("|---|---|");
        rankings.forEach(
            (method, ranking) -> System.out.printf(
                Locale.ROOT,
                "| %s | %.4f |%n",
                method,
                RankingMetrics.meanNdcg(longDocs.qrels(), split.dev(), ranking)
            )
        );
    }

    private static void report(Client client, SciFact sciFact, SciFact longDocs, SciFact.Split split, String chosen, Path cache)
        throws Exception {
        String chunking = chunking(chosen);
        // ingest speed: 1,040 abstracts through the same pipeline as the long documents, in bulks of as many tokens
        List<SciFact.Doc> ingestSample = sciFact.corpus().subList(0, 1040);
        double abstractSeconds = index(client, "abstracts_ingest", ingestSample, null, true, GROUP * BULK_DOCS);
        double cutSeconds = index(client, "long_cut", longDocs.corpus(), null, false, BULK_DOCS);
        double chunkedSeconds = index(client, "long_chunked", longDocs.corpus(), chunking, true, BULK_DOCS);
        // quality and latency on every abstract: their vectors from the benchmarks' cache (the same model, text by text)
        createIndex(client, "abstracts", null, true, false);
        CachedVectorBulk.index(
            client,
            "abstracts",
            sciFact.corpus(),
            cache,
            true,
            25, // token vectors as JSON numbers: about 1 MB an abstract
            (doc, dense, tokens) -> Map.of("title_text", doc.titleAndText(), "vec", dense, "tokens", tokens)
        );
        client.admin().indices().prepareRefresh("abstracts").get();
        client.admin().indices().prepareForceMerge("abstracts").setMaxNumSegments(1).get();
        long abstractTokens;
        long chunkedTokens;
        long cutTokens;
        try (ModelRegistry registry = BuiltinModels.registry()) {
            TextModel model = registry.textModel(BuiltinModels.BGE_SMALL);
            abstractTokens = tokens(model, ingestSample, null);
            cutTokens = tokens(model, longDocs.corpus(), null);
            chunkedTokens = tokens(model, longDocs.corpus(), ChunkingOptions.parse(options(chosen), model.textWindow()));
        }
        System.out.println("| collection | documents | tokens embedded | ingest s | tokens/s | vs abstracts | store bytes/doc |");
        System.out.println("|---|---|---|---|---|---|---|");
        double abstractRate = abstractTokens / abstractSeconds;
        printIngest(
            client,
            "abstracts (dense + int8 tokens)",
            "abstracts_ingest",
            ingestSample.size(),
            abstractTokens,
            abstractSeconds,
            abstractRate
        );
        printIngest(client, "long, cut at the window (dense)", "long_cut", longDocs.corpus().size(), cutTokens, cutSeconds, abstractRate);
        printIngest(
            client,
            "long, chunked " + chosen + " (chunked dense + int8 tokens)",
            "long_chunked",
            longDocs.corpus().size(),
            chunkedTokens,
            chunkedSeconds,
            abstractRate
        );

        // the same vectors on 3 shards: _reindex without the pipeline carries every passage's vector and offsets
        createIndex(client, "long_chunked_3", chunking, true, false, 3);
        // in batches of 20: a batch of the default 1,000 long documents with their token vectors is past a 1 GB node's
        // indexing pressure limit (10% of the heap)
        ReindexRequestBuilder reindex = new ReindexRequestBuilder(client, ReindexAction.INSTANCE).source("long_chunked")
            .destination("long_chunked_3")
            .refresh(true);
        reindex.source().setSize(BULK_DOCS);
        reindex.request().getDestination().setPipeline("_none");
        reindex.get();
        client.admin().indices().prepareForceMerge("long_chunked_3").setMaxNumSegments(1).get();
        queries(client, sciFact, longDocs, split, chosen);
    }

    /**
     * GQR with the chunked dense field as primary and BM25 as complementary, with and without {@code search_again}
     * (every passage position's graph searched again with the refined query), on the report's indices (1 and 3 shards).
     */
    private static void gqr(Client client, SciFact longDocs, SciFact.Split split, String chosen) {
        Map<String, Function<String, SearchRequestBuilder>> methods = new LinkedHashMap<>();
        methods.put("dense", text -> dense(client, "long_chunked", "vec", text));
        methods.put("BM25", text -> bm25(client, "long_chunked", text));
        for (String index : List.of("long_chunked", "long_chunked_3")) {
            String shards = index.endsWith("_3") ? ", 3 shards" : "";
            methods.put("GQR dense + BM25" + shards, text -> gqrSearch(client, index, text, false));
            methods.put("GQR dense + BM25, search_again" + shards, text -> gqrSearch(client, index, text, true));
        }
        Map<String, Map<String, List<String>>> rankings = new LinkedHashMap<>();
        Map<String, double[]> latencies = new LinkedHashMap<>();
        InterleavedQueries.run(longDocs, split.all(), methods, K, true, rankings, latencies);
        HeldOutTable.print(
            "GQR through the best passage, long documents, chunking " + chosen + ":",
            longDocs.qrels(),
            split.dev(),
            split.test(),
            K,
            rankings,
            latencies,
            "dense",
            "chunked dense",
            "dense"
        );
    }

    /** GQR's defaults (pool_k 10, the primary's steps and learning rate), the chunked dense field refined by BM25. */
    private static SearchRequestBuilder gqrSearch(Client client, String index, String text, boolean searchAgain) {
        Map<String, RetrieverSpec> retrievers = new LinkedHashMap<>();
        retrievers.put("bm25", new LexicalRetriever(new MultiMatchQueryBuilder(text, "title_text"), 0));
        retrievers.put("dense", new DenseRetriever("vec", MODEL, 0));
        GqrSpec gqr = new GqrSpec("dense", List.of("bm25"), 10, null, null, 1f, 0.5f, ScoreNormalization.MIN_MAX, searchAgain);
        return search(client, index).setQuery(new MultimodalQueryBuilder(text, null, null, retrievers, FusionSpec.gqr(gqr), null));
    }

    /**
     * The passage highlighter's best passages on the held-out queries: the long documents ingested again through the
     * pipeline (so each chunked value counts its passages' token rows; kept for the next run), then the rerank request of the report with
     * both fields highlighted ({@link BestPassageAccuracy}).
     */
    private static void passages(Client client, SciFact sciFact, SciFact longDocs, SciFact.Split split, String chosen) throws Exception {
        client.admin().cluster().prepareHealth().setWaitForGreenStatus().setTimeout(TimeValue.timeValueMinutes(5)).get();
        boolean indexed = client.admin().indices().prepareExists("long_passages").get().isExists()
            && client.prepareSearch("long_passages").setSize(0).get().getHits().getTotalHits().value() == longDocs.corpus().size();
        if (indexed == false) {
            index(client, "long_passages", longDocs.corpus(), chunking(chosen), true, BULK_DOCS);
        }
        System.out.println(
            "Best passages, chunking " + chosen + ", " + split.test().size() + " held-out queries, request: "
                + "RRF BM25 + dense, late_interaction rerank top " + RERANK_WINDOW + ":"
        );
        BestPassageAccuracy
            .print(sciFact, longDocs, GROUP, split.test(), text -> hybridReranked(client, "long_passages", text), "vec", "tokens");
    }

    /**
     * Writes {@code index}'s documents again with this build, without embedding them again: {@code _reindex} (pipeline
     * {@code _none}, batches of {@link #BULK_DOCS}) into a copy, back into the index made anew, one segment.
     */
    private static void rewrite(Client client, String index, String chunking, int shards) {
        String copy = index + "_rewrite";
        long start = System.nanoTime();
        for (String[] move : new String[][]{{index, copy}, {copy, index}}) {
            createIndex(client, move[1], chunking, true, false, shards);
            ReindexRequestBuilder reindex = new ReindexRequestBuilder(client, ReindexAction.INSTANCE).source(move[0])
                .destination(move[1])
                .refresh(true);
            reindex.source().setSize(BULK_DOCS);
            reindex.request().getDestination().setPipeline("_none");
            reindex.get();
        }
        client.admin().indices().prepareDelete(copy).get();
        client.admin().indices().prepareForceMerge(index).setMaxNumSegments(1).get();
        IndicesStatsResponse stats = client.admin().indices().prepareStats(index).setStore(true).get();
        System.out.printf(
            Locale.ROOT,
            "rewrote [%s] in %.0f s: %d bytes a document%n",
            index,
            (System.nanoTime() - start) / 1e9,
            stats.getTotal().getStore().getSizeInBytes() / Math.max(1, stats.getTotal().getDocs().getCount())
        );
    }

    /** Quality and latency of the same requests on the abstracts and on the long documents, indexed by {@link #report}. */
    private static void queries(Client client, SciFact sciFact, SciFact longDocs, SciFact.Split split, String chosen) {
        Map<String, Function<String, SearchRequestBuilder>> onAbstracts = new LinkedHashMap<>();
        onAbstracts.put("BM25", text -> bm25(client, "abstracts", text));
        onAbstracts.put("dense", text -> dense(client, "abstracts", "vec", text));
        onAbstracts
            .put("RRF BM25 + dense, late_interaction rerank top " + RERANK_WINDOW, text -> hybridReranked(client, "abstracts", text));
        Map<String, Function<String, SearchRequestBuilder>> onLong = new LinkedHashMap<>();
        onLong.put("BM25", text -> bm25(client, "long_chunked", text));
        onLong.put("dense, cut at the window", text -> dense(client, "long_cut", "vec", text));
        onLong.put("dense", text -> dense(client, "long_chunked", "vec", text));
        onLong.put(EXACT, text -> exactDense(client, "long_chunked", text));
        onLong.put("RRF BM25 + dense, late_interaction rerank top " + RERANK_WINDOW, text -> hybridReranked(client, "long_chunked", text));
        onLong.put("dense, 3 shards", text -> dense(client, "long_chunked_3", "vec", text));
        onLong.put(
            "RRF BM25 + dense, late_interaction rerank top " + RERANK_WINDOW + ", 3 shards",
            text -> hybridReranked(client, "long_chunked_3", text)
        );

        Map<String, Map<String, List<String>>> abstractRankings = new LinkedHashMap<>();
        Map<String, double[]> abstractLatencies = new LinkedHashMap<>();
        Map<String, Map<String, List<String>>> longRankings = new LinkedHashMap<>();
        Map<String, double[]> longLatencies = new LinkedHashMap<>();
        // the two collections' requests in turn, query by query, so both see the same machine
        for (int round = 0; round < 2; round++) {
            InterleavedQueries.run(sciFact, split.all(), onAbstracts, K, round == 0, abstractRankings, abstractLatencies);
            InterleavedQueries.run(longDocs, split.all(), onLong, K, round == 0, longRankings, longLatencies);
        }
        HeldOutTable.print(
            "Abstracts (5,183 documents):",
            sciFact.qrels(),
            split.dev(),
            split.test(),
            K,
            abstractRankings,
            abstractLatencies,
            "dense",
            "dense",
            "BM25"
        );
        Map<String, Map<String, List<String>>> longWithAbstractDense = new LinkedHashMap<>(longRankings);
        HeldOutTable.print(
            "Long documents (" + longDocs.corpus().size() + " documents of 8 abstracts), chunking " + chosen + ":",
            longDocs.qrels(),
            split.dev(),
            split.test(),
            K,
            longWithAbstractDense,
            longLatencies,
            "dense",
            "chunked dense",
            "BM25"
        );
        double[] abstractDense = RankingMetrics.perQueryNdcg(sciFact.qrels(), split.test(), abstractRankings.get("dense"));
        double[] chunkedDense = RankingMetrics.perQueryNdcg(longDocs.qrels(), split.test(), longRankings.get("dense"));
        double[] interval = RankingMetrics.pairedBootstrap(chunkedDense, abstractDense, 10_000);
        System.out.printf(
            Locale.ROOT,
            "chunked dense on long documents - dense on abstracts, held-out nDCG@10: %+.4f (95%% CI %+.4f .. %+.4f)%n",
            interval[0],
            interval[1],
            interval[2]
        );
        double recall = split.all()
            .stream()
            .mapToDouble(id -> overlap(longRankings.get("dense").get(id), longRankings.get(EXACT).get(id), K))
            .average()
            .orElse(0);
        System.out.printf(
            Locale.ROOT,
            "chunked dense's top %d against the exhaustive best-passage scan's, all 300 queries: recall %.4f%n",
            K,
            recall
        );
        System.out.println("| request | p50 ms abstracts | p50 ms long | long / abstracts |");
        System.out.println("|---|---|---|---|");
        for (String method : List.of("BM25", "dense", "RRF BM25 + dense, late_interaction rerank top " + RERANK_WINDOW)) {
            double a = RankingMetrics.percentile(abstractLatencies.get(method), 50);
            double l = RankingMetrics.percentile(longLatencies.get(method), 50);
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.2f |%n", method, a, l, l / a);
        }
    }

    /** The share of {@code exact}'s first {@code k} that {@code found}'s first {@code k} holds. */
    private static double overlap(List<String> found, List<String> exact, int k) {
        List<String> truth = exact.subList(0, Math.min(k, exact.size()));
        if (truth.isEmpty()) {
            return 1;
        }
        return found.subList(0, Math.min(k, found.size())).stream().filter(truth::contains).count() / (double) truth.size();
    }

    private static void printIngest(Client client, String label, String index, int docs, long tokens, double seconds, double reference) {
        IndicesStatsResponse stats = client.admin().indices().prepareStats(index).setStore(true).get();
        long bytes = stats.getTotal().getStore().getSizeInBytes();
        double rate = tokens / seconds;
        System.out.printf(
            Locale.ROOT,
            "| %s | %d | %d | %.0f | %.0f | %.2f | %d |%n",
            label,
            docs,
            tokens,
            seconds,
            rate,
            rate / reference,
            bytes / docs
        );
    }

    /** Tokens the model embeds for the corpus: each passage's (overlap included), or each text's up to the window. */
    private static long tokens(TextModel model, List<SciFact.Doc> corpus, ChunkingOptions chunking) {
        long total = 0;
        int window = model.textWindow();
        for (SciFact.Doc doc : corpus) {
            String text = doc.titleAndText();
            if (chunking == null) {
                total += Math.min(window, model.tokenSpans(text, window + 1).count());
            } else {
                for (var chunk : TokenWindows.split(text, model.tokenSpans(text, chunking.tokensNeeded()), chunking).chunks()) {
                    total += model.tokenSpans(chunk.text(text), window + 1).count();
                }
            }
        }
        return total;
    }

    private static String chunking(String config) {
        String[] parts = config.split("/");
        return String
            .format(Locale.ROOT, "{\"max_tokens\": %s, \"overlap_tokens\": %s, \"boundary\": \"%s\"}", parts[0], parts[1], parts[2]);
    }

    private static Map<String, Object> options(String config) {
        String[] parts = config.split("/");
        return Map.of("max_tokens", Integer.parseInt(parts[0]), "overlap_tokens", Integer.parseInt(parts[1]), "boundary", parts[2]);
    }

    /**
     * Creates {@code index} with its pipeline, indexes the corpus in bulks of {@code bulkDocs}, refreshes and
     * force-merges; returns the bulks' seconds.
     */
    private static double index(Client client, String index, List<SciFact.Doc> corpus, String chunking, boolean tokens, int bulkDocs)
        throws Exception {
        createIndex(client, index, chunking, tokens, true);
        long start = System.nanoTime();
        for (int from = 0; from < corpus.size(); from += bulkDocs) {
            BulkRequestBuilder bulk = client.prepareBulk().setTimeout(TimeValue.timeValueMinutes(30));
            for (SciFact.Doc doc : corpus.subList(from, Math.min(from + bulkDocs, corpus.size()))) {
                bulk.add(client.prepareIndex(index).setId(doc.id()).setSource(doc.source()));
            }
            BulkResponse response = bulk.get();
            if (response.hasFailures()) {
                throw new IllegalStateException(response.buildFailureMessage());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        client.admin().indices().prepareRefresh(index).get();
        client.admin().indices().prepareForceMerge(index).setMaxNumSegments(1).get();
        System.out.printf(Locale.ROOT, "indexed %d documents into [%s] in %.0f s%n", corpus.size(), index, seconds);
        return seconds;
    }

    /**
     * Creates {@code index} (one shard; a chunked dense field when {@code chunking} is given; int8 token vectors when
     * {@code tokens}) and, when {@code withPipeline}, its {@code embed_text} pipeline as its default.
     */
    private static void createIndex(Client client, String index, String chunking, boolean tokens, boolean withPipeline) {
        createIndex(client, index, chunking, tokens, withPipeline, 1);
    }

    private static void createIndex(Client client, String index, String chunking, boolean tokens, boolean withPipeline, int shards) {
        if (client.admin().indices().prepareExists(index).get().isExists()) {
            client.admin().indices().prepareDelete(index).get();
        }
        String pipeline = String.format(
            Locale.ROOT,
            "{\"processors\": [{\"embed_text\": {\"model\": \"%s\", \"field_map\": {\"title_text\": \"vec\"}%s%s}}]}",
            MODEL,
            tokens ? ", \"token_field_map\": {\"title_text\": \"tokens\"}" : "",
            chunking == null ? "" : ", \"chunking\": " + chunking
        );
        client.admin().cluster().preparePutPipeline(index + "_pipeline", new BytesArray(pipeline), XContentType.JSON).get();
        String mapping = String.format(
            Locale.ROOT,
            "{\"properties\": {\"title\": {\"type\": \"text\"}, \"text\": {\"type\": \"text\"}, \"title_text\": {\"type\": \"text\"},"
                + " \"vec\": {\"type\": \"dense_vector\", \"dims\": 384, \"similarity\": \"cosine\"%s}%s}}",
            chunking == null ? "" : ", \"chunked\": true",
            tokens ? ", \"tokens\": {\"type\": \"multi_vector\", \"dims\": 384, \"encoding\": \"int8\", \"pool_factor\": 4}" : ""
        );
        Settings.Builder settings = Settings.builder()
            .put("index.number_of_shards", shards)
            .put("index.number_of_replicas", 0)
            .put("index.refresh_interval", "-1");
        if (withPipeline) {
            settings.put("index.default_pipeline", index + "_pipeline");
        }
        client.admin().indices().prepareCreate(index).setSettings(settings).setMapping(mapping).get();
    }

    /**
     * A search of {@code index} answering ids without {@code _source}: what a ranking needs. Reading a long document's
     * {@code _source} derives its token vectors (about 380 KB of base64) even when the request leaves them out.
     */
    private static SearchRequestBuilder search(Client client, String index) {
        return client.prepareSearch(index).setFetchSource(false);
    }

    private static SearchRequestBuilder bm25(Client client, String index, String text) {
        return search(client, index).setQuery(new MultiMatchQueryBuilder(text, "title_text"));
    }

    /** Every passage graph searched with a beam past its size: an exhaustive best-passage scan to measure recall against. */
    private static final String EXACT = "dense, every passage scanned (num_candidates 10,000)";

    private static SearchRequestBuilder exactDense(Client client, String index, String text) {
        Map<String, RetrieverSpec> retrievers = Map.of("dense", new DenseRetriever("vec", MODEL, K, null, RetrieverParams.MAX_K));
        return search(client, index).setQuery(new MultimodalQueryBuilder(text, null, null, retrievers, null, null));
    }

    private static SearchRequestBuilder dense(Client client, String index, String field, String text) {
        Map<String, RetrieverSpec> retrievers = Map.of("dense", new DenseRetriever(field, MODEL, K, null, 0));
        return search(client, index).setQuery(new MultimodalQueryBuilder(text, null, null, retrievers, null, null));
    }

    /** BM25 and dense fused by RRF (k 100 each), the top 50 reranked by MaxSim of the token vectors. */
    private static SearchRequestBuilder hybridReranked(Client client, String index, String text) {
        Map<String, RetrieverSpec> retrievers = new LinkedHashMap<>();
        retrievers.put("bm25", new LexicalRetriever(new MultiMatchQueryBuilder(text, "title_text"), 0));
        retrievers.put("dense", new DenseRetriever("vec", MODEL, 0));
        return search(client, index).setQuery(new MultimodalQueryBuilder(text, null, null, retrievers, FusionSpec.defaultRrf(), null))
            .addRescorer(
                new LateInteractionRescorerBuilder("tokens", text, MODEL, LateInteractionScoreMode.REPLACE, 1f, 1f),
                RERANK_WINDOW
            );
    }
}
