package org.opensearch.multimodal.plugin;

import org.opensearch.ExceptionsHelper;
import org.opensearch.action.bulk.BulkItemResponse;
import org.opensearch.action.bulk.BulkRequestBuilder;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.multimodal.inference.InferenceService;
import org.opensearch.multimodal.math.ScoreNormalization;
import org.opensearch.multimodal.model.BuiltinModels;
import org.opensearch.multimodal.query.MultimodalQueryBuilder;
import org.opensearch.multimodal.query.fusion.FusionSpec;
import org.opensearch.multimodal.query.retriever.DenseRetriever;
import org.opensearch.multimodal.query.retriever.LexicalRetriever;
import org.opensearch.multimodal.query.retriever.LikeDocument;
import org.opensearch.multimodal.query.retriever.RetrieverSpec;
import org.opensearch.search.SearchHit;
import org.opensearch.search.aggregations.AggregationBuilders;
import org.opensearch.search.aggregations.bucket.terms.Terms;
import org.opensearch.test.OpenSearchIntegTestCase;

import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertAcked;
import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertHitCount;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Two in-JVM nodes with the plugin: documents embedded by the pipeline, found by the multimodal query. */
@OpenSearchIntegTestCase.ClusterScope(scope = OpenSearchIntegTestCase.Scope.SUITE, numDataNodes = 2, numClientNodes = 0)
public class MultimodalClusterTests extends BgeClusterTestCase {

    private static final String INDEX = "docs";
    private static final String PIPELINE = "embed-docs";

    private void createPipelineAndIndex() {
        String pipeline = """
            {"processors": [{"embed_text": {"model": "bge-small-en-v1.5", "field_map": {"body": "body_vec"},
              "token_field_map": {"body": "body_tokens"}, "batch_size": 4}}]}""";
        assertAcked(client().admin().cluster().preparePutPipeline(PIPELINE, new BytesArray(pipeline), XContentType.JSON).get());
        String mapping = """
            {"properties": {
              "body": {"type": "text"}, "category": {"type": "keyword"},
              "body_vec": {"type": "dense_vector", "dims": 384, "similarity": "cosine"},
              "body_tokens": {"type": "multi_vector", "dims": 384}}}""";
        assertAcked(
            prepareCreate(INDEX)
                .setSettings(Map.of("index.number_of_shards", 2, "index.number_of_replicas", 1, "index.default_pipeline", PIPELINE))
                .setMapping(mapping)
        );
        ensureGreen(INDEX);
    }

    public void testBulkThroughThePipelineThenSemanticSearchWithFilter() {
        createPipelineAndIndex();
        BulkRequestBuilder bulk = client().prepareBulk();
        String[][] docs = {
            {"1", "Photosynthesis turns sunlight into chemical energy in plants.", "biology"},
            {"2", "The central bank raised interest rates to fight inflation.", "economy"},
            {"3", "Mitochondria produce most of the cell's supply of ATP.", "biology"},
            {"4", "Stock prices fell after the quarterly earnings report.", "economy"},
            {"5", "Black holes bend light with their enormous gravity.", "physics"}};
        for (String[] doc : docs) {
            bulk.add(client().prepareIndex(INDEX).setId(doc[0]).setSource(Map.of("body", doc[1], "category", doc[2])));
        }
        bulk.add(client().prepareIndex(INDEX).setId("number").setSource(Map.of("body", 42, "category", "bad")));
        bulk.add(client().prepareIndex(INDEX).setId("object").setSource(Map.of("body", Map.of("x", "y"), "category", "bad")));
        bulk.add(client().prepareIndex(INDEX).setId("missing").setSource(Map.of("category", "bad")));
        bulk.add(client().prepareIndex(INDEX).setId("empty").setSource(Map.of("body", "", "category", "empty")));
        BulkResponse response = bulk.get();

        for (BulkItemResponse item : response.getItems()) {
            switch (item.getId()) {
                case "number", "object", "missing" -> {
                    assertTrue(item.getId() + " must fail", item.isFailed());
                    assertEquals(RestStatus.BAD_REQUEST, item.status());
                    assertTrue(item.getFailureMessage(), item.getFailureMessage().contains("[body]"));
                }
                default -> assertFalse(item.getId() + ": " + item.getFailureMessage(), item.isFailed());
            }
        }
        refresh(INDEX);
        assertHitCount(client().prepareSearch(INDEX).setSize(0).get(), docs.length + 1L);
        Map<String, Object> stored = client().prepareGet(INDEX, "1").get().getSourceAsMap();
        assertEquals(384, ((List<?>) stored.get("body_vec")).size());
        assertEquals("empty text gets no vector", null, client().prepareGet(INDEX, "empty").get().getSourceAsMap().get("body_vec"));

        MultimodalQueryBuilder query = new MultimodalQueryBuilder(
            "how do cells make energy",
            null,
            Map.of("text", new DenseRetriever("body_vec", "bge-small-en-v1.5", 3)),
            null
        );
        long callsBefore = totalInferenceCalls();
        SearchResponse hits = client().prepareSearch(INDEX).setQuery(query).setSize(3).get();
        assertEquals("the query text is encoded once for the whole search, not per shard", callsBefore + 1, totalInferenceCalls());
        assertEquals(3, hits.getHits().getHits().length);
        assertTrue("a biology document ranks first", List.of("1", "3").contains(hits.getHits().getAt(0).getId()));

        MultimodalQueryBuilder filtered = new MultimodalQueryBuilder(
            "how do cells make energy",
            null,
            Map.of("text", new DenseRetriever("body_vec", "bge-small-en-v1.5", 5)),
            QueryBuilders.termQuery("category", "economy")
        );
        SearchResponse economy = client().prepareSearch(INDEX).setQuery(filtered).setSize(10).get();
        assertEquals("the filter applies inside the vector search", 2, economy.getHits().getHits().length);
        for (SearchHit hit : economy.getHits().getHits()) {
            assertEquals("economy", hit.getSourceAsMap().get("category"));
        }
    }

