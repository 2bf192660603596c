package org.opensearch.multimodal.bench;

import org.opensearch.action.search.SearchRequestBuilder;
import org.opensearch.common.settings.Settings;
import org.opensearch.index.query.MultiMatchQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.multimodal.math.ScoreNormalization;
import org.opensearch.multimodal.query.MultimodalQueryBuilder;
import org.opensearch.multimodal.query.fusion.FusionSpec;
import org.opensearch.multimodal.query.fusion.GqrSpec;
import org.opensearch.multimodal.query.retriever.DenseRetriever;
import org.opensearch.multimodal.query.retriever.LexicalRetriever;
import org.opensearch.multimodal.query.retriever.RetrieverParams;
import org.opensearch.multimodal.query.retriever.RetrieverSpec;
import org.opensearch.node.Node;
import org.opensearch.transport.client.Client;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What a user gets without tuning (issue 15, part 1), on BEIR SciFact, in one run on one node. The index is what a new
 * user makes: {@code title} and {@code text} as plain {@code text} fields (the standard analyzer, stock BM25), each
 * with an {@code english} sub-field (the English analyzer), and bge-small's dense vector (HNSW, cosine). Over the 300
 * test queries, interleaved method by method: BM25 alone ({@code multi_match} over title and text, as docs/benchmarks.md's
 * hybrid example has it), dense alone at {@code num_candidates} k (the beam before it existed), its default 2k, 5k, 10k and 10,000 (every
 * document: exact),
 * RRF and linear fusion of the two with the query's default {@code k} (every retriever 100) and as before (a lexical
 * {@code k} of 10 beside a dense 100), on either analyzer. Reports nDCG@10 and Recall@100 on the 270 held-out queries
 * (every 10th test query by id is the dev split, reported apart), p50 latency and its ratio to plain BM25, and a paired
 * bootstrap interval of each fusion against dense alone; and GQR with the dense primary at its defaults, with and
 * without {@code search_again}.
 * Arguments: {@code --data DIR --models DIR --home DIR [--docs N]}.
 */
public final class RetrievalDefaultsBenchmark {

    private static final String MODEL = SciFactVectorCache.MODEL;
    private static final String INDEX = "defaults";
    private static final int K = 100;
    private static final String[] STANDARD = {"title", "text"};
    private static final String[] ENGLISH = {"title.english", "text.english"};

    private RetrievalDefaultsBenchmark() {
    }

    public static void main(String[] rawArgs) throws Exception {
        BenchArgs args = BenchArgs.parse(rawArgs, Set.of());
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
            "SciFact: %d docs; %d queries = %d dev + %d held out%n",
            corpus.size(),
            queryIds.size(),
            dev.size(),
            test.size()
        );
        Path cache = args.vectorCache(corpus);

