package org.opensearch.multimodal.mapper;

import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LateInteractionField;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.index.mapper.ParametrizedFieldMapper;
import org.opensearch.index.mapper.ParseContext;
import org.opensearch.multimodal.math.FixedDimensionalEncoding;
import org.opensearch.multimodal.math.TokenEncoding;
import org.opensearch.multimodal.math.VectorMath;
import org.opensearch.multimodal.settings.MultimodalSettings;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code multi_vector}: many vectors per document (e.g. one per token) for late interaction, as binary doc values in
 * the field's {@link MultiVectorFormat} ({@code encoding}: float32, Lucene's {@link LateInteractionField} layout, or
 * bfloat16, int8, binary; {@code pool_factor}: token pooling at index time). Vectors are L2-normalized when indexed so
 * MaxSim is a mean of cosines. A value is an array of vectors, or the base64 packed form ({@link MultiVectorFormat}).
 * <pre>{"type": "multi_vector", "dims": 384, "encoding": "int8", "pool_factor": 2}</pre>
 */
public final class MultiVectorFieldMapper extends ParametrizedFieldMapper {

    public static final String CONTENT_TYPE = "multi_vector";

    private static MultiVectorFieldMapper toType(Object mapper) {
        return (MultiVectorFieldMapper) mapper;
    }

    /** Mapping parameters. */
    public static final class Builder extends ParametrizedFieldMapper.Builder {

