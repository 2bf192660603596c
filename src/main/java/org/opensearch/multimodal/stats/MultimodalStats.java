package org.opensearch.multimodal.stats;

import org.opensearch.ExceptionsHelper;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * This node's counters: inference per model, ingest documents embedded and failed by reason, queries by fusion (with
 * the time of each shard's retrieval and fusion), GQR and late-interaction rescoring. Every update is a lock-free add.
 */
public final class MultimodalStats {

    /** Unattached stats for calls that must not count. */
    private static final ModelStats DISCARDED = new ModelStats(false);

    private volatile boolean enabled = true;
    private final Map<String, ModelStats> models = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> embedded = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> failed = new ConcurrentHashMap<>();
    /** By processor, then source field: texts cut at the model's window, and texts cut after their last kept passage. */
    private final Map<String, Map<String, LongAdder>> truncated = new ConcurrentHashMap<>();
    private final Map<String, Map<String, LongAdder>> cutAtMaxChunks = new ConcurrentHashMap<>();
    private final Map<String, LatencyHistogram> fusions = new ConcurrentHashMap<>();
    private final LongAdder gqrSteps = new LongAdder();
    private final LatencyHistogram gqrTime = new LatencyHistogram();
    private final LongAdder rescoredDocuments = new LongAdder();
    private final LatencyHistogram rescoreTime = new LatencyHistogram();
    private final Map<String, LatencyHistogram> poolWaits = new ConcurrentHashMap<>();
    private final Map<String, LatencyHistogram> coordinated = new ConcurrentHashMap<>();
    private final LongAdder gatherShardRequests = new LongAdder();

    /** {@code plugins.multimodal.stats.enabled}: off, nothing is counted (what the overhead benchmark compares). */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public ModelStats model(String id) {
        return enabled ? models.computeIfAbsent(id, m -> new ModelStats()) : DISCARDED;
    }

    /** Why an inference call or a document failed: its HTTP status and exception type. */
    public static String cause(Throwable e) {
        Throwable root = ExceptionsHelper.unwrapCause(e);
        return ExceptionsHelper.status(root).getStatus() + " " + root.getClass().getSimpleName();
    }

    public void documentsEmbedded(String processor, int count) {
        if (enabled == false) {
            return;
        }
        embedded.computeIfAbsent(processor, p -> new LongAdder()).add(count);
    }

    /** A text of {@code field} had tokens past the model's window, which its vectors do not see. */
    public void textTruncated(String processor, String field) {
        count(truncated, processor, field);
    }

    /** A text of {@code field} had more passages than its processor's {@code max_chunks}; the rest was left out. */
    public void textCutAtMaxChunks(String processor, String field) {
        count(cutAtMaxChunks, processor, field);
    }

    private void count(Map<String, Map<String, LongAdder>> counters, String processor, String field) {
        if (enabled) {
            counters.computeIfAbsent(processor, p -> new ConcurrentHashMap<>()).computeIfAbsent(field, f -> new LongAdder()).increment();
        }
    }

    public void documentFailed(String processor, Throwable e) {
        if (enabled == false) {
            return;
        }
        failed.computeIfAbsent(processor + ": " + cause(e), p -> new LongAdder()).increment();
    }

    /**
     * A shard built a pool for a query with {@code fusion}: its retrievers' top k and scoring the pool (and, where the
     * shard fuses its own pool, the fusion) took {@code nanos}.
     */
    public void query(String fusion, long nanos) {
        if (enabled == false) {
            return;
        }
        fusions.computeIfAbsent(fusion, f -> new LatencyHistogram()).record(nanos);
    }

    /**
     * This node coordinated a fused search with {@code fusion}: its first round asked {@code shardRequests} shards for
     * their pools (requests a per-shard fusion would not make), and the round and the fusion took {@code nanos}.
     */
    public void coordinated(String fusion, int shardRequests, long nanos) {
        if (enabled == false) {
            return;
        }
        coordinated.computeIfAbsent(fusion, f -> new LatencyHistogram()).record(nanos);
        gatherShardRequests.add(shardRequests);
    }

    public void gqr(int steps, long nanos) {
        if (enabled == false) {
            return;
        }
        gqrSteps.add(steps);
        gqrTime.record(nanos);
    }

    public void rescore(int window, long nanos) {
        if (enabled == false) {
            return;
        }
        rescoredDocuments.add(window);
        rescoreTime.record(nanos);
    }

    /** The time this node has spent in late_interaction rescoring (MaxSim of the windows), for benchmarks. */
    public long rescoreNanos() {
        return rescoreTime.totalNanos();
    }

