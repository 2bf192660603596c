package org.opensearch.multimodal.plugin;

import org.opensearch.action.admin.cluster.node.stats.NodeStats;
import org.opensearch.action.admin.cluster.node.stats.NodesStatsRequest;
import org.opensearch.action.bulk.BulkItemResponse;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.core.indices.breaker.CircuitBreakerStats;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.multimodal.settings.MultimodalSettings;
import org.opensearch.test.OpenSearchIntegTestCase;

import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertAcked;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The plugin's {@code multimodal} circuit breaker on a node whose limit holds the token vectors of a few paragraphs:
 * a bulk whose token vectors would pass it indexes what fits and refuses the rest with 429s naming the breaker, the
 * node's breaker stats show it (tripped, and back to zero once the bulk is done), and the next bulk is indexed.
 */
@OpenSearchIntegTestCase.ClusterScope(
    scope = OpenSearchIntegTestCase.Scope.SUITE, numDataNodes = 1, numClientNodes = 0, supportsDedicatedMasters = false
)
public class MemoryBreakerClusterTests extends BgeClusterTestCase {

    @Override
    protected Settings nodeSettings(int nodeOrdinal) {
        // a demo paragraph's float32 token vectors are about 40-90 KB as packed base64
        return Settings.builder().put(super.nodeSettings(nodeOrdinal)).put(MultimodalSettings.BREAKER_LIMIT.getKey(), "400kb").build();
    }

    private CircuitBreakerStats breakerStats() {
        NodeStats node = client().admin()
            .cluster()
            .prepareNodesStats()
            .addMetric(NodesStatsRequest.Metric.BREAKER.metricName())
            .get()
            .getNodes()
            .get(0);
        return node.getBreaker().getStats(MultimodalSettings.BREAKER_NAME);
    }

    public void testTokenVectorsPastTheBreakerAreRefusedWith429sAndTheRestIsIndexed() throws Exception {
        String pipeline = """
            {"processors": [{"embed_text": {"model": "bge-small-en-v1.5", "field_map": {"body": "body_vec"},
              "token_field_map": {"body": "body_tokens"}, "batch_size": 16}}]}""";
        assertAcked(client().admin().cluster().preparePutPipeline("tokens", new BytesArray(pipeline), XContentType.JSON).get());
        assertAcked(
            prepareCreate("docs")
                .setSettings(Map.of("index.number_of_shards", 1, "index.number_of_replicas", 0, "index.default_pipeline", "tokens"))
                .setMapping("""
                    {"properties": {"body": {"type": "text"}, "body_vec": {"type": "dense_vector", "dims": 384, "similarity": "cosine"},
                      "body_tokens": {"type": "multi_vector", "dims": 384}}}""")
        );
        CircuitBreakerStats before = breakerStats();
        assertEquals("the breaker is registered and idle", 0, before.getEstimated());
        assertEquals(400 * 1024, before.getLimit());

        BulkResponse response = DemoCorpusBulk.index(client(), "docs");
        List<String> refused = new ArrayList<>();
        int indexed = 0;
        for (BulkItemResponse item : response.getItems()) {
            if (item.isFailed()) {
                assertEquals(item.getFailureMessage(), RestStatus.TOO_MANY_REQUESTS, item.status());
                assertTrue(item.getFailureMessage(), item.getFailureMessage().contains("[" + MultimodalSettings.BREAKER_NAME + "]"));
                assertTrue(item.getFailureMessage(), item.getFailureMessage().contains("field [body]"));
                refused.add(item.getId());
            } else {
                indexed++;
            }
        }
        assertTrue("some paragraphs fit: " + indexed, indexed > 0);
        assertTrue("the rest were refused: " + refused, refused.size() > 0);
        CircuitBreakerStats after = breakerStats();
        assertEquals("every byte handed back once the bulk is done", 0, after.getEstimated());
        assertTrue("the node's stats count the trips", after.getTrippedCount() > 0);

        BulkResponse retry = client().prepareBulk()
            .add(client().prepareIndex("docs").setId(refused.get(0)).setSource(Map.of("body", "Retried once the node had room.")))
            .get();
        assertFalse(retry.buildFailureMessage(), retry.hasFailures());
        assertEquals(0, breakerStats().getEstimated());
    }
}