    public void testLexicalAndDenseRetrieversFuseOverOnePoolPerShard() {
        String mapping = """
            {"properties": {"body": {"type": "text"}, "v": {"type": "dense_vector", "dims": 2, "similarity": "cosine"}, "topic": {"type": "keyword"}}}""";
        assertAcked(
            prepareCreate("fused").setSettings(Map.of("index.number_of_shards", 1, "index.number_of_replicas", 0)).setMapping(mapping)
        );
        Object[][] docs = {
            {"a", "red shoes", new float[]{1f, 0f}, "x"},
            {"b", "blue shoes", new float[]{0.9f, 0.1f}, "x"},
            {"c", "red dress", new float[]{0f, 1f}, "y"},
            {"d", "red red hat", new float[]{-1f, 0.2f}, "x"},
            {"e", "green hat", new float[]{0.1f, 1f}, "y"}};
        for (Object[] doc : docs) {
            client().prepareIndex("fused").setId((String) doc[0]).setSource(Map.of("body", doc[1], "v", doc[2], "topic", doc[3])).get();
        }
        refresh("fused");
        Map<String, RetrieverSpec> retrievers = new LinkedHashMap<>();
        retrievers.put("bm25", new LexicalRetriever(QueryBuilders.matchQuery("body", "red"), 2));
        retrievers.put("vec", new DenseRetriever("v", null, 2));
        MultimodalQueryBuilder rrf = new MultimodalQueryBuilder(null, new float[]{1f, 0f}, null, retrievers, null, null);
        SearchResponse response = client().prepareSearch("fused").setQuery(rrf).setSize(10).setExplain(true).get();
        List<String> ids = Arrays.stream(response.getHits().getHits()).map(SearchHit::getId).toList();
        // bm25 top 2: d (red twice), then a or c; vec top 2: a, b. "a" is in both lists, so it leads
        assertEquals("a", ids.get(0));
        assertTrue("the pool is the union of both top-2 lists: " + ids, ids.containsAll(List.of("a", "b", "d")) && ids.size() <= 4);
        assertFalse("e is in neither list", ids.contains("e"));
        String explanation = response.getHits().getAt(0).getExplanation().toString();
        assertTrue(explanation, explanation.contains("retriever [bm25] raw score") && explanation.contains("retriever [vec] raw score"));

        SearchResponse page = client().prepareSearch("fused")
            .setQuery(rrf)
            .setFrom(1)
            .setSize(1)
            .setProfile(true)
            .addAggregation(AggregationBuilders.terms("topics").field("topic"))
            .get();
        assertEquals("from/size page through the fused order", ids.get(1), page.getHits().getAt(0).getId());
        assertEquals("the total is the pool", ids.size(), page.getHits().getTotalHits().value());
        Terms topics = page.getAggregations().get("topics");
        long bucketed = topics.getBuckets()
            .stream()
            .mapToLong(Terms.Bucket::getDocCount)
            .sum();
        assertEquals("aggregations see the whole pool", ids.size(), bucketed);
        assertFalse("profile works on the pool query", page.getProfileResults().isEmpty());

        MultimodalQueryBuilder filtered = new MultimodalQueryBuilder(
            null,
            new float[]{1f, 0f},
            null,
            retrievers,
            new FusionSpec(
                "linear",
                60,
                ScoreNormalization.MIN_MAX,
                Map.of("bm25", 0f)
            ),
            QueryBuilders.termQuery("topic", "y")
        );
        SearchResponse linear = client().prepareSearch("fused").setQuery(filtered).setSize(10).get();
        for (SearchHit hit : linear.getHits().getHits()) {
            assertEquals("the filter applies to every retriever", "y", hit.getSourceAsMap().get("topic"));
        }
        assertEquals("bm25 weighs nothing: the vector's order", "e", linear.getHits().getAt(0).getId());
    }

