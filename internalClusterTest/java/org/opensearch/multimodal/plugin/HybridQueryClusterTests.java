package org.opensearch.multimodal.plugin;

import org.opensearch.ExceptionsHelper;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.action.search.SearchRequestBuilder;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.action.search.SearchType;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.index.query.MultiMatchQueryBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.multimodal.inference.InferenceService;
import org.opensearch.multimodal.math.ScoreNormalization;
import org.opensearch.multimodal.model.BuiltinModels;
import org.opensearch.multimodal.query.MultimodalQueryBuilder;
import org.opensearch.multimodal.query.fusion.FusionSpec;
import org.opensearch.multimodal.query.fusion.GqrSpec;
import org.opensearch.multimodal.query.fusion.HitScores;
import org.opensearch.multimodal.query.rescore.LateInteractionRescorerBuilder;
import org.opensearch.multimodal.query.rescore.LateInteractionScoreMode;
import org.opensearch.multimodal.query.retriever.DenseRetriever;
import org.opensearch.multimodal.query.retriever.LexicalRetriever;
import org.opensearch.multimodal.query.retriever.MultiVectorRetriever;
import org.opensearch.multimodal.query.retriever.RetrieverSpec;
import org.opensearch.multimodal.rest.NodeStats;
import org.opensearch.multimodal.rest.StatsAction;
import org.opensearch.multimodal.rest.StatsRequest;
import org.opensearch.multimodal.rest.StatsResponse;
import org.opensearch.search.SearchHit;
import org.opensearch.search.aggregations.AggregationBuilders;
import org.opensearch.search.aggregations.bucket.terms.Terms;
import org.opensearch.search.fetch.subphase.highlight.HighlightBuilder;
import org.opensearch.test.OpenSearchIntegTestCase;

import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertAcked;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The demo corpus (48 paragraphs, 8 topics) embedded by the real bge-small model with token vectors, searched by every
 * fusion, GQR with a dense and a multi-vector primary, and the late_interaction rescorer, on 1 and on 3 shards.
 */
@OpenSearchIntegTestCase.ClusterScope(scope = OpenSearchIntegTestCase.Scope.SUITE, numDataNodes = 2, numClientNodes = 0)
public class HybridQueryClusterTests extends BgeClusterTestCase {

    private static final String MODEL = "bge-small-en-v1.5";
    private static final String QUERY = "how do plants turn light into energy";

    /** The corpus in {@code index} with {@code shards} shards: body_vec and body_tokens from one pass per batch. */
    private void indexCorpus(String index, int shards) throws IOException {
        String pipeline = """
            {"processors": [{"embed_text": {"model": "bge-small-en-v1.5", "field_map": {"body": "body_vec"},
              "token_field_map": {"body": "body_tokens"}, "batch_size": 16}}]}""";
        assertAcked(client().admin().cluster().preparePutPipeline("corpus", new BytesArray(pipeline), XContentType.JSON).get());
        String mapping = """
            {"_source": {"excludes": ["body_tokens"]}, "properties": {
              "title": {"type": "text"}, "body": {"type": "text"}, "topic": {"type": "keyword"},
              "body_vec": {"type": "dense_vector", "dims": 384, "similarity": "cosine"},
              "body_tokens": {"type": "multi_vector", "dims": 384}}}""";
        assertAcked(
            prepareCreate(index)
                .setSettings(Map.of("index.number_of_shards", shards, "index.number_of_replicas", 0, "index.default_pipeline", "corpus"))
                .setMapping(mapping)
        );
        BulkResponse response = DemoCorpusBulk.index(client(), index);
        assertFalse(response.buildFailureMessage(), response.hasFailures());
        refresh(index);
    }

    private static Map<String, RetrieverSpec> retrievers(int k) {
        Map<String, RetrieverSpec> retrievers = new LinkedHashMap<>();
        retrievers.put("bm25", new LexicalRetriever(new MultiMatchQueryBuilder(QUERY, "title", "body"), k));
        retrievers.put("text", new DenseRetriever("body_vec", MODEL, k));
        retrievers.put("tokens", new MultiVectorRetriever("body_tokens", MODEL));
        return retrievers;
    }

