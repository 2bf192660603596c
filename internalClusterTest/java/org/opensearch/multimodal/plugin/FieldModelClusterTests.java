package org.opensearch.multimodal.plugin;

import org.opensearch.ExceptionsHelper;
import org.opensearch.action.bulk.BulkItemResponse;
import org.opensearch.action.bulk.BulkRequestBuilder;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.routing.ShardRouting;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.multimodal.model.BuiltinModels;
import org.opensearch.multimodal.model.ModelRegistry;
import org.opensearch.multimodal.services.MultimodalServices;
import org.opensearch.plugins.Plugin;
import org.opensearch.search.SearchHit;
import org.opensearch.test.OpenSearchIntegTestCase;

import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertAcked;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The mapping knows its model, and vectors of different models never meet unnoticed: a field's mapping may name the model
 * that fills it, so retrievers and the rescorer may leave out theirs; ingest records the model and its fingerprint on the
 * first fill; a query or an ingest by another model (another space, or other files under the same id, on the field or on
 * another node) is a 400 naming both.
 */
@OpenSearchIntegTestCase.ClusterScope(
    scope = OpenSearchIntegTestCase.Scope.SUITE, numDataNodes = 2, numClientNodes = 0, supportsDedicatedMasters = false
)
public class FieldModelClusterTests extends OpenSearchIntegTestCase {

    private static final String BGE = BuiltinModels.BGE_SMALL;
    /** bge's files under another id: another embedding space as far as the plugin knows. */
    private static final String COPY = "bge-copy";
    /** On each node the same id with other files (another description in its manifest): other fingerprints. */
    private static final String DIVERGENT = "bge-divergent";
    private static final String[] BODIES = {
        "Photosynthesis turns sunlight, water and carbon dioxide into sugar and oxygen.",
        "Sourdough bread rises because wild yeast ferments the dough.",
        "A telescope gathers light from distant galaxies with a curved mirror.",
        "Encryption keeps a message secret with a key."};

    @Override
    protected Collection<Class<? extends Plugin>> nodePlugins() {
        return List.of(MultimodalPlugin.class);
    }

    @Override
    protected Path nodeConfigPath(int nodeOrdinal) {
        return BuiltinModels.nodeConfigWith(
            BuiltinModels.root().resolve(BGE),
            BuiltinModels.renamed(BGE, COPY, "bge under another id"),
            BuiltinModels.renamed(BGE, DIVERGENT, "the copy of node " + nodeOrdinal)
        );
    }

    private void createIndex(String index, String mapping) {
        String pipeline = """
            {"processors": [{"embed_text": {"model": "bge-small-en-v1.5", "field_map": {"body": "body_vec"},
              "token_field_map": {"body": "body_tokens"}}}]}""";
        assertAcked(client().admin().cluster().preparePutPipeline("bge", new BytesArray(pipeline), XContentType.JSON).get());
        assertAcked(
            prepareCreate(index).setSettings(Map.of("index.number_of_shards", 1, "index.number_of_replicas", 0)).setMapping(mapping)
        );
    }

    private BulkResponse ingest(String index) {
        BulkRequestBuilder bulk = client().prepareBulk();
        for (int i = 0; i < BODIES.length; i++) {
            bulk.add(client().prepareIndex(index).setId(Integer.toString(i)).setPipeline("bge").setSource(Map.of("body", BODIES[i])));
        }
        BulkResponse response = bulk.get();
        refresh(index);
        return response;
    }

    private SearchResponse search(String index, String multimodal) {
        return client().prepareSearch(index).setQuery(QueryBuilders.wrapperQuery("{\"multimodal\": " + multimodal + "}")).get();
    }

    private static List<String> ids(SearchResponse response) {
        return Arrays.stream(response.getHits().getHits()).map(SearchHit::getId).toList();
    }

