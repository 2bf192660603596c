package org.opensearch.multimodal.stats;

import org.opensearch.OpenSearchStatusException;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.test.OpenSearchTestCase;

import java.util.Map;

/** The counters behind the stats API: percentiles from known durations, histograms, causes, and switching off. */
public final class MultimodalStatsTests extends OpenSearchTestCase {

    public void testPercentilesAreTheUpperEdgeOfTheirPowerOfTwoBucket() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (int i = 0; i < 90; i++) {
            histogram.record(3_000_000); // 3 ms: bucket [2.048, 4.096) ms
        }
        for (int i = 0; i < 10; i++) {
            histogram.record(100_000_000); // 100 ms: bucket [65.5, 131) ms
        }
        assertEquals(100, histogram.count());
        assertEquals(4.096, histogram.percentileMillis(50), 1e-9);
        assertEquals(4.096, histogram.percentileMillis(90), 1e-9);
        assertEquals(131.072, histogram.percentileMillis(99), 1e-9);
        assertEquals(90 * 3 + 10 * 100, histogram.totalMillis());
        assertEquals("nothing recorded", 0.0, new LatencyHistogram().percentileMillis(50), 0);
    }

    @SuppressWarnings("unchecked")
    public void testModelCountersBatchSizesAndErrorsByCause() {
        MultimodalStats stats = new MultimodalStats();
        stats.model("m").call(1, 1_000_000);
        stats.model("m").call(16, 1_000_000);
        stats.model("m").call(300, 1_000_000);
        stats.model("m").error(MultimodalStats.cause(new OpenSearchStatusException("busy", RestStatus.TOO_MANY_REQUESTS)));
        Map<String, Object> model = (Map<String, Object>) ((Map<String, Object>) stats.snapshot().get("models")).get("m");
        assertEquals(3L, model.get("inference_calls"));
        assertEquals(317L, model.get("items"));
        assertEquals(Map.of("<=1", 1L, "<=16", 1L, ">256", 1L), model.get("batch_size"));
        assertEquals(Map.of("429 OpenSearchStatusException", 1L), model.get("errors"));
    }

    @SuppressWarnings("unchecked")
    public void testSwitchedOffNothingMoves() {
        MultimodalStats stats = new MultimodalStats();
        stats.query("rrf");
        stats.setEnabled(false);
        stats.query("rrf");
        stats.model("m").call(4, 1000);
        stats.documentsEmbedded("embed_text", 10);
        stats.gqr(10, 1000);
        stats.setEnabled(true);
        Map<String, Object> snapshot = stats.snapshot();
        assertEquals(Map.of("rrf", 1L), ((Map<String, Object>) snapshot.get("queries")).get("by_fusion"));
        assertEquals(Map.of(), snapshot.get("models"));
        assertEquals(Map.of(), ((Map<String, Object>) snapshot.get("ingest")).get("documents_embedded"));
        assertEquals(0L, ((Map<String, Object>) ((Map<String, Object>) snapshot.get("queries")).get("gqr")).get("count"));
    }
}
