package org.opensearch.multimodal.monitor;

import java.util.Locale;

/**
 * The keys {@link NodeStatsCollector} adds around the plugin's counters, spelled here only: the two groups at the root,
 * an inference pool's keys ({@code inference_pools.<workload>.<key>}) and a breaker's ({@code breakers.<breaker>.<key>},
 * named as {@code _nodes/stats/breaker} names them).
 */
public enum NodeStatKey {

    INFERENCE_POOLS, BREAKERS, THREAD_POOL, THREADS, ACTIVE, QUEUE, REJECTED, COMPLETED, WAIT, LIMIT_SIZE_IN_BYTES, ESTIMATED_SIZE_IN_BYTES, TRIPPED;

    /** The key as the response spells it. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
