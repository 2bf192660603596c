package org.opensearch.multimodal.plugin;

import org.opensearch.action.bulk.BulkRequestBuilder;
import org.opensearch.action.get.GetResponse;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.xcontent.MediaTypeRegistry;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.index.reindex.ReindexAction;
import org.opensearch.index.reindex.ReindexModulePlugin;
import org.opensearch.index.reindex.ReindexRequestBuilder;
import org.opensearch.index.reindex.UpdateByQueryAction;
import org.opensearch.index.reindex.UpdateByQueryRequestBuilder;
import org.opensearch.indices.IndicesService;
import org.opensearch.multimodal.mapper.MultiVectorFormat;
import org.opensearch.multimodal.model.BuiltinModels;
import org.opensearch.plugins.Plugin;
import org.opensearch.search.SearchHit;
import org.opensearch.test.OpenSearchIntegTestCase;

import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertAcked;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Derived vector source: token and dense vectors are left out of the stored {@code _source} and put back from their own
 * data when {@code _source} is read, so GET, search hits, {@code like}, {@code _reindex}, {@code _update_by_query} and
 * a replica built by recovery all see them while each vector is stored once.
 */
@OpenSearchIntegTestCase.ClusterScope(
    scope = OpenSearchIntegTestCase.Scope.SUITE, numDataNodes = 2, numClientNodes = 0, supportsDedicatedMasters = false
)
public class DerivedVectorSourceClusterTests extends OpenSearchIntegTestCase {

    private static final String QUERY = "how do plants make sugar from light";
    private static final String[] BODIES = {
        "Photosynthesis turns sunlight, water and carbon dioxide into sugar and oxygen.",
        "Sourdough bread rises because wild yeast ferments the dough.",
        "A telescope gathers light from distant galaxies with a curved mirror.",
        "Encryption keeps a message secret with a key."};

    @Override
    protected Collection<Class<? extends Plugin>> nodePlugins() {
        return List.of(MultimodalPlugin.class, ReindexModulePlugin.class);
    }

    @Override
    protected Path nodeConfigPath(int nodeOrdinal) {
        return BuiltinModels.nodeConfigWith(BuiltinModels.root().resolve(BuiltinModels.BGE_SMALL));
    }

    private static String mapping(String encoding) {
        return String.format(Locale.ROOT, """
            {"properties": {"body": {"type": "text"},
              "body_vec": {"type": "dense_vector", "dims": 384, "similarity": "cosine"},
              "body_tokens": {"type": "multi_vector", "dims": 384, "encoding": "%s", "pool_factor": 2}}}""", encoding);
    }

    private void createAndFill(String index, boolean derived) {
        String pipeline = """
            {"processors": [{"embed_text": {"model": "bge-small-en-v1.5", "field_map": {"body": "body_vec"},
              "token_field_map": {"body": "body_tokens"}}}]}""";
        assertAcked(client().admin().cluster().preparePutPipeline("bge", new BytesArray(pipeline), XContentType.JSON).get());
        assertAcked(
            prepareCreate(index).setSettings(
                Map.of(
                    "index.number_of_shards",
                    1,
                    "index.number_of_replicas",
                    0,
                    "index.default_pipeline",
                    "bge",
                    "index.multimodal.derived_vector_source",
                    derived,
                    "index.codec",
                    "default"
                )
            ).setMapping(mapping("int8"))
        );
        BulkRequestBuilder bulk = client().prepareBulk();
        for (int i = 0; i < BODIES.length; i++) {
            bulk.add(client().prepareIndex(index).setId(Integer.toString(i)).setSource(Map.of("body", BODIES[i])));
        }
        assertFalse(bulk.get().buildFailureMessage(), bulk.get().hasFailures());
        refresh(index);
    }

    private String topByTokens(String index, String preference) {
        String query = String.format(Locale.ROOT, """
            {"multimodal": {"query_text": "%s", "retrievers": {
              "dense": {"dense": {"field": "body_vec", "model": "bge-small-en-v1.5", "k": 4}},
              "tokens": {"multi_vector": {"field": "body_tokens", "model": "bge-small-en-v1.5"}}},
             "fusion": {"gqr": {"primary": "tokens"}}}}""", QUERY);
        SearchResponse response = client().prepareSearch(index).setPreference(preference).setQuery(QueryBuilders.wrapperQuery(query)).get();
        return response.getHits().getAt(0).getId();
    }

