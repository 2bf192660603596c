package org.opensearch.multimodal.stats;

import java.util.Locale;

/**
 * The keys of one model's counters in the stats API's response ({@code models.<model>.<key>}), spelled here only; its
 * latency keys are a timing's ({@link StatName#LATENCY_MS}, {@link StatName#TIME_IN_MILLIS}).
 */
public enum ModelStatKey {

    INFERENCE_CALLS, ITEMS, ERRORS,
    /** Calls by items per call, in power-of-two buckets; not in the history's samples. */
    BATCH_SIZE;

    /** The key as the response spells it. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
