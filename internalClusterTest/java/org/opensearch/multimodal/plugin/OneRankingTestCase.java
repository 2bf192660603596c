package org.opensearch.multimodal.plugin;

import org.opensearch.action.search.SearchResponse;
import org.opensearch.action.search.SearchType;
import org.opensearch.common.document.DocumentField;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.index.query.MultiMatchQueryBuilder;
import org.opensearch.multimodal.math.ScoreNormalization;
import org.opensearch.multimodal.query.MultimodalQueryBuilder;
import org.opensearch.multimodal.query.fusion.FusionSpec;
import org.opensearch.multimodal.query.fusion.GqrSpec;
import org.opensearch.multimodal.query.fusion.HitScores;
import org.opensearch.multimodal.query.retriever.DenseRetriever;
import org.opensearch.multimodal.query.retriever.LexicalRetriever;
import org.opensearch.multimodal.query.retriever.MultiVectorRetriever;
import org.opensearch.multimodal.query.retriever.RetrieverSpec;
import org.opensearch.search.SearchHit;

import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertAcked;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One ranking whatever the sharding: the demo corpus embedded into a 1-shard index and into a 3-shard one (the same
 * vectors: a text's vectors depend on the text alone); with exact retrievers (every retriever's {@code k} covers every document) and
 * {@code dfs_query_then_fetch} (BM25 on the index's statistics), RRF, linear and GQR give the same top 10 with the same
 * scores on both. Subclasses run it on one node and on three.
 */
public abstract class OneRankingTestCase extends BgeClusterTestCase {

    private static final String MODEL = "bge-small-en-v1.5";
    private static final int EVERY_DOCUMENT = 48;
    private static final List<String> QUERIES = List.of(
        "how do plants turn light into energy",
        "volcanoes and earthquakes",
        "training a neural network"
    );

    private void createIndices() throws IOException {
        String pipeline = """
            {"processors": [{"embed_text": {"model": "bge-small-en-v1.5", "field_map": {"body": "body_vec"},
              "token_field_map": {"body": "body_tokens"}, "batch_size": 16}}]}""";
        assertAcked(client().admin().cluster().preparePutPipeline("corpus", new BytesArray(pipeline), XContentType.JSON).get());
        String mapping = """
            {"properties": {"title": {"type": "text"}, "body": {"type": "text"},
              "topic": {"type": "keyword"},
              "body_vec": {"type": "dense_vector", "dims": 384, "similarity": "cosine"},
              "body_tokens": {"type": "multi_vector", "dims": 384}}}""";
        // a text's vectors depend on the text and the model alone, so embedding the corpus into each index gives both the
        // same vectors (a _reindex would store int8 token vectors quantized twice)
        for (String index : List.of("one", "three")) {
            int shards = index.equals("one") ? 1 : 3;
            assertAcked(
                prepareCreate(index).setSettings(
                    Map.of("index.number_of_shards", shards, "index.number_of_replicas", 0, "index.default_pipeline", "corpus")
                ).setMapping(mapping)
            );
            assertFalse(DemoCorpusBulk.index(client(), index).hasFailures());
            refresh(index);
        }
    }

    private static MultimodalQueryBuilder query(String text, FusionSpec fusion) {
        Map<String, RetrieverSpec> retrievers = new LinkedHashMap<>();
        retrievers.put("bm25", new LexicalRetriever(new MultiMatchQueryBuilder(text, "title", "body"), EVERY_DOCUMENT));
        retrievers.put("text", new DenseRetriever("body_vec", MODEL, EVERY_DOCUMENT));
        retrievers.put("tokens", new MultiVectorRetriever("body_tokens", MODEL));
        return new MultimodalQueryBuilder(text, null, null, retrievers, fusion, null);
    }

    private SearchResponse search(String index, MultimodalQueryBuilder query) {
        return client().prepareSearch(index).setQuery(query).setSearchType(SearchType.DFS_QUERY_THEN_FETCH).setSize(10).get();
    }

    private static List<String> ids(SearchResponse response) {
        List<String> ids = new ArrayList<>();
        for (SearchHit hit : response.getHits().getHits()) {
            ids.add(hit.getId());
        }
        return ids;
    }

    public void testRrfLinearAndGqrRankTheSameOnOneShardAndOnThree() throws IOException {
        createIndices();
        GqrSpec dense = new GqrSpec("text", List.of("bm25"), 10, null, null, 1f, 0.5f, ScoreNormalization.MIN_MAX);
        GqrSpec tokens = new GqrSpec("tokens", List.of("bm25", "text"), 10, null, null, 1f, 0.5f, ScoreNormalization.MIN_MAX);
        Map<String, FusionSpec> fusions = new LinkedHashMap<>();
        fusions.put("rrf", FusionSpec.defaultRrf());
        fusions.put("linear", new FusionSpec(FusionSpec.LINEAR, 60, ScoreNormalization.MIN_MAX, Map.of("bm25", 0.3f, "text", 0.7f)));
        fusions.put("gqr dense", FusionSpec.gqr(dense));
        fusions.put("gqr tokens", FusionSpec.gqr(tokens));
        for (String text : QUERIES) {
            for (Map.Entry<String, FusionSpec> fusion : fusions.entrySet()) {
                SearchResponse one = search("one", query(text, fusion.getValue()));
                SearchResponse three = search("three", query(text, fusion.getValue()));
                assertEquals(3, three.getSuccessfulShards());
                String what = fusion.getKey() + " / " + text;
                assertEquals(what, ids(one), ids(three));
                for (int i = 0; i < one.getHits().getHits().length; i++) {
                    // the SIMD kernels may add floats in another order once the JIT compiles them: a GQR step amplifies
                    // that to a few ulps, never to another order
                    assertEquals(what, one.getHits().getAt(i).getScore(), three.getHits().getAt(i).getScore(), 1e-5f);
                }
                assertEquals("the total is the pool", one.getHits().getTotalHits().value(), three.getHits().getTotalHits().value());
                SearchHit best = three.getHits().getAt(0);
                DocumentField scores = best.field(HitScores.FIELD);
                assertNotNull("each hit carries its structured scores", scores);
                Map<?, ?> details = (Map<?, ?>) scores.getValue();
                assertEquals(1, ((Number) details.get("rank")).intValue());
                Map<?, ?> retrievers = (Map<?, ?>) details.get("retrievers");
                assertEquals(List.of("bm25", "text", "tokens"), new ArrayList<>(retrievers.keySet()));
                assertNotNull("the dense retriever scores every pool document", ((Map<?, ?>) retrievers.get("text")).get("score"));
            }
        }
    }
}