        private final int maxVectors;
        private final TokenEncoding defaultEncoding;
        private final Parameter<Integer> dims = Parameter.intParam("dims", false, m -> toType(m).dims, -1).setValidator(dims -> {
            if (dims < 1 || dims > 4096) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "[dims] must be set, between 1 and 4096; got [%d]", dims));
            }
        }).alwaysSerialize();
        private final Parameter<String> encoding;
        private final Parameter<Integer> poolFactor = Parameter.intParam("pool_factor", false, m -> toType(m).format.poolFactor(), 1)
            .setValidator(factor -> new MultiVectorFormat(TokenEncoding.FLOAT32, factor));
        private final Parameter<String> model = FieldModel.parameter(FieldModel.MODEL, m -> toType(m).fieldModel.model());
        private final Parameter<String> fingerprint = FieldModel.parameter(
            FieldModel.FINGERPRINT,
            m -> toType(m).fieldModel.fingerprint()
        );
        private final Parameter<Boolean> index = Parameter
            .boolParam("index", false, m -> toType(m).fieldType().candidates() != null, false);
        private final Parameter<CandidateIndexOptions> indexOptions = new Parameter<>(
            "index_options",
            false,
            () -> CandidateIndexOptions.DEFAULT,
            (n, c, o) -> CandidateIndexOptions.parse(o),
            m -> toType(m).indexOptions
        ).setSerializer((b, n, v) -> v.toXContent(b, n), CandidateIndexOptions::toString);
        private final Parameter<Map<String, String>> meta = Parameter.metaParam();

        /** {@code defaultEncoding}: the encoding of a mapping that names none (the index's {@code default_encoding}). */
        public Builder(String name, int maxVectors, TokenEncoding defaultEncoding) {
            super(name);
            this.maxVectors = maxVectors;
            this.defaultEncoding = defaultEncoding;
            this.encoding = Parameter.restrictedStringParam(
                "encoding",
                false,
                m -> toType(m).format.encoding().toString(),
                encodingNames(defaultEncoding)
            ).alwaysSerialize(); // a stored mapping names its encoding whatever the index's default (a resized copy keeps it)
        }

        /** Every encoding's name, {@code first} first: a restricted parameter's default is its first value. */
        private static String[] encodingNames(TokenEncoding first) {
            List<String> names = new ArrayList<>();
            names.add(first.toString());
            for (TokenEncoding encoding : TokenEncoding.values()) {
                if (encoding != first) {
                    names.add(encoding.toString());
                }
            }
            return names.toArray(new String[0]);
        }

        @Override
        protected List<Parameter<?>> getParameters() {
            return List.of(dims, encoding, poolFactor, index, indexOptions, model, fingerprint, meta);
        }

        @Override
        public MultiVectorFieldMapper build(BuilderContext context) {
            if (dims.getValue() < 1) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "field [%s] of type [%s] needs [dims]", name, CONTENT_TYPE));
            }
            MultiVectorFieldType fieldType = new MultiVectorFieldType(
                buildFullName(context),
                dims.getValue(),
                new MultiVectorFormat(TokenEncoding.parse(encoding.getValue()), poolFactor.getValue()),
                new FieldModel(model.getValue(), fingerprint.getValue()),
                index.getValue() ? indexOptions.getValue() : null,
                meta.getValue()
            );
            return new MultiVectorFieldMapper(
                name,
                fieldType,
                indexOptions.getValue(),
                maxVectors,
                defaultEncoding,
                multiFieldsBuilder.build(this, context),
                copyTo.build()
            );
        }
    }

    /**
     * The type parser; {@code maxVectors} is the node's per-document cap. A mapping without {@code encoding} takes its
     * index's {@code index.multimodal.multi_vector.default_encoding}: int8 for indices created since it exists, float32
     * (the setting's own default) for indices created before, whose mappings were written when float32 was the default.
     */
    public static TypeParser parser(int maxVectors) {
        return new TypeParser(
            (name, context) -> new Builder(name, maxVectors, MultimodalSettings.MULTI_VECTOR_DEFAULT_ENCODING.get(context.getSettings()))
        );
    }

    private final int dims;
    private final int maxVectors;
    private final TokenEncoding defaultEncoding;
    private final FieldModel fieldModel;
    private final MultiVectorFormat format;
    /** As mapped, also when {@code index} is false (so a merge keeps what the mapping said). */
    private final CandidateIndexOptions indexOptions;

    private MultiVectorFieldMapper(
        String simpleName,
        MultiVectorFieldType fieldType,
        CandidateIndexOptions indexOptions,
        int maxVectors,
        TokenEncoding defaultEncoding,
        MultiFields multiFields,
        CopyTo copyTo
    ) {
        super(simpleName, fieldType, multiFields, copyTo);
        this.dims = fieldType.dims();
        this.maxVectors = maxVectors;
        this.defaultEncoding = defaultEncoding;
        this.fieldModel = fieldType.fieldModel();
        this.format = fieldType.format();
        this.indexOptions = indexOptions;
    }

    @Override
    public MultiVectorFieldType fieldType() {
        return (MultiVectorFieldType) super.fieldType();
    }

    @Override
    protected void parseCreateField(ParseContext context) throws IOException {
        String field = fieldType().name();
        if (context.parser().currentToken() == XContentParser.Token.VALUE_NULL) {
            return;
        }
        if (context.doc().getByKey(field) != null) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "field [%s] takes one array of vectors per document", field));
        }
        BinaryDocValuesField stored;
        if (context.parser().currentToken() == XContentParser.Token.VALUE_STRING) {
            stored = format.fromPacked(base64(context.parser().text(), field), field, dims, maxVectors);
        } else {
            float[][] vectors = VectorParsing.readVectors(context.parser(), field, dims, maxVectors);
            if (vectors.length == 0) {
                return;
            }
            for (float[] vector : vectors) {
                VectorMath.l2NormalizeInPlace(vector);
            }
            stored = format.field(field, vectors);
        }
        context.doc().addWithKey(field, stored);
        FixedDimensionalEncoding candidates = fieldType().candidateEncoding();
        if (candidates != null) {
            // the encoding of the rows as stored (pooled, encoded): what MaxSim will score is what proposes
            float[][] rows = format.decode(stored.binaryValue(), dims);
            if (rows.length > 0) {
                context.doc()
                    .add(
                        new KnnFloatVectorField(
                            fieldType().candidateField(),
                            candidates.encodeDocument(rows),
                            VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT
                        )
                    );
            }
        }
    }

    private static byte[] base64(String value, String field) {
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                String.format(
                    Locale.ROOT,
                    "field [%s] expects an array of vectors or base64 of packed token vectors: %s",
                    field,
                    e.getMessage()
                )
            );
        }
    }

    @Override
    public ParametrizedFieldMapper.Builder getMergeBuilder() {
        return new Builder(simpleName(), maxVectors, defaultEncoding).init(this);
    }

    /** The whole array is one value: a vector, not many numbers. */
    @Override
    public boolean parsesArrayValue() {
        return true;
    }

    @Override
    protected String contentType() {
        return CONTENT_TYPE;
    }

    /**
     * The searchable side of a {@code multi_vector} field: it scores candidates; with {@code "index": true} it also
     * proposes them, from an HNSW graph of each document's fixed-dimensional encoding ({@link #candidateField()}).
     */
    public static final class MultiVectorFieldType extends VectorFieldType {

        /** The Lucene field of a multi_vector field's candidate encodings: not a mapped field, never in _source. */
        public static final String CANDIDATE_SUFFIX = "._candidates";

        private final MultiVectorFormat format;
        private final CandidateIndexOptions candidates;
        private final FixedDimensionalEncoding candidateEncoding;

        public MultiVectorFieldType(String name, int dims, MultiVectorFormat format, FieldModel fieldModel, Map<String, String> meta) {
            this(name, dims, format, fieldModel, null, meta);
        }

        /** {@code candidates} null: no index of its own ({@code "index": false}). */
        public MultiVectorFieldType(
            String name,
            int dims,
            MultiVectorFormat format,
            FieldModel fieldModel,
            CandidateIndexOptions candidates,
            Map<String, String> meta
        ) {
            super(name, CONTENT_TYPE, false, true, dims, fieldModel, meta);
            this.format = format;
            this.candidates = candidates;
            this.candidateEncoding = candidates == null ? null : candidates.encoding(dims);
        }

        /** Its candidate index's options; null when it has none. */
        public CandidateIndexOptions candidates() {
            return candidates;
        }

        /** The encoding of its candidate index (documents at index time, queries at search time); null without one. */
        public FixedDimensionalEncoding candidateEncoding() {
            return candidateEncoding;
        }

        /** The Lucene field holding its documents' encodings. */
        public String candidateField() {
            return name() + CANDIDATE_SUFFIX;
        }

        /** How its token vectors are encoded and pooled. */
        public MultiVectorFormat format() {
            return format;
        }

    }
}