    public void testLikeSearchesWithTheStoredVectorsAndLeavesTheLikedDocumentOut() {
        String mapping = """
            {"properties": {"v": {"type": "dense_vector", "dims": 3, "similarity": "cosine"}, "name": {"type": "keyword"}}}""";
        assertAcked(
            prepareCreate("liked").setSettings(Map.of("index.number_of_shards", 2, "index.number_of_replicas", 0)).setMapping(mapping)
        );
        float[][] vectors = {{1f, 0f, 0f}, {0.9f, 0.1f, 0f}, {0f, 1f, 0f}, {0f, 0f, 1f}, {0.8f, 0.3f, 0f}};
        for (int i = 0; i < vectors.length; i++) {
            client().prepareIndex("liked").setId(String.valueOf(i)).setSource(Map.of("v", vectors[i], "name", "p" + i)).get();
        }
        client().prepareIndex("liked").setId("novec").setSource(Map.of("name", "no vector")).get();
        refresh("liked");

        MultimodalQueryBuilder like = new MultimodalQueryBuilder(
            null,
            null,
            new LikeDocument("liked", "0"),
            Map.of("v", new DenseRetriever("v", null, 3)),
            null
        );
        SearchResponse response = client().prepareSearch("liked").setQuery(like).setSize(3).get();
        List<String> ids = Arrays.stream(response.getHits().getHits()).map(SearchHit::getId).toList();
        assertFalse("the liked document is not its own hit: " + ids, ids.contains("0"));
        assertEquals("the nearest others, best first", List.of("1", "4"), ids.subList(0, 2));

        Exception missing = expectThrows(
            Exception.class,
            () -> client().prepareSearch("liked")
                .setQuery(
                    new MultimodalQueryBuilder(
                        null,
                        null,
                        new LikeDocument("liked", "nope"),
                        Map.of("v", new DenseRetriever("v", null, 3)),
                        null
                    )
                )
                .get()
        );
        assertTrue(missing.toString(), ExceptionsHelper.unwrapCause(missing).getMessage().contains("does not exist"));
        Exception noVector = expectThrows(
            Exception.class,
            () -> client().prepareSearch("liked")
                .setQuery(
                    new MultimodalQueryBuilder(
                        null,
                        null,
                        new LikeDocument("liked", "novec"),
                        Map.of("v", new DenseRetriever("v", null, 3)),
                        null
                    )
                )
                .get()
        );
        assertTrue(
            noVector.toString(),
            ExceptionsHelper.unwrapCause(noVector).getMessage().contains("has no vector in [v]")
        );
    }

    private long totalInferenceCalls() {
        long calls = 0;
        for (InferenceService service : internalCluster().getInstances(InferenceService.class)) {
            calls += service.stats().model(BuiltinModels.BGE_SMALL).calls();
        }
        return calls;
    }

    public void testPipelineWithAnUnknownModelIsRejected() {
        String pipeline = """
            {"processors": [{"embed_text": {"model": "no-such-model", "field_map": {"body": "body_vec"}}}]}""";
        Exception e = expectThrows(
            Exception.class,
            () -> client().admin().cluster().preparePutPipeline("bad", new BytesArray(pipeline), XContentType.JSON).get()
        );
        assertTrue(e.getMessage(), e.getMessage().contains("no-such-model"));
    }

    public void testQueryOnAFieldThatIsNotADenseVectorIsRejected() {
        createIndex("plain");
        client().prepareIndex("plain").setId("1").setSource(Map.of("title", "hello")).get();
        refresh("plain");
        MultimodalQueryBuilder query = new MultimodalQueryBuilder(
            null,
            new float[]{1f, 0f},
            Map.of("t", new DenseRetriever("title", null, 5)),
            null
        );
        Exception e = expectThrows(Exception.class, () -> client().prepareSearch("plain").setQuery(query).get());
        assertTrue(
            e.toString(),
            ExceptionsHelper.unwrapCause(e).toString().contains("dense_vector")
                || e.toString().contains("[retrievers.t.dense.field]")
        );
    }
}