    private List<String> storedSources(String index) throws IOException {
        return StoredSources.of(internalCluster().getInstances(IndicesService.class), resolveIndex(index))
            .stream()
            .map(DerivedVectorSourceClusterTests::asJson)
            .toList();
    }

    /** A stored source as JSON text, whatever content type the test client sent it in. */
    private static String asJson(BytesReference source) {
        try {
            return XContentHelper.convertToJson(source, false, MediaTypeRegistry.xContentType(source));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    public void testVectorsAreStoredOnceAndEveryReaderOfSourceSeesThem() throws Exception {
        createAndFill("derived", true);
        for (String stored : storedSources("derived")) {
            assertFalse(
                "the stored source leaves the vectors out: " + stored,
                stored.contains("body_tokens") || stored.contains("body_vec")
            );
        }

        GetResponse get = client().prepareGet("derived", "0").get();
        Object tokens = get.getSourceAsMap().get("body_tokens");
        assertTrue("GET gives the token vectors back, packed: " + tokens, tokens instanceof String);
        float[][] rows = MultiVectorFormat.unpack(Base64.getDecoder().decode((String) tokens));
        assertTrue(rows.length > 0 && rows[0].length == 384);
        assertEquals(384, ((List<?>) get.getSourceAsMap().get("body_vec")).size());
        SearchHit hit = client().prepareSearch("derived").setQuery(QueryBuilders.idsQuery().addIds("0")).get().getHits().getAt(0);
        assertEquals("a search hit's source too", tokens, hit.getSourceAsMap().get("body_tokens"));

        // more like this: reads the liked document's dense vector from its _source
        SearchResponse like = client().prepareSearch("derived").setQuery(QueryBuilders.wrapperQuery("""
            {"multimodal": {"like": {"_index": "derived", "_id": "0"},
             "retrievers": {"v": {"dense": {"field": "body_vec", "k": 3}}}}}""")).get();
        assertTrue(like.getHits().getHits().length > 0);

        // reindex into an index without a pipeline: the vectors travel in the derived source
        assertAcked(
            prepareCreate("copy").setSettings(Map.of("index.number_of_shards", 1, "index.number_of_replicas", 0, "index.codec", "default"))
                .setMapping(mapping("int8"))
        );
        new ReindexRequestBuilder(client(), ReindexAction.INSTANCE).source("derived").destination("copy").refresh(true).get();
        assertEquals("the copy ranks as the original", topByTokens("derived", "_local"), topByTokens("copy", "_local"));
        assertEquals("the int8 bytes arrive unchanged", tokens, client().prepareGet("copy", "0").get().getSourceAsMap().get("body_tokens"));

        // update by query without a pipeline rewrites every document from its source: the vectors stay
        new UpdateByQueryRequestBuilder(client(), UpdateByQueryAction.INSTANCE).source("copy").refresh(true).get();
        assertEquals(tokens, client().prepareGet("copy", "0").get().getSourceAsMap().get("body_tokens"));
        assertEquals("0", topByTokens("copy", "_local"));

        // a replica built by recovery from the primary's segments reads the vectors back too
        assertAcked(client().admin().indices().prepareUpdateSettings("derived").setSettings(Map.of("index.number_of_replicas", 1)));
        ensureGreen("derived");
        assertEquals(tokens, client().prepareGet("derived", "0").setPreference("_replica").get().getSourceAsMap().get("body_tokens"));
        assertEquals("0", topByTokens("derived", "_replica"));
    }

    public void testTurnedOffTheSourceKeepsTheVectorsAsSent() throws Exception {
        createAndFill("stored", false);
        for (String stored : storedSources("stored")) {
            assertTrue("stored as sent: " + stored.substring(0, Math.min(200, stored.length())), stored.contains("body_tokens"));
        }
        assertEquals("0", topByTokens("stored", "_local"));
    }
}
