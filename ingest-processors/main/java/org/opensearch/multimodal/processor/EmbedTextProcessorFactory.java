package org.opensearch.multimodal.processor;

import org.opensearch.ingest.ConfigurationUtils;
import org.opensearch.ingest.Processor;
import org.opensearch.multimodal.chunking.ChunkingOptions;
import org.opensearch.multimodal.inference.InferenceService;
import org.opensearch.multimodal.memory.RequestLimits;

import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/** Parses and validates an {@code embed_text} processor definition; an unknown model fails pipeline creation. */
public final class EmbedTextProcessorFactory implements Processor.Factory {

    private final Supplier<InferenceService> inference;
    private final Supplier<RequestLimits> limits;
    private final FieldModelGuard guard;

    /** Both are read when a pipeline is created, after the node has started its services. */
    public EmbedTextProcessorFactory(Supplier<InferenceService> inference, Supplier<RequestLimits> limits) {
        this(inference, limits, null);
    }

    /** With the guard that checks and records which model fills each target field. */
    public EmbedTextProcessorFactory(Supplier<InferenceService> inference, Supplier<RequestLimits> limits, FieldModelGuard guard) {
        this.inference = inference;
        this.limits = limits;
        this.guard = guard;
    }

    @Override
    public EmbedTextProcessor create(
        Map<String, Processor.Factory> registry,
        String tag,
        String description,
        Map<String, Object> config
    ) throws Exception {
        String type = EmbedTextProcessor.TYPE;
        InferenceService service = inference.get();
        String model = ProcessorConfigs.model(type, tag, config, "model", service.registry());
        if (service.registry().manifest(model).orElseThrow().kind().hasText() == false) {
            throw ConfigurationUtils
                .newConfigurationException(type, tag, "model", String.format(Locale.ROOT, "model [%s] does not encode text", model));
        }
        FieldMaps fields = FieldMaps.parse(type, tag, config, model, "token_field_map");
        int batchSize = ProcessorConfigs.batchSize(type, tag, config, ProcessorConfigs.DEFAULT_BATCH_SIZE);
        ChunkingOptions chunking = null;
        Object chunkingConfig = ConfigurationUtils.readOptionalMap(type, tag, config, "chunking");
        if (chunkingConfig != null) {
            try {
                chunking = ChunkingOptions.parse(chunkingConfig, service.registry().textModel(model).textWindow());
            } catch (ChunkingOptions.InvalidOption e) {
                throw ConfigurationUtils.newConfigurationException(type, tag, e.option(), e.getMessage());
            }
        }
        RequestLimits requestLimits = limits.get();
        return new EmbedTextProcessor(
            tag,
            description,
            batchSize,
            fields,
            chunking,
            service,
            requestLimits::tokenVectorBudget,
            guard
        );
    }
}