    private static MultimodalQueryBuilder query(int k, FusionSpec fusion) {
        return new MultimodalQueryBuilder(QUERY, null, null, retrievers(k), fusion, null);
    }

    private static GqrSpec gqr(String primary, Integer steps) {
        return gqr(primary, steps, 10);
    }

    private static GqrSpec gqr(String primary, Integer steps, int poolK) {
        return new GqrSpec(primary, List.of(), poolK, steps, null, 1f, 0.5f, ScoreNormalization.MIN_MAX);
    }

    private static List<String> ids(SearchResponse response) {
        return Arrays.stream(response.getHits().getHits()).map(SearchHit::getId).toList();
    }

    private SearchResponse search(String index, MultimodalQueryBuilder query, int size) {
        return client().prepareSearch(index).setQuery(query).setSize(size).get();
    }

    public void testEveryFusionAndGqrFindPhotosynthesisAndExplainTheirArithmetic() throws IOException {
        indexCorpus("one", 1);
        FusionSpec linear = new FusionSpec(FusionSpec.LINEAR, 60, ScoreNormalization.MIN_MAX, Map.of());
        for (FusionSpec fusion : List
            .of(FusionSpec.defaultRrf(), linear, FusionSpec.gqr(gqr("text", null)), FusionSpec.gqr(gqr("tokens", null)))) {
            SearchResponse response = client().prepareSearch("one").setQuery(query(10, fusion)).setSize(5).setExplain(true).get();
            assertEquals(fusion.method() + ": " + ids(response), "34", response.getHits().getAt(0).getId());
            String explanation = response.getHits().getAt(0).getExplanation().toString();
            assertTrue(explanation, explanation.contains("retriever [bm25] raw score"));
            if (fusion.gqr() != null) {
                assertTrue(explanation, explanation.contains("primary [" + fusion.gqr().primary() + "] score before refinement"));
                assertTrue(explanation, explanation.contains("KL(target || primary)"));
            } else {
                assertTrue(
                    explanation,
                    explanation.contains(fusion.method().equals("rrf") ? "rank_constant 60 + rank 1" : "min_max normalized score")
                );
            }
        }
    }

    public void testSearchAgainJoinsWhatTheRefinedQueryFindsOnEveryShard() throws IOException {
        indexCorpus("again", 3);
        // a narrow pool (top 3 each) so that the refined query's own top pool_k can reach beyond it
        GqrSpec plain = new GqrSpec("text", List.of("bm25"), 5, 20, 0.01f, 1f, 1f, ScoreNormalization.MIN_MAX, false);
        GqrSpec again = new GqrSpec("text", List.of("bm25"), 5, 20, 0.01f, 1f, 1f, ScoreNormalization.MIN_MAX, true);
        Map<String, RetrieverSpec> narrow = new LinkedHashMap<>(retrievers(3));
        narrow.remove("tokens");
        // one search type for both: the test client picks dfs_query_then_fetch at random, and BM25's top 3 can differ with it
        SearchResponse before = client().prepareSearch("again")
            .setSearchType(SearchType.QUERY_THEN_FETCH)
            .setQuery(new MultimodalQueryBuilder(QUERY, null, null, narrow, FusionSpec.gqr(plain), null))
            .setSize(48)
            .get();
        SearchResponse after = client().prepareSearch("again")
            .setSearchType(SearchType.QUERY_THEN_FETCH)
            .setQuery(new MultimodalQueryBuilder(QUERY, null, null, narrow, FusionSpec.gqr(again), null))
            .setSize(48)
            .setExplain(true)
            .get();
        assertEquals("34", after.getHits().getAt(0).getId());
        assertTrue(
            "the pool only grows: " + ids(before) + " -> " + ids(after),
            ids(after).containsAll(ids(before)) && after.getHits().getHits().length > before.getHits().getHits().length
        );
        // search_again refines on each shard (docs/search.md): its pool is the shards' own pools, plus what the second
        // searches found, which says so
        long joined = Arrays.stream(after.getHits().getHits())
            .filter(hit -> hit.getExplanation().toString().contains("found by primary [text]'s second search with the refined query"))
            .count();
        assertTrue("documents found by the second search say so: " + joined, joined > 0);
        String multiVectorAgain = "{\"multimodal\": {\"query_text\": \"" + QUERY + "\", \"retrievers\": {"
            + "\"text\": {\"dense\": {\"field\": \"body_vec\", \"model\": \"" + MODEL + "\"}}, "
            + "\"tokens\": {\"multi_vector\": {\"field\": \"body_tokens\", \"model\": \"" + MODEL + "\"}}}, "
            + "\"fusion\": {\"gqr\": {\"primary\": \"tokens\", \"search_again\": true}}}}";
        assertError(
            client().prepareSearch("again").setQuery(QueryBuilders.wrapperQuery(multiVectorAgain)),
            "[fusion.gqr.search_again] primary [tokens] has no index of its own to search again"
        );
    }

