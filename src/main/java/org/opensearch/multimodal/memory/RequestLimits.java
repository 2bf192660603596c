package org.opensearch.multimodal.memory;

import org.opensearch.common.settings.ClusterSettings;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.core.common.breaker.CircuitBreaker;
import org.opensearch.core.common.unit.ByteSizeValue;
import org.opensearch.multimodal.settings.MultimodalSettings;
import org.opensearch.search.SearchService;

/**
 * The dynamic per-request limits, kept current as operators change them with the cluster settings API, and the node's
 * {@code multimodal} circuit breaker that every request's token vectors are charged to.
 */
public final class RequestLimits {

    private volatile int embedMaxTexts;
    private volatile ByteSizeValue tokenVectorBytes;
    private volatile TimeValue defaultSearchTimeout;

    private final CircuitBreaker breaker;

    public RequestLimits(Settings settings, ClusterSettings clusterSettings, CircuitBreaker breaker) {
        this.breaker = breaker;
        this.embedMaxTexts = MultimodalSettings.EMBED_MAX_TEXTS.get(settings);
        this.tokenVectorBytes = MultimodalSettings.TOKEN_VECTOR_BYTES_PER_REQUEST.get(settings);
        clusterSettings.addSettingsUpdateConsumer(MultimodalSettings.EMBED_MAX_TEXTS, value -> embedMaxTexts = value);
        clusterSettings.addSettingsUpdateConsumer(MultimodalSettings.TOKEN_VECTOR_BYTES_PER_REQUEST, value -> tokenVectorBytes = value);
        this.defaultSearchTimeout = SearchService.DEFAULT_SEARCH_TIMEOUT_SETTING.get(settings);
        clusterSettings.addSettingsUpdateConsumer(SearchService.DEFAULT_SEARCH_TIMEOUT_SETTING, value -> defaultSearchTimeout = value);
    }

    /**
     * The timeout of a search that gives none (OpenSearch's {@code search.default_search_timeout}; negative: none), as
     * the shards apply it: the coordinating node's part of a fused search honours it too.
     */
    public TimeValue defaultSearchTimeout() {
        return defaultSearchTimeout;
    }

    /** Most texts one {@code _embed} request may carry. */
    public int embedMaxTexts() {
        return embedMaxTexts;
    }

    /** The node's {@code multimodal} circuit breaker. */
    public CircuitBreaker breaker() {
        return breaker;
    }

    /** A new request's token-vector budget: charged to the node's breaker, within the per-request cap. */
    public TokenVectorBudget tokenVectorBudget() {
        return new TokenVectorBudget(tokenVectorBytes, breaker);
    }

    /** Most (estimated) bytes of token vectors one bulk or {@code _embed} request may produce on this node. */
    public ByteSizeValue tokenVectorBytesPerRequest() {
        return tokenVectorBytes;
    }
}
