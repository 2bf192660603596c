package org.opensearch.multimodal.mapper;

import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.util.BytesRef;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.index.mapper.ParametrizedFieldMapper;
import org.opensearch.index.mapper.ParseContext;
import org.opensearch.multimodal.math.VectorMath;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code dense_vector}: one float vector per document, indexed as a Lucene HNSW graph ({@link KnnFloatVectorField}).
 * <pre>{"type": "dense_vector", "dims": 384, "similarity": "cosine", "index": true,
 *  "index_options": {"m": 16, "ef_construction": 100}}</pre>
 * With {@code "chunked": true} a document holds a vector per passage of a long text ({@link ChunkedVectors}): passage i's
 * vector goes into a graph of its own, {@code <field>._chunks.<i>}, so a search of every position's graph finds each
 * document by its best passage (docs/DESIGN.md §9); the passages' offsets are kept in the field's doc values.
 */
public final class DenseVectorFieldMapper extends ParametrizedFieldMapper {

    public static final String CONTENT_TYPE = "dense_vector";
    /** The mapping parameter that makes a field hold a vector per passage. */
    public static final String CHUNKED = "chunked";
    /** Passage i of a chunked field {@code f} is indexed in the vector field {@code f + CHUNK_FIELD_INFIX + i}. */
    public static final String CHUNK_FIELD_INFIX = "._chunks.";

    private static DenseVectorFieldMapper toType(Object mapper) {
        return (DenseVectorFieldMapper) mapper;
    }

    /** Mapping parameters. */
    public static final class Builder extends ParametrizedFieldMapper.Builder {

        private final Parameter<Integer> dims = Parameter.intParam("dims", false, m -> toType(m).dims, -1).setValidator(dims -> {
            if (dims < 1 || dims > KnnVectorsFormat.DEFAULT_MAX_DIMENSIONS) {
                throw new IllegalArgumentException(
                    String.format(
                        Locale.ROOT,
                        "[dims] must be set, between 1 and %d; got [%d]",
                        KnnVectorsFormat.DEFAULT_MAX_DIMENSIONS,
                        dims
                    )
                );
            }
        }).alwaysSerialize();
        private final Parameter<String> similarity = Parameter.restrictedStringParam(
            "similarity",
            false,
            m -> toType(m).similarity.toString(),
            "cosine",
            "dot_product",
            "l2_norm"
        );
        private final Parameter<Boolean> index = Parameter.boolParam("index", false, m -> toType(m).indexed, true);
        private final Parameter<Boolean> chunked = Parameter.boolParam(CHUNKED, false, m -> toType(m).chunked, false);
        private final Parameter<HnswOptions> indexOptions = new Parameter<>(
            "index_options",
            false,
            () -> HnswOptions.DEFAULT,
            (n, c, o) -> HnswOptions.parse(o),
            m -> toType(m).hnswOptions
        ).setSerializer((b, n, v) -> v.toXContent(b, n), HnswOptions::toString);
        private final Parameter<String> model = FieldModel.parameter(FieldModel.MODEL, m -> toType(m).fieldModel.model());
        private final Parameter<String> fingerprint = FieldModel.parameter(
            FieldModel.FINGERPRINT,
            m -> toType(m).fieldModel.fingerprint()
        );
        private final Parameter<String> chunking = FieldModel.parameter(FieldModel.CHUNKING, m -> toType(m).chunking);
        private final Parameter<Map<String, String>> meta = Parameter.metaParam();

        public Builder(String name) {
            super(name);
        }

        @Override
        protected List<Parameter<?>> getParameters() {
            return List.of(dims, similarity, index, chunked, indexOptions, model, fingerprint, chunking, meta);
        }