    /** A task waited {@code nanos} in the queue of the inference pool {@code pool} before a thread took it. */
    public void poolWait(String pool, long nanos) {
        if (enabled == false) {
            return;
        }
        poolWaits.computeIfAbsent(pool, p -> new LatencyHistogram()).record(nanos);
    }

    /** How long tasks waited in {@code pool}'s queue: count, total and percentiles (all zero before any task). */
    public Map<String, Object> poolWait(String pool) {
        return timing(poolWaits.getOrDefault(pool, new LatencyHistogram()), LatencyHistogram::percentilesMillis);
    }

    /** As {@link #poolWait(String)}, with the percentiles of the waits since {@code interval} last looked. */
    public Map<String, Object> poolWait(String pool, IntervalLatency interval) {
        return timing(poolWaits.getOrDefault(pool, new LatencyHistogram()), h -> interval.since("pool_wait/" + pool, h));
    }

    /** Everything, as the stats API prints it. */
    public Map<String, Object> snapshot() {
        Map<String, Object> perModel = new TreeMap<>();
        models.forEach((id, stats) -> perModel.put(id, stats.snapshot()));
        return tree(perModel, (key, histogram) -> histogram.percentilesMillis());
    }

    /**
     * One sample of the stats history: the same counters as {@link #snapshot()} (cumulative, so a reader takes rates
     * from two samples), each latency's percentiles over what was recorded since {@code interval}'s previous sample.
     */
    public Map<String, Object> sample(IntervalLatency interval) {
        Map<String, Object> perModel = new TreeMap<>();
        models.forEach((id, stats) -> perModel.put(id, stats.sample("model/" + id, interval)));
        return tree(perModel, interval::since);
    }

    private Map<String, Object> tree(Map<String, Object> perModel, BiFunction<String, LatencyHistogram, Map<String, Object>> latency) {
        Map<String, Object> out = new LinkedHashMap<>();
        StatName.MODELS.putIn(out, perModel);
        StatName.DOCUMENTS_EMBEDDED.putIn(out, sums(embedded));
        StatName.DOCUMENTS_FAILED.putIn(out, sums(failed));
        StatName.TEXTS_TRUNCATED.putIn(out, nestedSums(truncated));
        StatName.TEXTS_CUT_AT_MAX_CHUNKS.putIn(out, nestedSums(cutAtMaxChunks));
        Map<String, Object> byFusion = new TreeMap<>();
        Map<String, Object> fusionLatency = new TreeMap<>();
        fusions.forEach((fusion, histogram) -> {
            byFusion.put(fusion, histogram.count());
            fusionLatency.put(fusion, timing(histogram, h -> latency.apply("fusion/" + fusion, h)));
        });
        StatName.QUERIES_BY_FUSION.putIn(out, byFusion);
        StatName.QUERY_LATENCY_BY_FUSION.putIn(out, fusionLatency);
        Map<String, Object> coordinatedByFusion = new TreeMap<>();
        Map<String, Object> coordinatedLatency = new TreeMap<>();
        coordinated.forEach((fusion, histogram) -> {
            coordinatedByFusion.put(fusion, histogram.count());
            coordinatedLatency.put(fusion, timing(histogram, h -> latency.apply("coordinated/" + fusion, h)));
        });
        StatName.COORDINATED_BY_FUSION.putIn(out, coordinatedByFusion);
        StatName.COORDINATED_LATENCY_BY_FUSION.putIn(out, coordinatedLatency);
        StatName.GATHER_SHARD_REQUESTS.putIn(out, gatherShardRequests.sum());
        StatName.GQR.putIn(out, timing(gqrTime, h -> latency.apply("gqr", h)));
        StatName.GQR_STEPS.putIn(out, gqrSteps.sum());
        StatName.LATE_INTERACTION_RESCORE.putIn(out, timing(rescoreTime, h -> latency.apply("rescore", h)));
        StatName.DOCUMENTS_RESCORED.putIn(out, rescoredDocuments.sum());
        return out;
    }

    private static Map<String, Object> timing(LatencyHistogram histogram, Function<LatencyHistogram, Map<String, Object>> percentiles) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(StatName.COUNT, histogram.count());
        out.put(StatName.TIME_IN_MILLIS, histogram.totalMillis());
        out.put(StatName.LATENCY_MS, percentiles.apply(histogram));
        return out;
    }

    private static Map<String, Object> nestedSums(Map<String, Map<String, LongAdder>> counters) {
        Map<String, Object> out = new TreeMap<>();
        counters.forEach((key, byField) -> out.put(key, sums(byField)));
        return out;
    }

    private static Map<String, Object> sums(Map<String, LongAdder> counters) {
        Map<String, Object> out = new TreeMap<>();
        counters.forEach((key, value) -> out.put(key, value.sum()));
        return out;
    }
}
