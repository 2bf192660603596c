package org.opensearch.multimodal.processor;

import org.opensearch.ingest.ConfigurationUtils;
import org.opensearch.multimodal.model.ModelRegistry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Parsing shared by the embedding processors' factories: field maps and lists, batch size, the model id. */
final class ProcessorConfigs {

    static final int DEFAULT_BATCH_SIZE = 32;
    static final int MAX_BATCH_SIZE = 1024;

    private ProcessorConfigs() {
    }

    /** A processor that embeds its inputs whole refuses {@code chunking}, naming it, before anything else. */
    static void refuseChunking(String type, String tag, Map<String, Object> config) {
        if (config.containsKey("chunking")) {
            throw ConfigurationUtils.newConfigurationException(
                type,
                tag,
                "chunking",
                "only embed_text cuts long texts into passages; images and products are embedded whole"
            );
        }
    }

    /** {@code property} as a map of source field to target field name; null when absent and optional. */
    static Map<String, String> fieldMap(String type, String tag, Map<String, Object> config, String property, boolean required) {
        Map<String, Object> raw = required
            ? ConfigurationUtils.readMap(type, tag, config, property)
            : ConfigurationUtils.readOptionalMap(type, tag, config, property);
        if (raw == null) {
            return Map.of();
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : raw.entrySet()) {
            if (entry.getValue() instanceof String target && target.isBlank() == false) {
                result.put(entry.getKey(), target);
            } else {
                throw ConfigurationUtils.newConfigurationException(
                    type,
                    tag,
                    property,
                    String.format(Locale.ROOT, "[%s] must map to a target field name, got [%s]", entry.getKey(), entry.getValue())
                );
            }
        }
        return result;
    }

    /**
     * {@code property} as a non-empty list of field names. Read as objects: OpenSearch's {@code readList} only casts,
     * so a number in the list would otherwise fail later as a 500.
     */
    static List<String> fieldNames(String type, String tag, Map<String, Object> config, String property) {
        List<Object> values = ConfigurationUtils.readList(type, tag, config, property);
        if (values.isEmpty() || values.stream().anyMatch(value -> value instanceof String == false || ((String) value).isBlank())) {
            throw ConfigurationUtils
                .newConfigurationException(type, tag, property, "must name at least one field, each a non-empty string");
        }
        return values.stream().map(String.class::cast).toList();
    }

    static int batchSize(String type, String tag, Map<String, Object> config, int defaultSize) {
        int batchSize = ConfigurationUtils.readIntProperty(type, tag, config, "batch_size", defaultSize);
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw ConfigurationUtils.newConfigurationException(
                type,
                tag,
                "batch_size",
                String.format(Locale.ROOT, "must be between 1 and %d, got [%d]", MAX_BATCH_SIZE, batchSize)
            );
        }
        return batchSize;
    }

    /** The model id of {@code property}, which must name a model of this node. */
    static String model(String type, String tag, Map<String, Object> config, String property, ModelRegistry registry) {
        String model = ConfigurationUtils.readStringProperty(type, tag, config, property);
        if (registry.manifest(model).isEmpty()) {
            throw ConfigurationUtils.newConfigurationException(
                type,
                tag,
                property,
                String.format(
                    Locale.ROOT,
                    "unknown model [%s]; models on this node: %s",
                    model,
                    registry.list().stream().map(i -> i.manifest().id()).toList()
                )
            );
        }
        return model;
    }
}
