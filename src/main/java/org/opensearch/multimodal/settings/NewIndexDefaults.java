package org.opensearch.multimodal.settings;

import org.opensearch.common.settings.Settings;
import org.opensearch.index.shard.IndexSettingProvider;

/**
 * Stamps the plugin's current defaults on every index as it is created, so they follow the index's creation and not
 * the node's build: an index created before a default changed keeps the old one (its setting is absent), as OpenSearch
 * ties changed defaults to the index-created version. A setting the request or a template gives is left alone.
 */
public final class NewIndexDefaults implements IndexSettingProvider {

    @Override
    public Settings getAdditionalIndexSettings(String indexName, boolean isDataStreamIndex, Settings templateAndRequestSettings) {
        String key = MultimodalSettings.MULTI_VECTOR_DEFAULT_ENCODING.getKey();
        if (templateAndRequestSettings.hasValue(key)) {
            return Settings.EMPTY;
        }
        return Settings.builder().put(key, MultimodalSettings.NEW_INDEX_MULTI_VECTOR_ENCODING.toString()).build();
    }
}
