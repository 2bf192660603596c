package org.opensearch.multimodal.stats;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

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

    Map<String, Object> snapshot() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("inference_calls", calls.sum());
        out.put("items", items.sum());
        Map<String, Object> histogram = new LinkedHashMap<>();
        for (int i = 0; i < BATCH_BUCKETS; i++) {
            long count = batchSizes[i].sum();
            if (count > 0) {
                histogram.put(i == BATCH_BUCKETS - 1 ? ">" + (1 << (i - 1)) : "<=" + (1 << i), count);
            }
        }
        out.put("batch_size", histogram);
        out.put("latency_ms", latency.percentilesMillis());
        out.put("time_in_millis", latency.totalMillis());
        Map<String, Object> byCause = new TreeMap<>();
        errors.forEach((cause, count) -> byCause.put(cause, count.sum()));
        out.put("errors", byCause);
        return out;
    }
}
