package org.opensearch.multimodal.mapper;

import org.opensearch.index.mapper.FieldMapper;
import org.opensearch.index.mapper.ParametrizedFieldMapper.Parameter;

import java.util.Objects;
import java.util.function.Function;

/**
 * The model a vector field's mapping names: {@code model}, the model that fills it (so a retriever or rescorer on the
 * field may leave out its own), and {@code model_fingerprint}, the fingerprint of that model's files, recorded by the
 * ingest processors when they first fill the field. Either may be added to a mapping that lacks it; changing one is a
 * mapping conflict, as changing {@code dims} is.
 */
public record FieldModel(String model, String fingerprint) {

    public static final String MODEL = "model";
    public static final String FINGERPRINT = "model_fingerprint";
    /** On a chunked dense_vector field: the chunking its passages were cut with, recorded as the fingerprint is. */
    public static final String CHUNKING = "chunking";
    public static final FieldModel NONE = new FieldModel(null, null);

    /** A mapping parameter that may be set once and never changed. */
    static Parameter<String> parameter(String name, Function<FieldMapper, String> initializer) {
        return Parameter.stringParam(name, false, initializer, null)
            .acceptsNull()
            .setMergeValidator((previous, next) -> previous == null || Objects.equals(previous, next));
    }
}