    public void testGqrWithZeroStepsRanksTheCandidatesByThePrimaryAlone() throws IOException {
        indexCorpus("zero", 1);
        FusionSpec onlyTokens = new FusionSpec(FusionSpec.LINEAR, 60, ScoreNormalization.NONE, Map.of("bm25", 0f, "text", 0f));
        List<String> byMaxSim = ids(search("zero", query(10, onlyTokens), 50));
        // pool_k covering the whole pool: the candidates are the pool, ranked by MaxSim alone
        assertEquals(byMaxSim, ids(search("zero", query(10, FusionSpec.gqr(gqr("tokens", 0, 48))), 50)));
        // default pool_k 10: the candidates first, each part in MaxSim order
        List<String> candidatesFirst = ids(search("zero", query(10, FusionSpec.gqr(gqr("tokens", 0))), 50));
        assertEquals(Set.copyOf(byMaxSim), Set.copyOf(candidatesFirst));
        assertEquals(byMaxSim.get(0), candidatesFirst.get(0));
    }

    public void testPagingAggregationsAndProfileWorkOnGqr() throws IOException {
        indexCorpus("paged", 1);
        MultimodalQueryBuilder gqr = query(10, FusionSpec.gqr(gqr("tokens", null)));
        List<String> all = ids(search("paged", gqr, 50));
        SearchResponse page = client().prepareSearch("paged")
            .setQuery(gqr)
            .setFrom(2)
            .setSize(3)
            .setProfile(true)
            .addAggregation(AggregationBuilders.terms("topics").field("topic"))
            .highlighter(
                new HighlightBuilder().field("body")
                    .highlightQuery(QueryBuilders.matchQuery("body", "light energy plants"))
            )
            .get();
        assertEquals(all.subList(2, 5), ids(page));
        assertEquals("the total is the pool", all.size(), page.getHits().getTotalHits().value());
        Terms topics = page.getAggregations().get("topics");
        assertEquals(all.size(), topics.getBuckets().stream().mapToLong(Terms.Bucket::getDocCount).sum());
        assertFalse(page.getProfileResults().isEmpty());
        SearchResponse first = client().prepareSearch("paged")
            .setQuery(gqr)
            .setSize(1)
            .highlighter(
                new HighlightBuilder().field("body")
                    .highlightQuery(QueryBuilders.matchQuery("body", "light energy plants"))
            )
            .get();
        assertTrue(
            "highlighting through highlight_query",
            first.getHits().getAt(0).getHighlightFields().get("body").fragments()[0].string().contains("<em>")
        );
    }

