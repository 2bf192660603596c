package org.opensearch.multimodal.plugin;

import org.opensearch.common.settings.Settings;
import org.opensearch.multimodal.rest.NodeStats;
import org.opensearch.multimodal.rest.StatsAction;
import org.opensearch.multimodal.rest.StatsRequest;
import org.opensearch.multimodal.rest.StatsResponse;
import org.opensearch.plugins.Plugin;
import org.opensearch.test.OpenSearchIntegTestCase;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The stats API's history on two in-JVM nodes: each node samples itself on its own schedule into a ring of the size
 * set, and answers for itself through the transport layer, with OpenSearch's breakers in every sample.
 */
@OpenSearchIntegTestCase.ClusterScope(
    scope = OpenSearchIntegTestCase.Scope.SUITE, numDataNodes = 2, numClientNodes = 0, supportsDedicatedMasters = false
)
public class StatsHistoryClusterTests extends OpenSearchIntegTestCase {

    private static final int SIZE = 3;

    @Override
    protected Collection<Class<? extends Plugin>> nodePlugins() {
        return List.of(MultimodalPlugin.class);
    }

    @Override
    protected Settings nodeSettings(int nodeOrdinal) {
        return Settings.builder()
            .put(super.nodeSettings(nodeOrdinal))
            .put("plugins.multimodal.stats.history.interval", "1s")
            .put("plugins.multimodal.stats.history.size", SIZE)
            .build();
    }

    public void testEveryNodeKeepsItsLastSamplesAndReturnsThemOnRequest() throws Exception {
        assertBusy(() -> {
            StatsResponse stats = stats(new StatsRequest().history(Long.MIN_VALUE));
            assertEquals(2, stats.getNodes().size());
            for (NodeStats node : stats.getNodes()) {
                List<Map<String, Object>> samples = samples(node);
                assertEquals("the ring is full after " + SIZE + " intervals", SIZE, samples.size());
                long previous = 0;
                for (Map<String, Object> sample : samples) {
                    long timestamp = (long) sample.get("timestamp");
                    assertTrue("oldest first", timestamp > previous);
                    previous = timestamp;
                    assertTrue(sample.keySet().containsAll(List.of("inference_pools", "models", "ingest", "queries", "breakers")));
                }
            }
        });
        // after more intervals the ring has moved on: still SIZE samples, all newer than the first answer's newest
        StatsResponse first = stats(new StatsRequest().history(Long.MIN_VALUE));
        long newest = newest(first.getNodes().get(0));
        assertBusy(() -> {
            for (NodeStats node : stats(new StatsRequest().history(Long.MIN_VALUE)).getNodes()) {
                if (node.getNode().equals(first.getNodes().get(0).getNode())) {
                    List<Map<String, Object>> samples = samples(node);
                    assertEquals(SIZE, samples.size());
                    assertTrue("wrapped around", (long) samples.get(0).get("timestamp") > newest);
                }
            }
        });

        NodeStats node = first.getNodes().get(0);
        Map<String, Object> history = history(node);
        assertEquals(1000L, history.get("interval_in_millis"));
        assertEquals(SIZE, history.get("size"));
        assertTrue(
            "a few kilobytes at most: " + history.get("memory_in_bytes"),
            ((Number) history.get("memory_in_bytes")).longValue() < 8 * 1024
        );
        Map<?, ?> breakers = (Map<?, ?>) samples(node).get(0).get("breakers");
        assertTrue("OpenSearch's own breakers: " + breakers, breakers.containsKey("request") && breakers.containsKey("parent"));

        long after = (long) samples(node).get(SIZE - 2).get("timestamp");
        for (NodeStats later : stats(new StatsRequest(node.getNode().getId()).history(after)).getNodes()) {
            for (Map<String, Object> sample : samples(later)) {
                assertTrue("only samples after the time asked for", (long) sample.get("timestamp") > after);
            }
        }
        for (NodeStats plain : stats(new StatsRequest()).getNodes()) {
            assertFalse("no history unless asked for", plain.stats().containsKey("history"));
            assertTrue("the current stats show the breakers too", plain.stats().containsKey("breakers"));
        }
    }

    private static StatsResponse stats(StatsRequest request) {
        return client().execute(StatsAction.INSTANCE, request).actionGet();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> history(NodeStats node) {
        return (Map<String, Object>) node.stats().get("history");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> samples(NodeStats node) {
        return (List<Map<String, Object>>) history(node).get("samples");
    }

    private static long newest(NodeStats node) {
        List<Map<String, Object>> samples = samples(node);
        return (long) samples.get(samples.size() - 1).get("timestamp");
    }
}
