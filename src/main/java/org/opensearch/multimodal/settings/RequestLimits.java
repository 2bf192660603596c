package org.opensearch.multimodal.settings;

import org.opensearch.common.settings.ClusterSettings;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.unit.ByteSizeValue;

/** The dynamic per-request limits, kept current as operators change them with the cluster settings API. */
public final class RequestLimits {

    private volatile int embedMaxTexts;
    private volatile ByteSizeValue tokenVectorBytes;

    public RequestLimits(Settings settings, ClusterSettings clusterSettings) {
        this.embedMaxTexts = MultimodalSettings.EMBED_MAX_TEXTS.get(settings);
        this.tokenVectorBytes = MultimodalSettings.TOKEN_VECTOR_BYTES_PER_REQUEST.get(settings);
        clusterSettings.addSettingsUpdateConsumer(MultimodalSettings.EMBED_MAX_TEXTS, value -> embedMaxTexts = value);
        clusterSettings.addSettingsUpdateConsumer(MultimodalSettings.TOKEN_VECTOR_BYTES_PER_REQUEST, value -> tokenVectorBytes = value);
    }

    /** Most texts one {@code _embed} request may carry. */
    public int embedMaxTexts() {
        return embedMaxTexts;
    }

    /** Most (estimated) bytes of token vectors one bulk or {@code _embed} request may produce on this node. */
    public ByteSizeValue tokenVectorBytesPerRequest() {
        return tokenVectorBytes;
    }
}