    public void testLateInteractionRescorerReranksTheWindowByMaxSim() throws IOException {
        indexCorpus("rescored", 1);
        MultimodalQueryBuilder dense = new MultimodalQueryBuilder(
            QUERY,
            null,
            Map.of("text", new DenseRetriever("body_vec", MODEL, 10)),
            null
        );
        LateInteractionRescorerBuilder rescorer = new LateInteractionRescorerBuilder(
            "body_tokens",
            QUERY,
            MODEL,
            LateInteractionScoreMode.REPLACE,
            1f,
            1f
        );
        long before = inferenceCalls();
        SearchRequestBuilder request = client().prepareSearch("rescored")
            .setQuery(dense)
            .setSize(10)
            .addRescorer(rescorer, 10)
            .setExplain(true);
        SearchResponse rescored = request.get();
        assertEquals("one pass for the dense vector, one for the query tokens (without the query prefix)", before + 2, inferenceCalls());
        SearchHit[] hits = rescored.getHits().getHits();
        assertEquals(10, hits.length);
        for (int i = 0; i < hits.length; i++) {
            assertTrue("MaxSim is a mean of cosines: " + hits[i].getScore(), hits[i].getScore() > 0 && hits[i].getScore() <= 1.0001f);
            assertTrue(hits[i].getExplanation().toString(), hits[i].getExplanation().toString().contains("MaxSim of"));
            Map<?, ?> lateInteraction = (Map<?, ?>) ((Map<?, ?>) hits[i].field(HitScores.FIELD).getValue()).get("late_interaction");
            assertEquals("the hit's MaxSim as data", hits[i].getScore(), ((Number) lateInteraction.get("max_sim")).floatValue(), 1e-6f);
            if (i > 0) {
                assertTrue("ranked by MaxSim", hits[i - 1].getScore() >= hits[i].getScore());
            }
        }
        assertEquals("34", hits[0].getId());
        // the same scores as the multi_vector retriever gives those documents
        FusionSpec onlyTokens = new FusionSpec(FusionSpec.LINEAR, 60, ScoreNormalization.NONE, Map.of("bm25", 0f, "text", 0f));
        SearchResponse maxSim = client().prepareSearch("rescored").setQuery(query(48, onlyTokens)).setSize(50).get();
        Map<String, Float> tokenScores = new HashMap<>();
        for (SearchHit hit : maxSim.getHits().getHits()) {
            tokenScores.put(hit.getId(), hit.getScore());
        }
        for (SearchHit hit : hits) {
            assertEquals(hit.getId(), tokenScores.get(hit.getId()), hit.getScore(), 1e-5f);
        }
        // a window smaller than the page, on one and on three shards: the hits a shard rescored show the MaxSim its
        // rescorer computed (kept from the query phase to the fetch phase), the others say they were not rescored
        indexCorpus("rescored_three", 3);
        for (String index : List.of("rescored", "rescored_three")) {
            int shards = "rescored".equals(index) ? 1 : 3;
            SearchHit[] page = client().prepareSearch(index).setQuery(dense).setSize(10).addRescorer(rescorer, 4).get().getHits().getHits();
            assertEquals(10, page.length);
            int rescoredHits = 0;
            for (SearchHit hit : page) {
                Map<?, ?> lateInteraction = (Map<?, ?>) ((Map<?, ?>) hit.field(HitScores.FIELD).getValue()).get("late_interaction");
                if (Boolean.TRUE.equals(lateInteraction.get("rescored"))) {
                    rescoredHits++;
                    float fetched = ((Number) lateInteraction.get("max_sim")).floatValue();
                    assertEquals(index + " " + hit.getId(), tokenScores.get(hit.getId()), fetched, 1e-5f);
                    assertEquals("REPLACE: the score is the MaxSim", hit.getScore(), fetched, 1e-6f);
                } else {
                    assertEquals(index + " " + hit.getId() + " " + lateInteraction, Boolean.FALSE, lateInteraction.get("rescored"));
                    assertNull("no MaxSim past the window", lateInteraction.get("max_sim"));
                }
            }
            // one shard: its top 4 of the 10; three: each its own top 4 of the hits it holds, some of them on the page
            assertTrue(index + ": rescored hits on the page " + rescoredHits, shards == 1 ? rescoredHits == 4 : rescoredHits >= 1);
        }
    }

