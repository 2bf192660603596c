package org.opensearch.multimodal.processor;

import org.opensearch.ingest.ConfigurationUtils;
import org.opensearch.ingest.Processor;
import org.opensearch.multimodal.image.ImageInputs;
import org.opensearch.multimodal.inference.InferenceService;
import org.opensearch.multimodal.model.ModelManifest;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Parses and validates an {@code embed_product} processor definition: both models must exist, encode text and images
 * respectively, and share one space (the same dims); weights are non-negative and not both zero.
 */
public final class EmbedProductProcessorFactory implements Processor.Factory {

    static final int DEFAULT_BATCH_SIZE = 16;

    private final Supplier<InferenceService> inference;
    private final Supplier<ImageInputs> images;

    public EmbedProductProcessorFactory(Supplier<InferenceService> inference, Supplier<ImageInputs> images) {
        this.inference = inference;
        this.images = images;
    }

    @Override
    public EmbedProductProcessor create(
        Map<String, Processor.Factory> registry,
        String tag,
        String description,
        Map<String, Object> config
    ) {
        String type = EmbedProductProcessor.TYPE;
        InferenceService service = inference.get();
        ProcessorConfigs.refuseChunking(type, tag, config);
        String textModel = ProcessorConfigs.model(type, tag, config, "text_model", service.registry());
        String imageModel = ProcessorConfigs.model(type, tag, config, "image_model", service.registry());
        ModelManifest text = service.registry().manifest(textModel).orElseThrow();
        ModelManifest image = service.registry().manifest(imageModel).orElseThrow();
        if (text.kind().hasText() == false) {
            throw ConfigurationUtils.newConfigurationException(
                type,
                tag,
                "text_model",
                String.format(Locale.ROOT, "model [%s] does not encode text", textModel)
            );
        }
        if (image.kind().hasImage() == false) {
            throw ConfigurationUtils.newConfigurationException(
                type,
                tag,
                "image_model",
                String.format(Locale.ROOT, "model [%s] does not encode images", imageModel)
            );
        }
        if (text.dims() != image.dims()) {
            throw ConfigurationUtils.newConfigurationException(
                type,
                tag,
                "image_model",
                String.format(
                    Locale.ROOT,
                    "model [%s] makes %d dims but text_model [%s] makes %d: the two must share one space",
                    imageModel,
                    image.dims(),
                    textModel,
                    text.dims()
                )
            );
        }
        List<String> textFields = ProcessorConfigs.fieldNames(type, tag, config, "text_fields");
        String imageField = ConfigurationUtils.readStringProperty(type, tag, config, "image_field");
        String targetField = ConfigurationUtils.readStringProperty(type, tag, config, "target_field");
        String sourceField = ConfigurationUtils.readStringProperty(type, tag, config, "source_field", targetField + "_source");
        Map<String, Object> weights = ConfigurationUtils.readOptionalMap(type, tag, config, "weights");
        float textWeight = weight(type, tag, weights, "text");
        float imageWeight = weight(type, tag, weights, "image");
        if (textWeight + imageWeight <= 0) {
            throw ConfigurationUtils.newConfigurationException(type, tag, "weights", "[text] and [image] must not both be 0");
        }
        int batchSize = ProcessorConfigs.batchSize(type, tag, config, DEFAULT_BATCH_SIZE);
        return new EmbedProductProcessor(
            tag,
            description,
            batchSize,
            textModel,
            imageModel,
            List.copyOf(textFields),
            imageField,
            targetField,
            sourceField,
            textWeight,
            imageWeight,
            service,
            images.get()
        );
    }

    private static float weight(String type, String tag, Map<String, Object> weights, String key) {
        Object value = weights == null ? null : weights.get(key);
        if (value == null) {
            return 0.5f;
        }
        if (value instanceof Number number && number.floatValue() >= 0 && Float.isFinite(number.floatValue())) {
            return number.floatValue();
        }
        throw ConfigurationUtils.newConfigurationException(type, tag, "weights." + key, "must be a number >= 0, got [" + value + "]");
    }
}
