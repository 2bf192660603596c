package org.opensearch.multimodal.services;

import org.opensearch.multimodal.image.ImageInputs;
import org.opensearch.multimodal.inference.InferenceService;
import org.opensearch.multimodal.memory.RequestLimits;
import org.opensearch.multimodal.model.ModelRegistry;
import org.opensearch.multimodal.stats.MultimodalStats;

/**
 * A node's services, as the plugin's {@code createComponents} builds them: what the query, the rescorer, the processors
 * and the REST handlers use; {@code searches}: the shard searches in progress, by searcher. There is one per node (an in-JVM test cluster has several), so they are handed over, never
 * looked up in a static field.
 */
public record MultimodalServices(
    String nodeName,
    InferenceService inference,
    ImageInputs images,
    RequestLimits limits,
    ActiveSearches searches
) {

    public ModelRegistry registry() {
        return inference.registry();
    }

    public MultimodalStats stats() {
        return inference.stats();
    }
}