    public void testOneShardAndThreeShardsAgreeWhereThePoolsMustBeEqual() throws IOException {
        indexCorpus("single", 1);
        indexCorpus("three", 3);
        // k covers every document of every shard, so each shard's pool is all its documents: fused scores are the same
        FusionSpec linear = new FusionSpec(FusionSpec.LINEAR, 60, ScoreNormalization.NONE, Map.of("bm25", 0f));
        assertEquals(ids(search("single", query(48, linear), 10)), ids(search("three", query(48, linear), 10)));
        // GQR's candidate set is each shard's top pool_k, so per-shard refinement legitimately differs: measured, not equal
        MultimodalQueryBuilder gqr = query(10, FusionSpec.gqr(gqr("tokens", null)));
        List<String> one = ids(search("single", gqr, 10));
        List<String> three = ids(search("three", gqr, 10));
        long overlap = one.stream().filter(three::contains).count();
        logger.info("GQR top-10 overlap, 1 shard vs 3 shards: {}/10 ({} vs {})", overlap, one, three);
        assertEquals("the best document is the same", one.get(0), three.get(0));
        assertTrue("top-10 overlap " + overlap, overlap >= 7);
    }

    /** Pool size: how many documents the query matches (HybridRetrievalQuery matches its pool). */
    private long pool(String index, String multimodalJson) {
        return client().prepareSearch(index)
            .setQuery(QueryBuilders.wrapperQuery("{\"multimodal\": " + multimodalJson + "}"))
            .setSize(0)
            .setTrackTotalHits(true)
            .get()
            .getHits()
            .getTotalHits()
            .value();
    }

    public void testRetrieversWithoutKProposeTheQuerysKSoNoneIsShortchanged() throws IOException {
        indexCorpus("defaults", 1);
        // every paragraph matches the lexical query: how many it proposes is its k alone
        String lexical = "\"bm25\": {\"lexical\": {\"exists\": {\"field\": \"body\"}}}";
        String dense = "\"text\": {\"dense\": {\"field\": \"body_vec\", \"model\": \"" + MODEL + "\"}}";
        String text = "\"query_text\": \"" + QUERY + "\"";
        // no k anywhere: 100 each (a lexical 10 beside a dense 100 was the old default)
        assertEquals(48, pool("defaults", "{" + text + ", \"retrievers\": {" + lexical + "}}"));
        assertEquals(48, pool("defaults", "{" + text + ", \"retrievers\": {" + dense + "}}"));
        // the query's k: each proposes 5, the pool is their union
        long small = pool("defaults", "{" + text + ", \"k\": 5, \"retrievers\": {" + lexical + ", " + dense + "}}");
        assertTrue("pool of two top-5s: " + small, small >= 5 && small <= 10);
        // a retriever's own k wins over the query's
        String lexical10 = "\"bm25\": {\"lexical\": {\"query\": {\"exists\": {\"field\": \"body\"}}, \"k\": 10}}";
        assertEquals(10, pool("defaults", "{" + text + ", \"k\": 5, \"retrievers\": {" + lexical10 + "}}"));
        // num_candidates widens the graph search, never the pool
        String wideBeam = "\"text\": {\"dense\": {\"field\": \"body_vec\", \"model\": \"" + MODEL
            + "\", \"k\": 3, \"num_candidates\": 40}}";
        assertEquals(3, pool("defaults", "{" + text + ", \"retrievers\": {" + wideBeam + "}}"));
    }

    public void testErrorsNameTheParameter() throws IOException {
        indexCorpus("errors", 1);
        Map<String, RetrieverSpec> wrongField = new LinkedHashMap<>();
        wrongField.put("text", new DenseRetriever("body_vec", MODEL, 10));
        wrongField.put("tokens", new MultiVectorRetriever("body_vec", MODEL));
        assertError(
            client().prepareSearch("errors").setQuery(new MultimodalQueryBuilder(QUERY, null, null, wrongField, null, null)),
            "[retrievers.tokens.multi_vector.field] field [body_vec] is of type [dense_vector], not [multi_vector]"
        );
        MultimodalQueryBuilder dense = new MultimodalQueryBuilder(
            QUERY,
            null,
            Map.of("text", new DenseRetriever("body_vec", MODEL, 10)),
            null
        );
        assertError(
            client().prepareSearch("errors")
                .setQuery(dense)
                .addRescorer(new LateInteractionRescorerBuilder("body_vec", QUERY, MODEL, null, 1f, 1f), 10),
            "[late_interaction.field] field [body_vec] is of type [dense_vector], not [multi_vector]"
        );
        assertError(
            client().prepareSearch("errors")
                .setQuery(dense)
                .addRescorer(new LateInteractionRescorerBuilder("body_tokens", QUERY, MODEL, null, 1f, 1f), 10_001),
            "[rescore.window_size]"
        );
        assertError(
            client().prepareSearch("errors")
                .setQuery(dense)
                .addRescorer(new LateInteractionRescorerBuilder("body_tokens", QUERY, "no-such-model", null, 1f, 1f), 10),
            "no-such-model"
        );
    }

