package org.opensearch.multimodal.mapper;

import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.search.FieldExistsQuery;
import org.apache.lucene.search.Query;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.index.mapper.MappedFieldType;
import org.opensearch.index.mapper.ParametrizedFieldMapper;
import org.opensearch.index.mapper.ParseContext;
import org.opensearch.index.mapper.TextSearchInfo;
import org.opensearch.index.mapper.ValueFetcher;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.multimodal.math.VectorMath;
import org.opensearch.search.lookup.SearchLookup;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code dense_vector}: one float vector per document, indexed as a Lucene HNSW graph ({@link KnnFloatVectorField}).
 * <pre>{"type": "dense_vector", "dims": 384, "similarity": "cosine", "index": true,
 *  "index_options": {"m": 16, "ef_construction": 100}}</pre>
 */
public final class DenseVectorFieldMapper extends ParametrizedFieldMapper {

    public static final String CONTENT_TYPE = "dense_vector";

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
        private final Parameter<Map<String, String>> meta = Parameter.metaParam();

        public Builder(String name) {
            super(name);
        }

        @Override
        protected List<Parameter<?>> getParameters() {
            return List.of(dims, similarity, index, indexOptions, model, fingerprint, meta);
        }

        @Override
        public DenseVectorFieldMapper build(BuilderContext context) {
            if (dims.getValue() < 1) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "field [%s] of type [%s] needs [dims]", name, CONTENT_TYPE));
            }
            DenseVectorFieldType fieldType = new DenseVectorFieldType(
                buildFullName(context),
                dims.getValue(),
                VectorSimilarity.parse(similarity.getValue()),
                index.getValue(),
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
        float[] vector = VectorParsing.readVector(context.parser(), field, dims);
        if (similarity.normalizes()) {
            if (VectorMath.isZero(vector)) {
                throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "field [%s] uses cosine similarity and cannot index a zero vector", field)
                );
            }
            VectorMath.l2NormalizeInPlace(vector);
        }
        if (indexed) {
            context.doc().addWithKey(field, new KnnFloatVectorField(field, vector, similarity.luceneFunction()));
        } else {
            context.doc().addWithKey(field, new StoredField(field, VectorEncoding.toBytes(vector)));
        }
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
    public static final class DenseVectorFieldType extends MappedFieldType {

        private final int dims;
        private final VectorSimilarity similarity;
        private final HnswOptions hnswOptions;
        private final FieldModel fieldModel;

        public DenseVectorFieldType(
            String name,
            int dims,
            VectorSimilarity similarity,
            boolean indexed,
            HnswOptions hnswOptions,
            FieldModel fieldModel,
            Map<String, String> meta
        ) {
            super(name, indexed, false, false, TextSearchInfo.NONE, meta);
            this.dims = dims;
            this.similarity = similarity;
            this.hnswOptions = hnswOptions;
            this.fieldModel = fieldModel;
        }

        /** The model its mapping names, and that model's fingerprint once ingest has filled it. */
        public FieldModel fieldModel() {
            return fieldModel;
        }

        public int dims() {
            return dims;
        }

        public VectorSimilarity similarity() {
            return similarity;
        }

        public HnswOptions hnswOptions() {
            return hnswOptions;
        }

        @Override
        public String typeName() {
            return CONTENT_TYPE;
        }

        @Override
        public ValueFetcher valueFetcher(QueryShardContext context, SearchLookup searchLookup, String format) {
            return WholeValueFetcher.of(name(), context);
        }

        @Override
        public Query existsQuery(QueryShardContext context) {
            return new FieldExistsQuery(name());
        }

        @Override
        public Query termQuery(Object value, QueryShardContext context) {
            throw new IllegalArgumentException(
                String.format(
                    Locale.ROOT,
                    "field [%s] of type [%s] does not support term queries; use the multimodal query",
                    name(),
                    CONTENT_TYPE
                )
            );
        }
    }
}
