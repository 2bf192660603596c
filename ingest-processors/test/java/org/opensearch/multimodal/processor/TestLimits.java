package org.opensearch.multimodal.processor;

import org.opensearch.common.settings.ClusterSettings;
import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.breaker.NoopCircuitBreaker;
import org.opensearch.multimodal.memory.RequestLimits;
import org.opensearch.multimodal.settings.MultimodalSettings;
import org.opensearch.search.SearchService;

import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The request limits a node with {@code nodeSettings} gives processors, without a node. */
final class TestLimits {

    private TestLimits() {
    }

    static RequestLimits of(Settings nodeSettings) {
        return new RequestLimits(
            nodeSettings,
            new ClusterSettings(
                nodeSettings,
                Stream.concat(
                    MultimodalSettings.all().stream().filter(Setting::hasNodeScope),
                    Stream.of(SearchService.DEFAULT_SEARCH_TIMEOUT_SETTING) // the limits follow OpenSearch's default search timeout
                ).collect(Collectors.toSet())
            ),
            new NoopCircuitBreaker(MultimodalSettings.BREAKER_NAME)
        );
    }
}
