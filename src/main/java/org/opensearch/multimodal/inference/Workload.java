package org.opensearch.multimodal.inference;

import org.opensearch.multimodal.settings.MultimodalSettings;

/**
 * Which side of the node a forward pass serves. Each side has a thread pool of its own, as OpenSearch keeps
 * {@code search} and {@code write} apart: a query's encoding never waits in a queue behind ingest batches.
 */
public enum Workload {

    /** Ingest processors: large batches, throughput first. */
    INDEX("index", MultimodalSettings.INFERENCE_THREAD_POOL),
    /** The {@code multimodal} query's rewrite, the rescorer's query tokens, small {@code _embed} calls: latency first. */
    SEARCH("search", MultimodalSettings.SEARCH_INFERENCE_THREAD_POOL);

    private final String statsName;
    private final String threadPool;

    Workload(String statsName, String threadPool) {
        this.statsName = statsName;
        this.threadPool = threadPool;
    }

    /** Its key under the stats API's {@code inference_pools}. */
    public String statsName() {
        return statsName;
    }

    /** The name of its thread pool ({@code _cat/thread_pool}, {@code _nodes/stats}). */
    public String threadPool() {
        return threadPool;
    }
}
