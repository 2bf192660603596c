package org.opensearch.multimodal.stats;

import org.opensearch.OpenSearchStatusException;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.test.OpenSearchTestCase;

import java.util.ArrayList;
import java.util.List;
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

    /**
     * The response's shape, pinned: clients and the operations page read these paths, so a key renamed or moved in
     * {@link StatName} must fail here first. Every counter has moved once, so every branch is present.
     */
    public void testTheResponseKeepsItsPaths() {
        MultimodalStats stats = new MultimodalStats();
        stats.model("m").call(1, 1_000_000);
        stats.documentsEmbedded("embed_text", 1);
        stats.documentFailed("embed_text", new IllegalArgumentException("bad"));
        stats.textTruncated("embed_text", "body");
        stats.textCutAtMaxChunks("embed_text", "body");
        stats.query("rrf", 1_000_000);
        stats.coordinated("rrf", 3, 1_000_000);
        stats.gqr(10, 1_000_000);
        stats.rescore(50, 1_000_000);
        List<String> paths = new ArrayList<>();
        leafPaths("", stats.snapshot(), paths);
        paths.removeIf(path -> path.contains(".latency_ms."));
        assertEquals(
            List.of(
                "models.m.inference_calls",
                "models.m.items",
                "models.m.time_in_millis",
                "models.m.errors",
                "models.m.batch_size.<=1",
                "ingest.documents_embedded.embed_text",
                "ingest.documents_failed.embed_text: 400 IllegalArgumentException",
                "ingest.texts_truncated.embed_text.body",
                "ingest.texts_cut_at_max_chunks.embed_text.body",
                "queries.by_fusion.rrf",
                "queries.latency_by_fusion.rrf.count",
                "queries.latency_by_fusion.rrf.time_in_millis",
                "queries.coordinated.by_fusion.rrf",
                "queries.coordinated.latency_by_fusion.rrf.count",
                "queries.coordinated.latency_by_fusion.rrf.time_in_millis",
                "queries.coordinated.gather_shard_requests",
                "queries.gqr.count",
                "queries.gqr.time_in_millis",
                "queries.gqr.steps",
                "queries.late_interaction_rescore.count",
                "queries.late_interaction_rescore.time_in_millis",
                "queries.late_interaction_rescore.documents_rescored"
            ),
            paths
        );
        for (StatName name : StatName.values()) {
            assertNotNull(name + " at " + name.path(), valueAt(stats.snapshot(), name.path()));
        }
    }

    @SuppressWarnings("unchecked")
    private static void leafPaths(String prefix, Map<String, Object> tree, List<String> out) {
        tree.forEach((key, value) -> {
            if (value instanceof Map<?, ?> child && child.isEmpty() == false) {
                leafPaths(prefix + key + ".", (Map<String, Object>) child, out);
            } else {
                out.add(prefix + key);
            }
        });
    }

    @SuppressWarnings("unchecked")
    private static Object valueAt(Map<String, Object> tree, List<String> path) {
        Object at = tree;
        for (String key : path) {
            at = ((Map<String, Object>) at).get(key);
        }
        return at;
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
        stats.query("rrf", 1000);
        stats.setEnabled(false);
        stats.query("rrf", 1000);
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

    @SuppressWarnings("unchecked")
    public void testQueriesCountAndTimeEachFusion() {
        MultimodalStats stats = new MultimodalStats();
        stats.query("rrf", 3_000_000);
        stats.query("rrf", 3_000_000);
        stats.query("gqr", 100_000_000);
        Map<String, Object> queries = (Map<String, Object>) stats.snapshot().get("queries");
        assertEquals(Map.of("gqr", 1L, "rrf", 2L), queries.get("by_fusion"));
        Map<String, Object> rrf = (Map<String, Object>) ((Map<String, Object>) queries.get("latency_by_fusion")).get("rrf");
        assertEquals(2L, rrf.get("count"));
        assertEquals(6L, rrf.get("time_in_millis"));
        assertEquals(4.096, (double) ((Map<String, Object>) rrf.get("latency_ms")).get("p99"), 1e-9);
    }

    /** A history's sample keeps the cumulative counters but each latency covers only what happened since the previous one. */
    @SuppressWarnings("unchecked")
    public void testASampleTimesOnlyWhatHappenedSinceThePreviousSample() {
        MultimodalStats stats = new MultimodalStats();
        IntervalLatency interval = new IntervalLatency();
        stats.model("m").call(8, 100_000_000); // 100 ms
        stats.query("rrf", 100_000_000);
        Map<String, Object> first = stats.sample(interval);
        assertEquals(131.072, p99(first, "models", "m"), 1e-9);
        assertEquals(131.072, p99(first, "queries", "latency_by_fusion", "rrf"), 1e-9);

        stats.model("m").call(8, 1_000_000); // 1 ms
        Map<String, Object> second = stats.sample(interval);
        assertEquals("only the 1 ms call since the first sample", 1.024, p99(second, "models", "m"), 1e-9);
        assertEquals(
            "counters stay cumulative",
            2L,
            ((Map<String, Object>) ((Map<String, Object>) second.get("models")).get("m")).get("inference_calls")
        );
        assertEquals("no query since the first sample", 0.0, p99(second, "queries", "latency_by_fusion", "rrf"), 0);
        assertEquals("the stats API's own percentiles still cover everything", 131.072, p99(stats.snapshot(), "models", "m"), 1e-9);
        assertFalse(
            "samples leave out the batch size histogram",
            ((Map<String, Object>) ((Map<String, Object>) second.get("models")).get("m")).containsKey("batch_size")
        );

        stats.poolWait("index", 5_000_000);
        assertEquals(8.192, (double) ((Map<String, Object>) stats.poolWait("index", interval).get("latency_ms")).get("p99"), 1e-9);
        assertEquals(0.0, (double) ((Map<String, Object>) stats.poolWait("index", interval).get("latency_ms")).get("p99"), 0);
        assertEquals(1L, stats.poolWait("index", interval).get("count"));
    }

    @SuppressWarnings("unchecked")
    private static double p99(Map<String, Object> tree, String... path) {
        Map<String, Object> node = tree;
        for (String key : path) {
            node = (Map<String, Object>) node.get(key);
        }
        return (double) ((Map<String, Object>) node.get("latency_ms")).get("p99");
    }
}
