package org.opensearch.multimodal.plugin;

import org.opensearch.action.bulk.BulkItemResponse;
import org.opensearch.action.bulk.BulkRequestBuilder;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.index.reindex.ReindexAction;
import org.opensearch.index.reindex.ReindexModulePlugin;
import org.opensearch.index.reindex.ReindexRequestBuilder;
import org.opensearch.multimodal.mapper.MultiVectorFormat;
import org.opensearch.multimodal.math.TokenEncoding;
import org.opensearch.multimodal.model.BuiltinModels;
import org.opensearch.multimodal.query.rescore.LateInteractionRescorerBuilder;
import org.opensearch.multimodal.query.rescore.LateInteractionScoreMode;
import org.opensearch.plugins.Plugin;
import org.opensearch.search.SearchHit;
import org.opensearch.test.OpenSearchIntegTestCase;

import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertAcked;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compact token vectors end to end, on the demo corpus embedded by the real bge-small model: the processor hands token
 * vectors to fields of each encoding and pool factor; packed float32 sent by a client (here by {@code _reindex} from a
 * float32 index) is stored exactly as the processor would have stored it; the {@code multi_vector} retriever, GQR with
 * the multi-vector primary and the {@code late_interaction} rescorer rank on the encoded form as they do on float32;
 * bad packed values fail alone in a bulk.
 */
@OpenSearchIntegTestCase.ClusterScope(
    scope = OpenSearchIntegTestCase.Scope.SUITE, numDataNodes = 2, numClientNodes = 0, supportsDedicatedMasters = false
)
public class TokenEncodingClusterTests extends OpenSearchIntegTestCase {

    private static final String MODEL = "bge-small-en-v1.5";
    private static final String QUERY = "how do plants turn light into energy";
    private static final String PHOTOSYNTHESIS = "34";
    private static final int DIMS = 384;

    @Override
    protected Collection<Class<? extends Plugin>> nodePlugins() {
        return List.of(MultimodalPlugin.class, ReindexModulePlugin.class);
    }

    @Override
    protected Path nodeConfigPath(int nodeOrdinal) {
        return BuiltinModels.nodeConfigWith(BuiltinModels.root().resolve(BuiltinModels.BGE_SMALL));
    }

    private void create(String index, String encoding, int poolFactor, boolean withPipeline) {
        // index.codec default: not the test framework's random codec, so derived vector source is on as for users
        Map<String, Object> settings = new HashMap<>(
            Map.of("index.number_of_shards", 1, "index.number_of_replicas", 0, "index.codec", "default")
        );
        if (withPipeline) {
            settings.put("index.default_pipeline", "tokens");
        }
        assertAcked(
            prepareCreate(index).setSettings(settings)
                .setMapping(
                    String.format(
                        Locale.ROOT,
                        """
                            {"properties": {"title": {"type": "text"}, "body": {"type": "text"}, "topic": {"type": "keyword"},
                              "body_vec": {"type": "dense_vector", "dims": 384, "similarity": "cosine"},
                              "body_tokens": {"type": "multi_vector", "dims": 384, "encoding": "%s", "pool_factor": %d}}}""",
                        encoding,
                        poolFactor
                    )
                )
        );
    }

    private void indexCorpus(String index) throws Exception {
        BulkResponse response = DemoCorpusBulk.index(client(), index);
        assertFalse(response.buildFailureMessage(), response.hasFailures());
        refresh(index);
    }

    private void copy(String from, String to) {
        new ReindexRequestBuilder(client(), ReindexAction.INSTANCE).source(from).destination(to).refresh(true).get();
    }

    private byte[] storedTokens(String index, String id) {
        Object value = client().prepareGet(index, id).get().getSourceAsMap().get("body_tokens");
        assertTrue(index + ": token vectors come back packed, as base64: " + value, value instanceof String);
        return Base64.getDecoder().decode((String) value);
    }