    private static void assertError(SearchRequestBuilder request, String expected) {
        Exception e = expectThrows(Exception.class, request::get);
        String message = ExceptionsHelper.unwrapCause(e).getMessage() + " / " + e;
        assertTrue(message, message.contains(expected) || ExceptionsHelper.stackTrace(e).contains(expected));
        assertEquals(e.toString(), 400, ExceptionsHelper.status(e).getStatus());
    }

    private long inferenceCalls() {
        long calls = 0;
        for (InferenceService service : internalCluster().getInstances(InferenceService.class)) {
            calls += service.stats().model(BuiltinModels.BGE_SMALL).calls();
        }
        return calls;
    }

    @SuppressWarnings("unchecked")
    private static long sum(StatsResponse stats, String... path) {
        long total = 0;
        for (NodeStats node : stats.getNodes()) {
            Object value = node.stats();
            for (String key : path) {
                value = value instanceof Map<?, ?> map ? map.get(key) : null;
            }
            total += value == null ? 0 : ((Number) value).longValue();
        }
        return total;
    }

    public void testStatsCountInferenceIngestAndQueriesOnEveryNode() throws IOException {
        indexCorpus("counted", 2);
        expectThrows(Exception.class, () -> client().prepareIndex("counted").setId("bad").setSource(Map.of("body", 42)).get()); // fails in embed_text
        search("counted", query(10, FusionSpec.gqr(gqr("tokens", null))), 5);
        search("counted", query(10, FusionSpec.defaultRrf()), 5);
        client().prepareSearch("counted")
            .setQuery(new MultimodalQueryBuilder(QUERY, null, Map.of("text", new DenseRetriever("body_vec", MODEL, 10)), null))
            .addRescorer(new LateInteractionRescorerBuilder("body_tokens", QUERY, MODEL, null, 1f, 1f), 10)
            .get();

        StatsResponse stats = client().execute(
            StatsAction.INSTANCE,
            new StatsRequest()
        ).actionGet();
        assertEquals("every node answers", internalCluster().size(), stats.getNodes().size());
        assertTrue("the corpus's forward passes", sum(stats, "models", MODEL, "inference_calls") >= 4);
        assertTrue("every corpus text and query", sum(stats, "models", MODEL, "items") >= 48 + 4);
        assertTrue(sum(stats, "ingest", "documents_embedded", "embed_text") >= 48);
        assertEquals("failures by reason", 1, sum(stats, "ingest", "documents_failed", "embed_text: 400 IllegalArgumentException"));
        assertTrue("one GQR query per shard", sum(stats, "queries", "by_fusion", "gqr") >= 2);
        assertTrue(sum(stats, "queries", "by_fusion", "rrf") >= 2);
        assertEquals(
            "each shard's fusion is timed",
            sum(stats, "queries", "by_fusion", "gqr"),
            sum(stats, "queries", "latency_by_fusion", "gqr", "count")
        );
        assertTrue(sum(stats, "queries", "latency_by_fusion", "gqr", "time_in_millis") >= 0);
        assertTrue("GQR refines once, on the coordinating node", sum(stats, "queries", "gqr", "steps") >= 50);
        assertTrue("fused on the coordinating node", sum(stats, "queries", "coordinated", "by_fusion", "rrf") >= 1);
        assertTrue("the first rounds' shard requests", sum(stats, "queries", "coordinated", "gather_shard_requests") >= 2 * 2);
        assertTrue("the rescorer's windows", sum(stats, "queries", "late_interaction_rescore", "documents_rescored") >= 10);
        assertTrue("the corpus through the index-time pool", sum(stats, "inference_pools", "index", "completed") > 0);
        assertTrue("the queries through the query-time pool", sum(stats, "inference_pools", "search", "completed") >= 3);
    }
}