        @Override
        public DenseVectorFieldMapper build(BuilderContext context) {
            if (dims.getValue() < 1) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "field [%s] of type [%s] needs [dims]", name, CONTENT_TYPE));
            }
            if (chunking.getValue() != null && chunked.getValue() == false) {
                throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "field [%s]: [%s] is recorded on chunked fields only", name, FieldModel.CHUNKING)
                );
            }
            if (chunked.getValue() && index.getValue() == false) {
                throw new IllegalArgumentException(
                    String
                        .format(Locale.ROOT, "field [%s]: [%s] needs [index]: a chunked field searches its passages' graphs", name, CHUNKED)
                );
            }
            DenseVectorFieldType fieldType = new DenseVectorFieldType(
                buildFullName(context),
                dims.getValue(),
                VectorSimilarity.parse(similarity.getValue()),
                index.getValue(),
                chunked.getValue(),
                indexOptions.getValue(),
                new FieldModel(model.getValue(), fingerprint.getValue()),
                meta.getValue()
            );
            return new DenseVectorFieldMapper(name, fieldType, this, multiFieldsBuilder.build(this, context), copyTo.build());
        }
    }

    public static final TypeParser PARSER = new TypeParser((name, context) -> new Builder(name));

    private final int dims;
    private final VectorSimilarity similarity;
    private final boolean indexed;
    private final boolean chunked;
    /** The chunking the field's passages were cut with, as the ingest processor recorded it; null until then. */
    private final String chunking;
    private final HnswOptions hnswOptions;
    private final FieldModel fieldModel;

    private DenseVectorFieldMapper(
        String simpleName,
        DenseVectorFieldType fieldType,
        Builder builder,
        MultiFields multiFields,
        CopyTo copyTo
    ) {
        super(simpleName, fieldType, multiFields, copyTo);
        this.dims = fieldType.dims();
        this.similarity = fieldType.similarity();
        this.indexed = fieldType.isSearchable();
        this.chunked = fieldType.chunked();
        this.chunking = builder.chunking.getValue();
        this.hnswOptions = fieldType.hnswOptions();
        this.fieldModel = fieldType.fieldModel();
    }

    @Override
    public DenseVectorFieldType fieldType() {
        return (DenseVectorFieldType) super.fieldType();
    }

    @Override
    protected void parseCreateField(ParseContext context) throws IOException {
        String field = fieldType().name();
        if (context.parser().currentToken() == XContentParser.Token.VALUE_NULL) {
            return;
        }
        if (context.doc().getByKey(field) != null) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "field [%s] takes one vector per document", field));
        }
        if (chunked) {
            ChunkedVectors value = ChunkedVectors.parse(context.parser(), field, dims);
            for (int i = 0; i < value.vectors().length; i++) {
                String chunkField = fieldType().chunkField(i);
                context.doc().add(new KnnFloatVectorField(chunkField, prepared(value.vectors()[i], field), similarity.luceneFunction()));
            }
            if (value.offsets() != null) {
                context.doc().addWithKey(field, new BinaryDocValuesField(field, value.offsetBytes()));
            } else {
                context.doc().addWithKey(field, new BinaryDocValuesField(field, new BytesRef()));
            }
            return;
        }
        float[] vector = prepared(VectorParsing.readVector(context.parser(), field, dims), field);
        if (indexed) {
            context.doc().addWithKey(field, new KnnFloatVectorField(field, vector, similarity.luceneFunction()));
        } else {
            context.doc().addWithKey(field, new StoredField(field, VectorEncoding.toBytes(vector)));
        }
    }

    /** The vector as indexed: normalized for cosine (a zero vector is an error naming the field). */
    private float[] prepared(float[] vector, String field) {
        if (similarity.normalizes()) {
            if (VectorMath.isZero(vector)) {
                throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "field [%s] uses cosine similarity and cannot index a zero vector", field)
                );
            }
            VectorMath.l2NormalizeInPlace(vector);
        }
        return vector;
    }

    @Override
    public ParametrizedFieldMapper.Builder getMergeBuilder() {
        return new Builder(simpleName()).init(this);
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

    /** The searchable side of a {@code dense_vector} field. */
    public static final class DenseVectorFieldType extends VectorFieldType {

        private final VectorSimilarity similarity;
        private final boolean chunked;
        private final HnswOptions hnswOptions;

        public DenseVectorFieldType(
            String name,
            int dims,
            VectorSimilarity similarity,
            boolean indexed,
            HnswOptions hnswOptions,
            FieldModel fieldModel,
            Map<String, String> meta
        ) {
            this(name, dims, similarity, indexed, false, hnswOptions, fieldModel, meta);
        }

        public DenseVectorFieldType(
            String name,
            int dims,
            VectorSimilarity similarity,
            boolean indexed,
            boolean chunked,
            HnswOptions hnswOptions,
            FieldModel fieldModel,
            Map<String, String> meta
        ) {
            super(name, CONTENT_TYPE, indexed, false, dims, fieldModel, meta);
            this.chunked = chunked;
            this.similarity = similarity;
            this.hnswOptions = hnswOptions;
        }

        public VectorSimilarity similarity() {
            return similarity;
        }

        public HnswOptions hnswOptions() {
            return hnswOptions;
        }

        /** Whether a document holds a vector per passage. */
        public boolean chunked() {
            return chunked;
        }

        /** The vector field of passage {@code i}. */
        public String chunkField(int i) {
            return chunkField(name(), i);
        }

        public static String chunkField(String field, int i) {
            return field + CHUNK_FIELD_INFIX + i;
        }

        /** The chunked field whose passage graph {@code luceneField} is; null when it is none. */
        public static String chunkOwner(String luceneField) {
            int at = luceneField.lastIndexOf(CHUNK_FIELD_INFIX);
            if (at <= 0) {
                return null;
            }
            String position = luceneField.substring(at + CHUNK_FIELD_INFIX.length());
            return position.isEmpty() || position.chars().allMatch(Character::isDigit) == false ? null : luceneField.substring(0, at);
        }
    }
}