    /** MaxSim alone through the multi_vector retriever: id to score, in rank order. */
    private Map<String, Float> maxSimRanking(String index) {
        SearchResponse response = client().prepareSearch(index)
            .setSize(48)
            .setQuery(QueryBuilders.wrapperQuery(String.format(Locale.ROOT, """
                {"multimodal": {"query_text": "%s", "retrievers": {
                  "text": {"dense": {"field": "body_vec", "model": "%s", "k": 48}},
                  "tokens": {"multi_vector": {"field": "body_tokens", "model": "%s"}}},
                 "fusion": {"linear": {"normalization": "none", "weights": {"text": 0}}}}}""", QUERY, MODEL, MODEL)))
            .get();
        Map<String, Float> scores = new LinkedHashMap<>();
        for (SearchHit hit : response.getHits().getHits()) {
            scores.put(hit.getId(), hit.getScore());
        }
        return scores;
    }

    private String topByGqr(String index) {
        return client().prepareSearch(index).setSize(1).setQuery(QueryBuilders.wrapperQuery(String.format(Locale.ROOT, """
            {"multimodal": {"query_text": "%s", "retrievers": {
              "bm25": {"lexical": {"query": {"multi_match": {"query": "%s", "fields": ["title", "body"]}}, "k": 10}},
              "text": {"dense": {"field": "body_vec", "model": "%s", "k": 10}},
              "tokens": {"multi_vector": {"field": "body_tokens", "model": "%s"}}},
             "fusion": {"gqr": {"primary": "tokens"}}}}""", QUERY, QUERY, MODEL, MODEL))).get().getHits().getAt(0).getId();
    }

    private SearchHit[] rescored(String index) {
        return client().prepareSearch(index)
            .setSize(10)
            .setQuery(QueryBuilders.wrapperQuery(String.format(Locale.ROOT, """
                {"multimodal": {"query_text": "%s", "retrievers": {
                  "text": {"dense": {"field": "body_vec", "model": "%s", "k": 10}}}}}""", QUERY, MODEL)))
            .addRescorer(new LateInteractionRescorerBuilder("body_tokens", QUERY, MODEL, LateInteractionScoreMode.REPLACE, 1f, 1f), 10)
            .get()
            .getHits()
            .getHits();
    }

    public void testEveryEncodingRanksAsFloat32DoesFromItsCompactForm() throws Exception {
        String pipeline = String.format(Locale.ROOT, """
            {"processors": [{"embed_text": {"model": "%s", "field_map": {"body": "body_vec"},
              "token_field_map": {"body": "body_tokens"}, "batch_size": 16}}]}""", MODEL);
        assertAcked(client().admin().cluster().preparePutPipeline("tokens", new BytesArray(pipeline), XContentType.JSON).get());
        create("float32", "float32", 1, true);
        create("int8_from_processor", "int8", 2, true);
        indexCorpus("float32");
        indexCorpus("int8_from_processor");
        create("int8", "int8", 2, false);
        create("bfloat16", "bfloat16", 1, false);
        create("binary", "binary", 2, false);
        for (String index : List.of("int8", "bfloat16", "binary")) {
            copy("float32", index);
        }

        byte[] float32 = storedTokens("float32", PHOTOSYNTHESIS);
        int tokens = (float32.length - MultiVectorFormat.HEADER_BYTES) / (4 * DIMS);
        assertTrue("bge's tokens of a paragraph: " + tokens, tokens > 10);
        byte[] int8 = storedTokens("int8", PHOTOSYNTHESIS);
        assertArrayEquals(
            "the processor's hand-off and the mapper's encoding of packed float32 store the same bytes",
            storedTokens("int8_from_processor", PHOTOSYNTHESIS),
            int8
        );
        int pooled = (tokens + 1) / 2;
        assertEquals(
            "int8, pool_factor 2: half the rows, a scale and a byte a dimension each",
            MultiVectorFormat.HEADER_BYTES + pooled * TokenEncoding.INT8.bytesPerRow(DIMS),
            int8.length
        );
        assertEquals(
            "binary, pool_factor 2: the document's center (bfloat16), then a scale and a bit a dimension a row",
            MultiVectorFormat.HEADER_BYTES + 2 * DIMS + pooled * TokenEncoding.BINARY.bytesPerRow(DIMS),
            storedTokens("binary", PHOTOSYNTHESIS).length
        );
        assertEquals(MultiVectorFormat.HEADER_BYTES + tokens * 2 * DIMS, storedTokens("bfloat16", PHOTOSYNTHESIS).length);

        Map<String, Float> exact = maxSimRanking("float32");
        assertEquals(PHOTOSYNTHESIS, exact.keySet().iterator().next());
        // bfloat16 keeps every token, so its MaxSim is float32's to bfloat16's precision
        Map<String, Float> bfloat16 = maxSimRanking("bfloat16");
        for (Map.Entry<String, Float> entry : exact.entrySet()) {
            assertEquals(entry.getKey(), entry.getValue(), bfloat16.get(entry.getKey()), 0.005f);
        }
        for (String index : List.of("int8_from_processor", "int8", "bfloat16", "binary")) {
            Map<String, Float> encoded = maxSimRanking(index);
            assertEquals(index + " MaxSim: " + encoded, PHOTOSYNTHESIS, encoded.keySet().iterator().next());
            List<String> top5 = List.copyOf(exact.keySet()).subList(0, 5);
            long kept = List.copyOf(encoded.keySet()).subList(0, 5).stream().filter(top5::contains).count();
            assertTrue(index + " keeps float32's top 5 but one at most: " + encoded + " vs " + exact, kept >= 4);
            assertEquals(index + " GQR with the multi-vector primary", PHOTOSYNTHESIS, topByGqr(index));
            SearchHit[] hits = rescored(index);
            assertEquals(index + " late_interaction rescore", PHOTOSYNTHESIS, hits[0].getId());
            for (SearchHit hit : hits) {
                assertEquals(index + ": the rescorer's MaxSim is the retriever's", encoded.get(hit.getId()), hit.getScore(), 1e-5f);
            }
        }
    }

