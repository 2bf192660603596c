package org.opensearch.multimodal.processor;

import org.opensearch.ingest.ConfigurationUtils;
import org.opensearch.ingest.Processor;
import org.opensearch.multimodal.image.ImageInputs;
import org.opensearch.multimodal.inference.InferenceService;
import org.opensearch.multimodal.memory.RequestLimits;

import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/** Parses and validates an {@code embed_image} processor definition; a model without an image encoder is a 400. */
public final class EmbedImageProcessorFactory implements Processor.Factory {

    static final int DEFAULT_BATCH_SIZE = 16;

    private final Supplier<InferenceService> inference;
    private final Supplier<ImageInputs> images;
    private final Supplier<RequestLimits> limits;
    private final FieldModelGuard guard;

    /** All are read when a pipeline is created, after the node has started its services. */
    public EmbedImageProcessorFactory(Supplier<InferenceService> inference, Supplier<ImageInputs> images, Supplier<RequestLimits> limits) {
        this(inference, images, limits, null);
    }

    /** With the guard that checks and records which model fills each target field. */
    public EmbedImageProcessorFactory(
        Supplier<InferenceService> inference,
        Supplier<ImageInputs> images,
        Supplier<RequestLimits> limits,
        FieldModelGuard guard
    ) {
        this.inference = inference;
        this.images = images;
        this.limits = limits;
        this.guard = guard;
    }

    @Override
    public EmbedImageProcessor create(Map<String, Processor.Factory> registry, String tag, String description, Map<String, Object> config) {
        String type = EmbedImageProcessor.TYPE;
        InferenceService service = inference.get();
        ProcessorConfigs.refuseChunking(type, tag, config);
        String model = ProcessorConfigs.model(type, tag, config, "model", service.registry());
        var manifest = service.registry().manifest(model).orElseThrow();
        if (manifest.kind().hasImage() == false) {
            throw ConfigurationUtils
                .newConfigurationException(type, tag, "model", String.format(Locale.ROOT, "model [%s] does not encode images", model));
        }
        FieldMaps fields = FieldMaps.parse(type, tag, config, model, "patch_field_map");
        if (fields.tokenFields().isEmpty() == false && manifest.patchOutput() == null) {
            throw ConfigurationUtils.newConfigurationException(
                type,
                tag,
                "patch_field_map",
                String.format(Locale.ROOT, "model [%s] gives no patch vectors (its manifest names no patch_output)", model)
            );
        }
        int batchSize = ProcessorConfigs.batchSize(type, tag, config, DEFAULT_BATCH_SIZE);
        return new EmbedImageProcessor(
            tag,
            description,
            batchSize,
            fields,
            service,
            images.get(),
            limits.get()::tokenVectorBudget,
            guard
        );
    }
}