        Node node = BenchNode.start(home, models, MODEL, "retrieval-defaults", 9255, 0, Settings.EMPTY);
        try {
            Client client = node.client();
            index(client, corpus, cache);
            Map<String, Function<String, SearchRequestBuilder>> methods = methods(client, corpus.size());
            Map<String, Map<String, List<String>>> rankings = new LinkedHashMap<>();
            Map<String, double[]> latencies = new LinkedHashMap<>();
            InterleavedQueries.run(sciFact, queryIds, methods, K, true, rankings, latencies);
            report(sciFact, dev, test, queryIds, rankings, latencies);
        } finally {
            node.close();
        }
    }

    private static void index(Client client, List<SciFact.Doc> corpus, Path cache) throws Exception {
        if (client.admin().indices().prepareExists(INDEX).get().isExists()) {
            client.admin().indices().prepareDelete(INDEX).get();
        }
        String english = "{\"type\": \"text\", \"fields\": {\"english\": {\"type\": \"text\", \"analyzer\": \"english\"}}}";
        String mapping = String.format(
            Locale.ROOT,
            """
                {"properties": {"title": %s, "text": %s,
                  "vec": {"type": "dense_vector", "dims": 384, "similarity": "cosine", "model": "%s"}}}""",
            english,
            english,
            MODEL
        );
        client.admin()
            .indices()
            .prepareCreate(INDEX)
            .setSettings(
                Settings.builder().put("index.number_of_shards", 1).put("index.number_of_replicas", 0).put("index.refresh_interval", "-1")
            )
            .setMapping(mapping)
            .get();
        double seconds = CachedVectorBulk.index(
            client,
            INDEX,
            corpus,
            cache,
            false,
            200,
            (doc, dense, tokens) -> Map.of("title", doc.title(), "text", doc.text(), "vec", dense)
        );
        client.admin().indices().prepareRefresh(INDEX).get();
        client.admin().indices().prepareForceMerge(INDEX).setMaxNumSegments(1).get();
        System.out.printf(
            Locale.ROOT,
            "indexed %d docs in %.0f s (dense vectors given), force-merged%n",
            corpus.size(),
            seconds
        );
    }

    /** The methods compared, by name, each a request for one query text. */
    private static Map<String, Function<String, SearchRequestBuilder>> methods(Client client, int docs) {
        Map<String, Function<String, SearchRequestBuilder>> methods = new LinkedHashMap<>();
        methods.put("BM25 (plain multi_match, standard analyzer)", text -> client.prepareSearch(INDEX).setQuery(bm25(text, STANDARD)));
        methods.put("BM25 (plain multi_match, english sub-fields)", text -> client.prepareSearch(INDEX).setQuery(bm25(text, ENGLISH)));
        for (int beam : new int[]{K, 0, 5 * K, 10 * K, RetrieverParams.MAX_K}) {
            String name = beam == 0
                ? "dense k 100 (num_candidates default: 2k)"
                : "dense k 100, num_candidates " + beam + (beam == K ? " (= k, the old beam)" : "") + (beam >= docs ? " (exact)" : "");
            methods.put(
                name,
                text -> multimodal(client, text, FusionSpec.defaultRrf(), Map.of("dense", new DenseRetriever("vec", MODEL, K, null, beam)))
            );
        }
        for (String[] fields : List.of(STANDARD, ENGLISH)) {
            String analyzer = fields == STANDARD ? "standard" : "english";
            methods.put(
                "RRF, lexical k 10 + dense k 100 (" + analyzer + "; the old k default)",
                text -> multimodal(client, text, FusionSpec.defaultRrf(), hybrid(text, fields, 10))
            );
            methods.put(
                "RRF, query k default (100 each; " + analyzer + ")",
                text -> multimodal(client, text, FusionSpec.defaultRrf(), hybrid(text, fields, 0))
            );
            methods.put(
                "linear min_max, query k default (" + analyzer + ")",
                text -> multimodal(
                    client,
                    text,
                    new FusionSpec(FusionSpec.LINEAR, 60, ScoreNormalization.MIN_MAX, Map.of()),
                    hybrid(text, fields, 0)
                )
            );
        }
        // GQR at its single-vector defaults (docs/DESIGN.md §6: lr 1e-3, 10 steps, pool_k 10), with and without search_again
        for (boolean searchAgain : new boolean[]{false, true}) {
            GqrSpec gqr = new GqrSpec("dense", List.of("bm25"), 10, null, null, 1f, 0.5f, ScoreNormalization.MIN_MAX, searchAgain);
            methods.put(
                "GQR dense primary, defaults (english)" + (searchAgain ? ", search_again" : ""),
                text -> multimodal(client, text, FusionSpec.gqr(gqr), hybrid(text, ENGLISH, 0))
            );
        }
        return methods;
    }

    private static QueryBuilder bm25(String text, String[] fields) {
        return new MultiMatchQueryBuilder(text, fields);
    }

    /** docs/benchmarks.md's hybrid shape: a lexical multi_match and the dense retriever; {@code lexicalK} 0 states no k. */
    private static Map<String, RetrieverSpec> hybrid(String text, String[] fields, int lexicalK) {
        Map<String, RetrieverSpec> retrievers = new LinkedHashMap<>();
        retrievers.put("bm25", new LexicalRetriever(bm25(text, fields), lexicalK));
        retrievers.put("dense", new DenseRetriever("vec", MODEL, lexicalK == 0 ? 0 : K));
        return retrievers;
    }

    private static SearchRequestBuilder multimodal(Client client, String text, FusionSpec fusion, Map<String, RetrieverSpec> retrievers) {
        return client.prepareSearch(INDEX)
            .setQuery(new MultimodalQueryBuilder(text, null, null, retrievers, retrievers.size() > 1 ? fusion : null, null));
    }

    private static void report(
        SciFact sciFact,
        List<String> dev,
        List<String> test,
        List<String> all,
        Map<String, Map<String, List<String>>> rankings,
        Map<String, double[]> latencies
    ) {
        String bm25 = rankings.keySet().iterator().next();
        String dense = "dense k 100 (num_candidates default: 2k)";
        HeldOutTable.print(
            "\n== nDCG@10 / Recall@100 (held-out 270; dev 30 apart), p50 latency over all 300, paired bootstrap vs dense ==",
            sciFact.qrels(),
            dev,
            test,
            K,
            rankings,
            latencies,
            dense,
            "dense alone",
            bm25
        );
        System.out.printf(
            Locale.ROOT,
            "(%d queries; latency client-side, query encoding included; ratios: median of per-query ratios)%n",
            all.size()
        );
    }
}
