package org.opensearch.multimodal.stats;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/** One model's inference on one node: calls, items, batch sizes, latency and errors by cause. */
public final class ModelStats {

    /** Batch size buckets: 1, 2, 3-4, 5-8, ... 129-256, more. */
    private static final int BATCH_BUCKETS = 10;
    private final LongAdder calls = new LongAdder();
    private final LongAdder items = new LongAdder();
    private final LongAdder[] batchSizes = new LongAdder[BATCH_BUCKETS];
    private final LatencyHistogram latency = new LatencyHistogram();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

    private final boolean counting;

    public ModelStats() {
        this(true);
    }

    /** {@code counting} false: an instance that ignores every update (stats disabled). */
    ModelStats(boolean counting) {
        this.counting = counting;
        for (int i = 0; i < BATCH_BUCKETS; i++) {
            batchSizes[i] = new LongAdder();
        }
    }

    public void call(int batchSize, long nanos) {
        if (counting == false) {
            return;
        }
        calls.increment();
        items.add(batchSize);
        int bucket = batchSize <= 1 ? 0 : Math.min(BATCH_BUCKETS - 1, 64 - Long.numberOfLeadingZeros(batchSize - 1));
        batchSizes[bucket].increment();
        latency.record(nanos);
    }

    public void error(String cause) {
        if (counting == false) {
            return;
        }
        errors.computeIfAbsent(cause, c -> new LongAdder()).increment();
    }

    public long calls() {
        return calls.sum();
    }

    public long items() {
        return items.sum();
    }

    /** As the stats API prints it. */
    Map<String, Object> snapshot() {
        Map<String, Object> out = counters(LatencyHistogram::percentilesMillis);
        Map<String, Object> histogram = new LinkedHashMap<>();
        for (int i = 0; i < BATCH_BUCKETS; i++) {
            long count = batchSizes[i].sum();
            if (count > 0) {
                histogram.put(i == BATCH_BUCKETS - 1 ? ">" + (1 << (i - 1)) : "<=" + (1 << i), count);
            }
        }
        out.put(ModelStatKey.BATCH_SIZE.key(), histogram);
        return out;
    }

    /** As a sample of the stats history keeps it: no batch size histogram, latency since the previous sample. */
    Map<String, Object> sample(String key, IntervalLatency interval) {
        return counters(histogram -> interval.since(key, histogram));
    }

    private Map<String, Object> counters(Function<LatencyHistogram, Map<String, Object>> percentiles) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(ModelStatKey.INFERENCE_CALLS.key(), calls.sum());
        out.put(ModelStatKey.ITEMS.key(), items.sum());
        out.put(StatName.LATENCY_MS, percentiles.apply(latency));
        out.put(StatName.TIME_IN_MILLIS, latency.totalMillis());
        Map<String, Object> byCause = new TreeMap<>();
        errors.forEach((cause, count) -> byCause.put(cause, count.sum()));
        out.put(ModelStatKey.ERRORS.key(), byCause);
        return out;
    }
}
