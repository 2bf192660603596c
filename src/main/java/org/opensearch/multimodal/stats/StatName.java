package org.opensearch.multimodal.stats;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stats API's counters, each named once with its place in the response and the shape of its value, as k-NN's
 * {@code StatNames}: the response's keys (which clients and the operations page read by path) are spelled here only.
 */
public enum StatName {

    MODELS(Shape.BY_MODEL, "models"), DOCUMENTS_EMBEDDED(Shape.COUNTS, "ingest", "documents_embedded"), DOCUMENTS_FAILED(
        Shape.COUNTS,
        "ingest",
        "documents_failed"
    ), TEXTS_TRUNCATED(Shape.COUNTS_BY_FIELD, "ingest", "texts_truncated"), TEXTS_CUT_AT_MAX_CHUNKS(
        Shape.COUNTS_BY_FIELD,
        "ingest",
        "texts_cut_at_max_chunks"
    ), QUERIES_BY_FUSION(Shape.COUNTS, "queries", "by_fusion"), QUERY_LATENCY_BY_FUSION(
        Shape.TIMINGS,
        "queries",
        "latency_by_fusion"
    ), COORDINATED_BY_FUSION(Shape.COUNTS, "queries", "coordinated", "by_fusion"), COORDINATED_LATENCY_BY_FUSION(
        Shape.TIMINGS,
        "queries",
        "coordinated",
        "latency_by_fusion"
    ), GATHER_SHARD_REQUESTS(Shape.COUNT, "queries", "coordinated", "gather_shard_requests"), GQR(
        Shape.TIMING,
        "queries",
        "gqr"
    ), GQR_STEPS(Shape.COUNT, "queries", "gqr", "steps"), LATE_INTERACTION_RESCORE(
        Shape.TIMING,
        "queries",
        "late_interaction_rescore"
    ), DOCUMENTS_RESCORED(Shape.COUNT, "queries", "late_interaction_rescore", "documents_rescored");

    /** What a stat's value is. */
    public enum Shape {
        /** One cumulative count. */
        COUNT,
        /** Counts by a name (processor, failure cause, fusion). */
        COUNTS,
        /** Counts by processor, then by source field. */
        COUNTS_BY_FIELD,
        /** {@code count}, {@code time_in_millis} and {@code latency_ms} percentiles. */
        TIMING,
        /** A {@link #TIMING} by a name (fusion). */
        TIMINGS,
        /** Each model's own counters ({@link ModelStats}). */
        BY_MODEL
    }

    /** The keys of a {@link Shape#TIMING} value. */
    public static final String COUNT = "count";
    public static final String TIME_IN_MILLIS = "time_in_millis";
    public static final String LATENCY_MS = "latency_ms";

    private final Shape shape;
    private final List<String> path;

    StatName(Shape shape, String... path) {
        this.shape = shape;
        this.path = List.of(path);
    }

    public Shape shape() {
        return shape;
    }

    /** Where the value sits in the stats API's response, from its root. */
    public List<String> path() {
        return path;
    }

    /** Puts {@code value} at this stat's path in {@code tree}, creating the objects on the way. */
    @SuppressWarnings("unchecked")
    void putIn(Map<String, Object> tree, Object value) {
        Map<String, Object> at = tree;
        for (String key : path.subList(0, path.size() - 1)) {
            at = (Map<String, Object>) at.computeIfAbsent(key, k -> new LinkedHashMap<>());
        }
        at.put(path.get(path.size() - 1), value);
    }
}
