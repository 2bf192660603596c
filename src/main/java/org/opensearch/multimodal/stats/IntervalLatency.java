package org.opensearch.multimodal.stats;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Latency percentiles of what each histogram recorded since the previous look, for a history of samples: a histogram's
 * own percentiles cover the node's whole life, so over time they would barely move. One instance per history.
 */
public final class IntervalLatency {

    private final Map<String, long[]> previous = new HashMap<>();

    /**
     * p50 and p99 in milliseconds (the upper edges of their power-of-two buckets, as the stats API's) of what
     * {@code histogram}, known as {@code key}, recorded since this was last asked about {@code key}; everything it holds
     * the first time; 0 when nothing was recorded.
     */
    public synchronized Map<String, Object> since(String key, LatencyHistogram histogram) {
        long[] now = histogram.bucketCounts();
        long[] before = previous.put(key, now);
        long[] recorded = now.clone();
        if (before != null) {
            for (int i = 0; i < recorded.length; i++) {
                recorded[i] -= before[i];
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("p50", LatencyHistogram.percentileMillis(recorded, 50));
        out.put("p99", LatencyHistogram.percentileMillis(recorded, 99));
        return out;
    }
}
