package org.opensearch.multimodal.monitor;

import org.opensearch.core.indices.breaker.CircuitBreakerService;
import org.opensearch.core.indices.breaker.CircuitBreakerStats;
import org.opensearch.multimodal.inference.Workload;
import org.opensearch.multimodal.stats.IntervalLatency;
import org.opensearch.multimodal.stats.MultimodalStats;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.threadpool.ThreadPoolStats;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * One node's stats as a tree of named numbers: its inference pools ({@code inference_pools}), the plugin's counters
 * (models, ingest, queries) and OpenSearch's circuit breakers ({@code breakers}), either as the stats API prints them
 * now or as a sample of the history (latency percentiles since the previous sample).
 */
public final class NodeStatsCollector {

    private final MultimodalStats stats;
    private final ThreadPool threadPool;
    private final CircuitBreakerService breakers;

    public NodeStatsCollector(MultimodalStats stats, ThreadPool threadPool, CircuitBreakerService breakers) {
        this.stats = stats;
        this.threadPool = threadPool;
        this.breakers = breakers;
    }

    /** The node's stats now; each latency's percentiles cover the node's whole life. */
    public Map<String, Object> current() {
        return collect(stats::poolWait, stats.snapshot());
    }

    /** A sample for the history: the same counters and gauges, each latency over what happened since {@code interval} last looked. */
    public Map<String, Object> sample(IntervalLatency interval) {
        return collect(pool -> stats.poolWait(pool, interval), stats.sample(interval));
    }

    private Map<String, Object> collect(Function<String, Map<String, Object>> waits, Map<String, Object> counters) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(NodeStatKey.INFERENCE_POOLS.key(), pools(waits));
        out.putAll(counters);
        out.put(NodeStatKey.BREAKERS.key(), breakers());
        return out;
    }

    private Map<String, Object> pools(Function<String, Map<String, Object>> waits) {
        Map<String, Object> pools = new LinkedHashMap<>();
        for (Workload workload : Workload.values()) {
            for (ThreadPoolStats.Stats pool : threadPool.stats()) {
                if (pool.getName().equals(workload.threadPool())) {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put(NodeStatKey.THREAD_POOL.key(), pool.getName());
                    out.put(NodeStatKey.THREADS.key(), pool.getThreads());
                    out.put(NodeStatKey.ACTIVE.key(), pool.getActive());
                    out.put(NodeStatKey.QUEUE.key(), pool.getQueue());
                    out.put(NodeStatKey.REJECTED.key(), pool.getRejected());
                    out.put(NodeStatKey.COMPLETED.key(), pool.getCompleted());
                    out.put(NodeStatKey.WAIT.key(), waits.apply(workload.statsName()));
                    pools.put(workload.statsName(), out);
                }
            }
        }
        return pools;
    }

    /** Each of OpenSearch's breakers on this node (request, parent, ...), with the names of {@code _nodes/stats/breaker}. */
    private Map<String, Object> breakers() {
        Map<String, Object> out = new TreeMap<>();
        for (CircuitBreakerStats breaker : breakers.stats().getAllStats()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put(NodeStatKey.LIMIT_SIZE_IN_BYTES.key(), breaker.getLimit());
            one.put(NodeStatKey.ESTIMATED_SIZE_IN_BYTES.key(), breaker.getEstimated());
            one.put(NodeStatKey.TRIPPED.key(), breaker.getTrippedCount());
            out.put(breaker.getName(), one);
        }
        return out;
    }
}
