package org.opensearch.multimodal.processor;

import org.opensearch.ingest.ConfigurationUtils;
import org.opensearch.ingest.Processor;
import org.opensearch.multimodal.inference.InferenceService;
import org.opensearch.multimodal.settings.RequestLimits;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/** Parses and validates an {@code embed_text} processor definition; an unknown model fails pipeline creation. */
public final class EmbedTextProcessorFactory implements Processor.Factory {

    static final int DEFAULT_BATCH_SIZE = 32;
    static final int MAX_BATCH_SIZE = 1024;

    private final Supplier<InferenceService> inference;
    private final Supplier<RequestLimits> limits;

    /** Both are read when a pipeline is created, after the node has started its services. */
    public EmbedTextProcessorFactory(Supplier<InferenceService> inference, Supplier<RequestLimits> limits) {
        this.inference = inference;
        this.limits = limits;
    }

    @Override
    public EmbedTextProcessor create(
        Map<String, Processor.Factory> registry,
        String tag,
        String description,
        Map<String, Object> config
    ) throws Exception {
        String type = EmbedTextProcessor.TYPE;
        String model = ConfigurationUtils.readStringProperty(type, tag, config, "model");
        Map<String, String> fieldMap = stringMap(type, tag, ConfigurationUtils.readMap(type, tag, config, "field_map"), "field_map");
        Map<String, Object> tokenConfig = ConfigurationUtils.readOptionalMap(type, tag, config, "token_field_map");
        Map<String, String> tokenFieldMap = tokenConfig == null ? Map.of() : stringMap(type, tag, tokenConfig, "token_field_map");
        int batchSize = ConfigurationUtils.readIntProperty(type, tag, config, "batch_size", DEFAULT_BATCH_SIZE);
        boolean ignoreMissing = ConfigurationUtils.readBooleanProperty(type, tag, config, "ignore_missing", false);
        if (fieldMap.isEmpty() && tokenFieldMap.isEmpty()) {
            throw ConfigurationUtils.newConfigurationException(type, tag, "field_map", "must map at least one field");
        }
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw ConfigurationUtils.newConfigurationException(
                type,
                tag,
                "batch_size",
                String.format(Locale.ROOT, "must be between 1 and %d, got [%d]", MAX_BATCH_SIZE, batchSize)
            );
        }
        InferenceService service = inference.get();
        if (service.registry().manifest(model).isEmpty()) {
            throw ConfigurationUtils.newConfigurationException(
                type,
                tag,
                "model",
                String.format(Locale.ROOT, "unknown model [%s]; models on this node: %s", model, service.registry().list().stream().map(i -> i.manifest().id()).toList())
            );
        }
        RequestLimits requestLimits = limits.get();
        return new EmbedTextProcessor(
            tag,
            description,
            batchSize,
            model,
            fieldMap,
            tokenFieldMap,
            ignoreMissing,
            service,
            requestLimits::tokenVectorBytesPerRequest
        );
    }

    private static Map<String, String> stringMap(String type, String tag, Map<String, Object> raw, String property) {
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
}
