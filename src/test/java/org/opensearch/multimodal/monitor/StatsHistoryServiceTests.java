package org.opensearch.multimodal.monitor;

import org.opensearch.common.settings.ClusterSettings;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.core.common.breaker.CircuitBreaker;
import org.opensearch.indices.breaker.HierarchyCircuitBreakerService;
import org.opensearch.multimodal.inference.Workload;
import org.opensearch.multimodal.stats.MultimodalStats;
import org.opensearch.test.OpenSearchTestCase;
import org.opensearch.threadpool.FixedExecutorBuilder;
import org.opensearch.threadpool.TestThreadPool;
import org.opensearch.threadpool.ThreadPool;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The node's stats history: sampled on a schedule while started, counters and breakers in every sample, bounded. */
public final class StatsHistoryServiceTests extends OpenSearchTestCase {

    private ThreadPool threadPool;
    private HierarchyCircuitBreakerService breakers;
    private final MultimodalStats stats = new MultimodalStats();

    @Override
    public void setUp() throws Exception {
        super.setUp();
        threadPool = new TestThreadPool(getTestName());
        breakers = new HierarchyCircuitBreakerService(
            Settings.EMPTY,
            List.of(),
            new ClusterSettings(Settings.EMPTY, ClusterSettings.BUILT_IN_CLUSTER_SETTINGS)
        );
    }

    @Override
    public void tearDown() throws Exception {
        ThreadPool.terminate(threadPool, 10, TimeUnit.SECONDS);
        super.tearDown();
    }

    private StatsHistoryService service(TimeValue interval, int size) {
        return new StatsHistoryService(new NodeStatsCollector(stats, threadPool, breakers), threadPool, interval, size);
    }

    public void testSamplesOnItsScheduleWhileStartedAndKeepsTheLastOnes() throws Exception {
        StatsHistoryService service = service(TimeValue.timeValueMillis(100), 3);
        service.start();
        try {
            assertEquals("a first sample at once", 1, samples(service, Long.MIN_VALUE).size());
            assertBusy(() -> assertEquals(3, samples(service, Long.MIN_VALUE).size()));
            long newest = (long) samples(service, Long.MIN_VALUE).get(2).get("timestamp");
            assertBusy(
                () -> assertTrue(
                    "the ring wrapped: older samples gave way",
                    (long) samples(service, Long.MIN_VALUE).get(0).get("timestamp") >= newest
                )
            );
            assertEquals(3, samples(service, Long.MIN_VALUE).size());
        } finally {
            service.stop();
        }
        List<Map<String, Object>> stopped = samples(service, Long.MIN_VALUE);
        Thread.sleep(400);
        assertEquals("no sampling once stopped", stopped, samples(service, Long.MIN_VALUE));
        service.close();
    }

    @SuppressWarnings("unchecked")
    public void testEachSampleHoldsCountersAndTheNodesBreakers() throws Exception {
        StatsHistoryService service = service(TimeValue.timeValueHours(1), 10);
        service.sample();
        long first = (long) samples(service, Long.MIN_VALUE).get(0).get("timestamp");
        stats.documentsEmbedded("embed_text", 32);
        breakers.getBreaker(CircuitBreaker.REQUEST).addEstimateBytesAndMaybeBreak(1 << 20, "a test's request");
        Thread.sleep(5); // a later timestamp
        service.sample();
        List<Map<String, Object>> newer = samples(service, first);
        assertEquals("only the sample after the first", 1, newer.size());
        Map<String, Object> sample = newer.get(0);
        assertEquals(32L, ((Map<String, Object>) ((Map<String, Object>) sample.get("ingest")).get("documents_embedded")).get("embed_text"));
        Map<String, Object> request = (Map<String, Object>) ((Map<String, Object>) sample.get("breakers")).get("request");
        assertEquals(1L << 20, ((Number) request.get("estimated_size_in_bytes")).longValue());
        assertTrue(((Number) request.get("limit_size_in_bytes")).longValue() > 0);
        assertTrue(((Map<String, Object>) sample.get("breakers")).containsKey("parent"));
        Map<String, Object> history = service.history(Long.MIN_VALUE);
        assertEquals(3_600_000L, history.get("interval_in_millis"));
        assertEquals(10, history.get("size"));
        assertTrue(((Number) history.get("memory_in_bytes")).longValue() > 0);
        assertTrue(
            "the current stats carry the breakers too",
            ((Map<String, Object>) service.current().get("breakers")).containsKey("request")
        );
        breakers.getBreaker(CircuitBreaker.REQUEST).addWithoutBreaking(-(1 << 20));
    }

    @SuppressWarnings("unchecked")
    public void testAnInferencePoolKeepsTheKeysTheOperationsPageReads() {
        Workload workload = randomFrom(Workload.values());
        ThreadPool withPool = new TestThreadPool(
            getTestName(),
            new FixedExecutorBuilder(Settings.EMPTY, workload.threadPool(), 1, 4, "thread_pool." + workload.threadPool())
        );
        try {
            Map<String, Object> current = new NodeStatsCollector(stats, withPool, breakers).current();
            Map<String, Object> pool = (Map<String, Object>) ((Map<String, Object>) current.get("inference_pools")).get(
                workload.statsName()
            );
            assertEquals(List.of("thread_pool", "threads", "active", "queue", "rejected", "completed", "wait"), List.copyOf(pool.keySet()));
            assertEquals(workload.threadPool(), pool.get("thread_pool"));
            assertEquals(0L, pool.get("rejected"));
        } finally {
            ThreadPool.terminate(withPool, 10, TimeUnit.SECONDS);
        }
    }

    public void testSizeZeroSchedulesNothing() {
        StatsHistoryService service = service(TimeValue.timeValueMillis(100), 0);
        service.start();
        assertEquals(List.of(), samples(service, Long.MIN_VALUE));
        service.stop();
        service.close();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> samples(StatsHistoryService service, long after) {
        return (List<Map<String, Object>>) service.history(after).get("samples");
    }
}
