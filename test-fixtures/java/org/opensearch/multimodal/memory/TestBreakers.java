package org.opensearch.multimodal.memory;

import org.opensearch.common.settings.ClusterSettings;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.breaker.CircuitBreaker;
import org.opensearch.indices.breaker.BreakerSettings;
import org.opensearch.indices.breaker.HierarchyCircuitBreakerService;
import org.opensearch.multimodal.settings.MultimodalSettings;

import java.util.List;

/** The plugin's {@code multimodal} breaker as OpenSearch's breaker service makes it, without a node. */
public final class TestBreakers {

    private TestBreakers() {
    }

    /** A fresh {@code multimodal} breaker of {@code limit} bytes (overhead 1), under a default parent breaker. */
    public static CircuitBreaker multimodal(long limit) {
        return new HierarchyCircuitBreakerService(
            Settings.EMPTY,
            List.of(
                new BreakerSettings(
                    MultimodalSettings.BREAKER_NAME,
                    limit,
                    1.0,
                    CircuitBreaker.Type.MEMORY,
                    CircuitBreaker.Durability.TRANSIENT
                )
            ),
            new ClusterSettings(Settings.EMPTY, ClusterSettings.BUILT_IN_CLUSTER_SETTINGS)
        ).getBreaker(MultimodalSettings.BREAKER_NAME);
    }
}
