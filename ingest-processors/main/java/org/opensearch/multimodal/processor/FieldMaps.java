package org.opensearch.multimodal.processor;

import org.opensearch.ingest.ConfigurationUtils;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What an embedding processor reads and writes with its model: each source field's vector field ({@code field_map}) and
 * token-vector field ({@code token_field_map} of {@code embed_text}, {@code patch_field_map} of {@code embed_image}),
 * and whether a document without a source field passes ({@code ignore_missing}).
 */
record FieldMaps(String modelId, Map<String, String> vectorFields, Map<String, String> tokenFields, boolean ignoreMissing) {

    /** Reads the maps and {@code ignore_missing} from {@code config}; a configuration error when no field is mapped. */
    static FieldMaps parse(String type, String tag, Map<String, Object> config, String modelId, String tokenMapOption) {
        Map<String, String> vectorFields = ProcessorConfigs.fieldMap(type, tag, config, "field_map", true);
        Map<String, String> tokenFields = ProcessorConfigs.fieldMap(type, tag, config, tokenMapOption, false);
        boolean ignoreMissing = ConfigurationUtils.readBooleanProperty(type, tag, config, "ignore_missing", false);
        if (vectorFields.isEmpty() && tokenFields.isEmpty()) {
            throw ConfigurationUtils.newConfigurationException(type, tag, "field_map", "must map at least one field");
        }
        return new FieldMaps(modelId, vectorFields, tokenFields, ignoreMissing);
    }

    /** The fields it reads, in configuration order. */
    Set<String> sourceFields() {
        Set<String> fields = new LinkedHashSet<>(vectorFields.keySet());
        fields.addAll(tokenFields.keySet());
        return fields;
    }

    /** The fields it writes, in configuration order. */
    Set<String> targetFields() {
        Set<String> fields = new LinkedHashSet<>(vectorFields.values());
        fields.addAll(tokenFields.values());
        return fields;
    }

    /** The vector field {@code sourceField} fills; null when it fills none. */
    String vectorField(String sourceField) {
        return vectorFields.get(sourceField);
    }

    /** The token-vector field {@code sourceField} fills; null when it fills none. */
    String tokenField(String sourceField) {
        return tokenFields.get(sourceField);
    }
}
