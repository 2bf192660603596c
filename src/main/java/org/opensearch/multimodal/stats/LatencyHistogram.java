package org.opensearch.multimodal.stats;

import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Durations in power-of-two microsecond buckets (1 us .. ~36 min): recording is one array increment, so it can sit on
 * every inference call; percentiles are read as the upper edge of the bucket that holds them (at most 2x high).
 */
public final class LatencyHistogram {

    private static final int BUCKETS = 32;
    private final LongAdder[] counts = new LongAdder[BUCKETS];
    private final LongAdder totalNanos = new LongAdder();

    public LatencyHistogram() {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] = new LongAdder();
        }
    }

    public void record(long nanos) {
        long micros = Math.max(1, nanos / 1000);
        int bucket = Math.min(BUCKETS - 1, 63 - Long.numberOfLeadingZeros(micros));
        counts[bucket].increment();
        totalNanos.add(nanos);
    }

    public long count() {
        long n = 0;
        for (LongAdder c : counts) {
            n += c.sum();
        }
        return n;
    }

    public long totalNanos() {
        return totalNanos.sum();
    }

    public long totalMillis() {
        return totalNanos.sum() / 1_000_000;
    }

    /** p50, p90 and p99 in milliseconds, as the stats API prints a latency. */
    public Map<String, Object> percentilesMillis() {
        return Map.of("p50", percentileMillis(50), "p90", percentileMillis(90), "p99", percentileMillis(99));
    }

    /** The upper edge, in milliseconds, of the bucket holding the {@code p}-th percentile; 0 when nothing was recorded. */
    public double percentileMillis(double p) {
        return percentileMillis(bucketCounts(), p);
    }

    /** How many durations each bucket holds now: two such snapshots subtracted give what was recorded in between. */
    public long[] bucketCounts() {
        long[] snapshot = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            snapshot[i] = counts[i].sum();
        }
        return snapshot;
    }

    /** As {@link #percentileMillis(double)}, over bucket counts from {@link #bucketCounts()} (or a difference of two). */
    public static double percentileMillis(long[] buckets, double p) {
        long n = 0;
        for (long count : buckets) {
            n += count;
        }
        if (n == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(p / 100.0 * n);
        long seen = 0;
        for (int i = 0; i < buckets.length; i++) {
            seen += buckets[i];
            if (seen >= rank) {
                return (1L << (i + 1)) / 1000.0;
            }
        }
        return (1L << buckets.length) / 1000.0;
    }
}
