package org.opensearch.multimodal.monitor;

import org.opensearch.common.inject.Inject;
import org.opensearch.common.lifecycle.AbstractLifecycleComponent;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.core.indices.breaker.CircuitBreakerService;
import org.opensearch.multimodal.inference.InferenceService;
import org.opensearch.multimodal.settings.MultimodalSettings;
import org.opensearch.multimodal.stats.IntervalLatency;
import org.opensearch.multimodal.stats.StatsHistory;
import org.opensearch.threadpool.Scheduler;
import org.opensearch.threadpool.ThreadPool;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * This node's stats now and over the last hour: every {@code plugins.multimodal.stats.history.interval} a task on the
 * generic pool takes a sample into a ring of {@code plugins.multimodal.stats.history.size}. A node service: created by
 * the node's injector (which alone has the {@link CircuitBreakerService}), started and stopped with the node.
 */
public final class StatsHistoryService extends AbstractLifecycleComponent {

    private final NodeStatsCollector collector;
    private final ThreadPool threadPool;
    private final TimeValue interval;
    private final StatsHistory history;
    private final IntervalLatency latency = new IntervalLatency();
    private volatile Scheduler.Cancellable sampling;

    @Inject
    public StatsHistoryService(Settings settings, ThreadPool threadPool, CircuitBreakerService breakers, InferenceService inference) {
        this(
            new NodeStatsCollector(inference.stats(), threadPool, breakers),
            threadPool,
            MultimodalSettings.STATS_HISTORY_INTERVAL.get(settings),
            MultimodalSettings.STATS_HISTORY_SIZE.get(settings)
        );
    }

    StatsHistoryService(NodeStatsCollector collector, ThreadPool threadPool, TimeValue interval, int size) {
        this.collector = collector;
        this.threadPool = threadPool;
        this.interval = interval;
        this.history = new StatsHistory(size);
    }

    @Override
    protected void doStart() {
        if (history.capacity() == 0) {
            return;
        }
        sample(); // the first sample at once: rates start from it
        sampling = threadPool.scheduleWithFixedDelay(this::sample, interval, ThreadPool.Names.GENERIC);
    }

    @Override
    protected void doStop() {
        Scheduler.Cancellable running = sampling;
        if (running != null) {
            running.cancel();
            sampling = null;
        }
    }

    @Override
    protected void doClose() {
        doStop();
    }

    /** Takes one sample now (the scheduled task's work). */
    void sample() {
        history.add(System.currentTimeMillis(), collector.sample(latency));
    }

    /** The node's stats now, as the stats API prints them. */
    public Map<String, Object> current() {
        return collector.current();
    }

    /**
     * The history as the stats API prints it: the sampling interval, the ring's size, the bytes it holds, and the samples
     * taken after {@code afterMillis} (epoch milliseconds; {@link Long#MIN_VALUE} for all), oldest first.
     */
    public Map<String, Object> history(long afterMillis) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("interval_in_millis", interval.millis());
        out.put("size", history.capacity());
        out.put("memory_in_bytes", history.memoryBytes());
        out.put("samples", history.samplesAfter(afterMillis));
        return out;
    }
}
