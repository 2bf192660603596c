package org.opensearch.multimodal.plugin;

import org.opensearch.action.bulk.BulkRequestBuilder;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.multimodal.model.BuiltinModels;
import org.opensearch.multimodal.model.EncodingPurpose;
import org.opensearch.multimodal.rest.EmbedAction;
import org.opensearch.multimodal.rest.EmbedRequest;
import org.opensearch.test.OpenSearchIntegTestCase;

import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertAcked;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A text's vectors depend on the text and the model alone (issue 21): the same text alone and beside others, through
 * {@code _embed} and through {@code embed_text}, for both built-in exports of bge-small.
 */
@OpenSearchIntegTestCase.ClusterScope(scope = OpenSearchIntegTestCase.Scope.SUITE, numDataNodes = 1)
public class BatchInvarianceClusterTests extends BgeClusterTestCase {

    private static final String TEXT = "Photosynthesis converts light into chemical energy in green plants.";
    private static final List<String> NEIGHBOURS = List.of(
        "Sourdough rises because wild yeast ferments the dough, " + "and the bread keeps for days. ".repeat(30),
        "Encryption keeps a message secret.",
        "A telescope gathers light from distant galaxies with a curved mirror; " + "its images are stacked. ".repeat(12)
    );

    @Override
    protected Path nodeConfigPath(int nodeOrdinal) {
        return BuiltinModels.nodeConfigWith(
            BuiltinModels.root().resolve(BuiltinModels.BGE_SMALL),
            BuiltinModels.root().resolve(BuiltinModels.BGE_SMALL_FP32)
        );
    }

    public void testEmbedGivesATextTheSameVectorsAloneAndBesideOthers() {
        for (String model : List.of(BuiltinModels.BGE_SMALL, BuiltinModels.BGE_SMALL_FP32)) {
            EmbedAction.Response alone = embed(model, List.of(TEXT));
            EmbedAction.Response batched = embed(model, List.of(NEIGHBOURS.get(0), TEXT, NEIGHBOURS.get(1), NEIGHBOURS.get(2)));
            assertEquals(model + " pooled", 0.0, maxAbsDifference(alone.vectors()[0], batched.vectors()[1]), 1e-6);
            float[][] aloneTokens = alone.tokenVectors()[0];
            float[][] batchedTokens = batched.tokenVectors()[1];
            assertEquals(aloneTokens.length, batchedTokens.length);
            for (int row = 0; row < aloneTokens.length; row++) {
                assertEquals(model + " token " + row, 0.0, maxAbsDifference(aloneTokens[row], batchedTokens[row]), 1e-6);
            }
        }
    }

    public void testIngestGivesADocumentTheSameVectorsAloneAndInABulk() {
        String pipeline = """
            {"processors": [{"embed_text": {"model": "bge-small-en-v1.5", "field_map": {"body": "body_vec"},
              "token_field_map": {"body": "body_tokens"}, "batch_size": 4}}]}""";
        assertAcked(client().admin().cluster().preparePutPipeline("bge-batches", new BytesArray(pipeline), XContentType.JSON).get());
        assertAcked(
            prepareCreate("batches").setSettings(
                Map.of("index.number_of_shards", 1, "index.number_of_replicas", 0, "index.default_pipeline", "bge-batches")
            )
                .setMapping("""
                    {"properties": {"body": {"type": "text"},
                      "body_vec": {"type": "dense_vector", "dims": 384, "similarity": "cosine"},
                      "body_tokens": {"type": "multi_vector", "dims": 384, "encoding": "float32"}}}""")
        );
        client().prepareIndex("batches").setId("alone").setSource(Map.of("body", TEXT)).get();
        BulkRequestBuilder bulk = client().prepareBulk();
        for (int i = 0; i < NEIGHBOURS.size(); i++) {
            bulk.add(client().prepareIndex("batches").setId("neighbour-" + i).setSource(Map.of("body", NEIGHBOURS.get(i))));
        }
        bulk.add(client().prepareIndex("batches").setId("in-bulk").setSource(Map.of("body", TEXT)));
        BulkResponse response = bulk.get();
        assertFalse(response.buildFailureMessage(), response.hasFailures());
        refresh("batches");

        Map<String, Object> alone = client().prepareGet("batches", "alone").get().getSourceAsMap();
        Map<String, Object> inBulk = client().prepareGet("batches", "in-bulk").get().getSourceAsMap();
        assertNotNull(alone.get("body_vec"));
        assertEquals("the dense vector, alone and in a bulk", alone.get("body_vec"), inBulk.get("body_vec"));
        assertNotNull(alone.get("body_tokens"));
        assertEquals("the token vectors, alone and in a bulk", alone.get("body_tokens"), inBulk.get("body_tokens"));
    }

    private EmbedAction.Response embed(String model, List<String> texts) {
        return client()
            .execute(EmbedAction.INSTANCE, new EmbedAction.Request(new EmbedRequest(model, texts, null, true, EncodingPurpose.DOCUMENT)))
            .actionGet();
    }

    private static double maxAbsDifference(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