    public void testABadPackedValueFailsAloneAndTheRestOfTheBulkIsIndexed() throws Exception {
        create("packed", "int8", 1, false);
        float[][] rows = new float[3][DIMS];
        for (int i = 0; i < rows.length; i++) {
            rows[i][i] = 1f;
        }
        String good = Base64.getEncoder().encodeToString(new MultiVectorFormat(TokenEncoding.INT8, 1).handOff(rows));
        String wrongDims = Base64.getEncoder()
            .encodeToString(new MultiVectorFormat(TokenEncoding.INT8, 1).handOff(new float[][]{{1f, 0f}}));
        byte[] truncated = Base64.getDecoder().decode(good);
        String cut = Base64.getEncoder().encodeToString(Arrays.copyOf(truncated, truncated.length - 7));
        BulkRequestBuilder bulk = client().prepareBulk();
        bulk.add(client().prepareIndex("packed").setId("good").setSource(Map.of("body", "fine", "body_tokens", good)));
        bulk.add(client().prepareIndex("packed").setId("not-base64").setSource(Map.of("body", "x", "body_tokens", "@@ not base64 @@")));
        bulk.add(client().prepareIndex("packed").setId("wrong-dims").setSource(Map.of("body", "x", "body_tokens", wrongDims)));
        bulk.add(client().prepareIndex("packed").setId("cut").setSource(Map.of("body", "x", "body_tokens", cut)));
        bulk.add(client().prepareIndex("packed").setId("also-good").setSource(Map.of("body", "fine too", "body_tokens", good)));
        BulkItemResponse[] items = bulk.get().getItems();
        assertFalse(items[0].getFailureMessage(), items[0].isFailed());
        assertFalse(items[4].getFailureMessage(), items[4].isFailed());
        for (int i = 1; i <= 3; i++) {
            assertTrue(items[i].getId(), items[i].isFailed());
            assertEquals(items[i].getFailureMessage(), RestStatus.BAD_REQUEST, items[i].status());
            assertTrue(items[i].getFailureMessage(), items[i].getFailureMessage().contains("body_tokens"));
        }
        refresh("packed");
        assertEquals(2, client().prepareSearch("packed").get().getHits().getTotalHits().value());
        assertEquals(
            "the stored form is what was sent",
            good,
            client().prepareGet("packed", "good").get().getSourceAsMap().get("body_tokens")
        );
    }
}