    private String fingerprint(String model) {
        return internalCluster().getInstance(MultimodalServices.class).registry().fingerprint(model).orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> fieldMapping(String index, String field) {
        Map<String, Object> mapping = client().admin().indices().prepareGetMappings(index).get().mappings().get(index).sourceAsMap();
        return (Map<String, Object>) ((Map<String, Object>) mapping.get("properties")).get(field);
    }

    private static String error(Exception e) {
        assertEquals(e.toString(), 400, ExceptionsHelper.status(e).getStatus());
        return ExceptionsHelper.stackTrace(e);
    }

    public void testAFieldThatNamesItsModelNeedsNoneInTheQuery() {
        createIndex("named", """
            {"properties": {"body": {"type": "text"},
              "body_vec": {"type": "dense_vector", "dims": 384, "model": "bge-small-en-v1.5"},
              "body_tokens": {"type": "multi_vector", "dims": 384, "model": "bge-small-en-v1.5"}}}""");
        assertFalse(ingest("named").hasFailures());
        String query = "how do plants make sugar from light";
        List<String> named = ids(
            search(
                "named",
                "{\"query_text\": \"" + query + "\", \"retrievers\": {\"v\": {\"dense\": {\"field\": \"body_vec\", \"model\": \"" + BGE
                    + "\"}}}}"
            )
        );
        List<String> unnamed = ids(
            search("named", "{\"query_text\": \"" + query + "\", \"retrievers\": {\"v\": {\"dense\": {\"field\": \"body_vec\"}}}}")
        );
        assertEquals("the mapping's model encodes the query", named, unnamed);
        assertEquals("0", unnamed.get(0));
        SearchResponse withTokens = client().prepareSearch("named")
            .setQuery(QueryBuilders.wrapperQuery("""
                {"multimodal": {"query_text": "how do plants make sugar from light", "retrievers": {
                  "v": {"dense": {"field": "body_vec"}}, "t": {"multi_vector": {"field": "body_tokens"}}},
                 "fusion": {"gqr": {"primary": "t"}}}}"""))
            .setRescorer(
                new org.opensearch.multimodal.query.rescore.LateInteractionRescorerBuilder("body_tokens", query, null, null, 1f, 1f),
                10
            )
            .get();
        assertEquals("0", withTokens.getHits().getAt(0).getId());
        assertEquals(
            "ingest recorded the fingerprint of the model that filled the field",
            fingerprint(BGE),
            fieldMapping("named", "body_vec").get("model_fingerprint")
        );

        Exception otherSpace = expectThrows(
            Exception.class,
            () -> search(
                "named",
                "{\"query_text\": \"x\", \"retrievers\": {\"v\": {\"dense\": {\"field\": \"body_vec\", \"model\": \"" + COPY + "\"}}}}"
            )
        );
        assertTrue(
            error(otherSpace),
            error(otherSpace).contains(
                "[retrievers.v.dense.model] model [bge-copy] encodes into the space of [bge-copy], but field [body_vec] holds vectors of model [bge-small-en-v1.5]"
            )
        );

        Exception changed = expectThrows(
            Exception.class,
            () -> client().admin()
                .indices()
                .preparePutMapping("named")
                .setSource(
                    "{\"properties\": {\"body_vec\": {\"type\": \"dense_vector\", \"dims\": 384, \"model\": \"" + COPY + "\"}}}",
                    XContentType.JSON
                )
                .get()
        );
        assertTrue(changed.toString(), ExceptionsHelper.stackTrace(changed).contains("model"));
    }

    public void testTheFirstFillRecordsTheModelAndAFieldWithoutOneNeedsItInTheQuery() {
        createIndex("unnamed", """
            {"properties": {"body": {"type": "text"}, "body_vec": {"type": "dense_vector", "dims": 384},
              "body_tokens": {"type": "multi_vector", "dims": 384}}}""");
        Exception none = expectThrows(
            Exception.class,
            () -> search("unnamed", "{\"query_text\": \"x\", \"retrievers\": {\"v\": {\"dense\": {\"field\": \"body_vec\"}}}}")
        );
        assertTrue(
            error(none),
            error(none).contains(
                "[retrievers.v.dense.model] is required to encode the query: give it, or name the model in the mapping of field [body_vec]"
            )
        );
        assertFalse(ingest("unnamed").hasFailures());
        assertEquals(BGE, fieldMapping("unnamed", "body_vec").get("model"));
        assertEquals(fingerprint(BGE), fieldMapping("unnamed", "body_tokens").get("model_fingerprint"));
        assertEquals(
            "0",
            ids(
                search(
                    "unnamed",
                    "{\"query_text\": \"plants turn light into sugar\", \"retrievers\": {\"v\": {\"dense\": {\"field\": \"body_vec\"}}}}"
                )
            ).get(0)
        );
    }

    public void testAnotherModelOrOtherFilesAreRefusedAtIngestAndQuery() {
        createIndex("forged", """
            {"properties": {"body": {"type": "text"},
              "body_vec": {"type": "dense_vector", "dims": 384, "model": "bge-small-en-v1.5", "model_fingerprint": "0000000000000000"},
              "body_tokens": {"type": "multi_vector", "dims": 384}}}""");
        BulkResponse refused = ingest("forged");
        for (BulkItemResponse item : refused.getItems()) {
            assertTrue("every document fails alone", item.isFailed());
            assertEquals(400, item.getFailure().getStatus().getStatus());
            assertTrue(
                item.getFailureMessage(),
                item.getFailureMessage()
                    .contains(
                        "was first filled by model [bge-small-en-v1.5] with fingerprint [0000000000000000], but this node's [bge-small-en-v1.5] has fingerprint ["
                            + fingerprint(BGE) + "]"
                    )
            );
        }
        Exception query = expectThrows(
            Exception.class,
            () -> search("forged", "{\"query_text\": \"x\", \"retrievers\": {\"v\": {\"dense\": {\"field\": \"body_vec\"}}}}")
        );
        assertTrue(
            error(query),
            error(query).contains("but field [body_vec] was filled by [bge-small-en-v1.5] with fingerprint [0000000000000000]")
        );

        createIndex("theirs", """
            {"properties": {"body": {"type": "text"}, "body_vec": {"type": "dense_vector", "dims": 384, "model": "bge-copy"}}}""");
        BulkResponse wrongModel = ingest("theirs");
        assertTrue(
            wrongModel.buildFailureMessage(),
            wrongModel.buildFailureMessage()
                .contains(
                    "field [body_vec] of index [theirs] is filled by model [bge-copy] (its mapping's [model]); this pipeline embeds with [bge-small-en-v1.5]"
                )
        );
    }

    public void testNodesServingOtherFilesUnderOneIdAreRefused() {
        assertAcked(prepareCreate("split").setSettings(Map.of("index.number_of_shards", 1, "index.number_of_replicas", 0)).setMapping("""
            {"properties": {"v": {"type": "dense_vector", "dims": 384}}}"""));
        ensureGreen("split");
        ClusterState state = client().admin().cluster().prepareState().get().getState();
        ShardRouting shard = state.routingTable().index("split").shard(0).primaryShard();
        String holder = state.nodes().get(shard.currentNodeId()).getName();
        String coordinator = Arrays.stream(internalCluster().getNodeNames())
            .filter(n -> n.equals(holder) == false)
            .findFirst()
            .orElseThrow();
        ModelRegistry here = internalCluster().getInstance(MultimodalServices.class, coordinator).registry();
        ModelRegistry there = internalCluster().getInstance(MultimodalServices.class, holder).registry();
        assertNotEquals(here.fingerprint(DIVERGENT), there.fingerprint(DIVERGENT));
        Exception e = expectThrows(
            Exception.class,
            () -> client(coordinator).prepareSearch("split")
                .setQuery(
                    QueryBuilders.wrapperQuery(
                        "{\"multimodal\": {\"query_text\": \"x\", \"retrievers\": {\"v\": {\"dense\": {\"field\": \"v\", \"model\": \""
                            + DIVERGENT + "\"}}}}}"
                    )
                )
                .get()
        );
        assertTrue(
            ExceptionsHelper.stackTrace(e),
            ExceptionsHelper.stackTrace(e)
                .contains(
                    "model [bge-divergent] has fingerprint [" + here.fingerprint(DIVERGENT).orElseThrow() + "] on node [" + coordinator
                        + "], which encoded the query, but [" + there.fingerprint(DIVERGENT).orElseThrow() + "] on node [" + holder + "]"
                )
        );
    }
}
