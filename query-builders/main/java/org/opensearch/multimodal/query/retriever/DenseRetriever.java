package org.opensearch.multimodal.query.retriever;

import org.apache.lucene.search.KnnFloatVectorQuery;
import org.opensearch.core.common.ParsingException;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.multimodal.mapper.DenseVectorFieldMapper.DenseVectorFieldType;
import org.opensearch.multimodal.math.VectorMath;
import org.opensearch.multimodal.query.common.BodyTokens;
import org.opensearch.multimodal.query.encoding.ModelCompatibility;
import org.opensearch.multimodal.query.encoding.QueryVectors;
import org.opensearch.multimodal.query.encoding.ShardFields;

import java.io.IOException;
import java.util.Locale;
import java.util.Optional;

/**
 * A dense retriever: the {@code k} nearest neighbours of the query vector in a {@code dense_vector} field (a Lucene
 * {@link KnnFloatVectorQuery} with the query's filter inside the graph search), scoring the pool from the stored vectors.
 * {@code model} encodes the query's {@code input}: {@code text} ({@code query_text}) or {@code image}
 * ({@code query_image}); unset, it is text when the query has text and image otherwise. {@code model} may be omitted
 * when the query gives {@code query_vector} or {@code like}. {@code k} 0 (unset) takes the query's {@code k};
 * {@code num_candidates} is the HNSW search's beam (the candidates each segment's graph search keeps, of which the
 * best {@code k} are proposed; 0: twice {@code k}, which reached exact search's nDCG@10 on SciFact at no measurable
 * cost), the price of recall against an exact search.
 */
public record DenseRetriever(String field, String model, int k, String input, int numCandidates) implements RetrieverSpec {

    /** {@code "input": "text"}: it searches with {@code query_text}'s vector. */
    public static final String TEXT_INPUT = QueryVectors.TEXT_INPUT;
    /** {@code "input": "image"}: it searches with {@code query_image}'s vector. */
    public static final String IMAGE_INPUT = QueryVectors.IMAGE_INPUT;

    public static final String TYPE = "dense";
    static final RetrieverKind KIND = new RetrieverKind(TYPE, DenseRetriever::parse, DenseRetriever::new);

    public DenseRetriever {
        if (field == null || field.isBlank()) {
            throw new IllegalArgumentException("[dense] retriever needs [field]");
        }
        RetrieverParams.checkK(k);
        RetrieverParams.checkNumCandidates(k, numCandidates);
        if (input != null && TEXT_INPUT.equals(input) == false && IMAGE_INPUT.equals(input) == false) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "[input] must be [text] or [image], got [%s]", input));
        }
    }

    public DenseRetriever(String field, String model, int k) {
        this(field, model, k, null, 0);
    }

    public DenseRetriever(String field, String model, int k, String input) {
        this(field, model, k, input, 0);
    }

    @Override
    public RetrieverSpec withQueryK(int queryK) {
        return k == 0 ? new DenseRetriever(field, model, queryK, input, numCandidates) : this;
    }

    /** The HNSW beam: {@code num_candidates} when given, else twice {@code k} (at most {@link RetrieverParams#MAX_K}). */
    int beamWidth() {
        return RetrieverParams.candidates(k, numCandidates);
    }

    /** The input this retriever encodes for a query that has {@code hasText} query text. */
    String inputFor(boolean hasText) {
        return input != null ? input : hasText ? TEXT_INPUT : IMAGE_INPUT;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void checkInputs(String name, QueryInputs inputs) {
        if (inputs.encoded() == false) {
            return; // the vector is given, or read from the liked document
        }
        String used = inputFor(inputs.text() != null);
        String given = TEXT_INPUT.equals(used) ? inputs.text() : inputs.image();
        if (given == null) {
            throw new IllegalArgumentException(
                String.format(Locale.ROOT, "[retrievers.%s.dense.input] is [%s] but the query has no [query_%s]", name, used, used)
            );
        }
    }

    @Override
    public Optional<String> fieldNamingItsModel(QueryInputs inputs) {
        return model == null && inputs.encoded() ? Optional.of(field) : Optional.empty();
    }

    @Override
    public RetrieverSpec withModel(String mappedModel) {
        return new DenseRetriever(field, mappedModel, k, input, numCandidates);
    }

    @Override
    public void planEncodings(String name, QueryInputs inputs, QueryVectors done, EncodingPlan plan) {
        String used = inputFor(inputs.text() != null);
        if (inputs.encoded() == false || done.hasDense(used, model)) {
            return;
        }
        String parameter = "retrievers." + name + "." + TYPE;
        if (IMAGE_INPUT.equals(used)) {
            plan.imageVector(model, parameter);
        } else {
            plan.textVector(model, parameter);
        }
    }

    @Override
    public Optional<String> likeField() {
        return Optional.of(field);
    }

    @Override
    public PoolRetriever onShard(String name, ShardInputs shard) {
        String parameter = "retrievers." + name + "." + TYPE;
        DenseVectorFieldType vectorField = ShardFields
            .require(shard.context(), parameter + ".field", field, DenseVectorFieldType.class, "dense_vector");
        if (vectorField.isSearchable() == false) {
            throw new IllegalArgumentException(
                String.format(Locale.ROOT, "[%s.field] field [%s] is not indexed (\"index\": false)", parameter, field)
            );
        }
        float[] vector = queryVector(parameter, vectorField, shard);
        if (shard.inputs().encoded()) {
            ModelCompatibility
                .check(parameter, model, shard.vectors().encoders().get(model), field, vectorField.fieldModel(), shard.services());
        }
        if (vectorField.chunked()) {
            return BestPassageRetriever.of(name, vectorField, vector, k, beamWidth(), shard.filter(), shard.context().getIndexReader());
        }
        KnnFloatVectorQuery knn = WideBeamKnnQuery.of(field, vector, k, beamWidth(), shard.filter());
        return new DensePoolRetriever(name, field, vector, vectorField.similarity().luceneFunction(), knn, k);
    }

    /** The query's vector for this field: given, read from the liked document, or encoded; checked against the field. */
    private float[] queryVector(String parameter, DenseVectorFieldType fieldType, ShardInputs shard) {
        QueryInputs inputs = shard.inputs();
        float[] vector;
        String source;
        if (inputs.vector() != null) {
            vector = inputs.vector();
            source = "[query_vector] has";
        } else if (inputs.like() != null) {
            LikeDocument like = inputs.like();
            vector = shard.likeVectors().get(field);
            if (vector == null) {
                throw new IllegalStateException(
                    String.format(
                        Locale.ROOT,
                        "[like] the vectors of [%s/%s] were not read before reaching the shard",
                        like.index(),
                        like.id()
                    )
                );
            }
            source = String.format(Locale.ROOT, "[like] document [%s/%s] has", like.index(), like.id());
        } else {
            vector = shard.vectors().dense(inputFor(inputs.text() != null), model);
            if (vector == null) {
                throw new IllegalStateException(
                    String.format(
                        Locale.ROOT,
                        "[%s.model] the query was not encoded with model [%s] before reaching the shard",
                        parameter,
                        model
                    )
                );
            }
            source = String.format(Locale.ROOT, "[%s.model] model [%s] produces", parameter, model);
        }
        if (vector.length != fieldType.dims()) {
            throw new IllegalArgumentException(
                String.format(Locale.ROOT, "%s %d dims but field [%s] has %d", source, vector.length, fieldType.name(), fieldType.dims())
            );
        }
        return fieldType.similarity().normalizes() ? VectorMath.l2NormalizeInPlace(vector.clone()) : vector;
    }

    @Override
    public PrimaryRole gqrRole() {
        return PrimaryRole.SINGLE_VECTOR;
    }

    DenseRetriever(StreamInput in) throws IOException {
        this(in.readString(), in.readOptionalString(), in.readVInt(), in.readOptionalString(), in.readVInt());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(field);
        out.writeOptionalString(model);
        out.writeVInt(k);
        out.writeOptionalString(input);
        out.writeVInt(numCandidates);
    }

    @Override
    public void toXContent(XContentBuilder builder) throws IOException {
        builder.startObject(TYPE).field("field", field);
        if (model != null) {
            builder.field("model", model);
        }
        builder.field("k", k);
        if (numCandidates > 0) {
            builder.field("num_candidates", numCandidates);
        }
        if (input != null) {
            builder.field("input", input);
        }
        builder.endObject();
    }

    static DenseRetriever parse(XContentParser parser, String name) throws IOException {
        String field = null;
        String model = null;
        int k = 0;
        int numCandidates = 0;
        String input = null;
        String key = null;
        for (XContentParser.Token token = BodyTokens.next(parser, TYPE); token != XContentParser.Token.END_OBJECT; token = BodyTokens
            .next(parser, TYPE)) {
            if (token == XContentParser.Token.FIELD_NAME) {
                key = parser.currentName();
            } else if (token.isValue()) {
                switch (key) {
                    case "field" -> field = parser.text();
                    case "model" -> model = parser.text();
                    case "k" -> k = RetrieverParams.count(parser, name, TYPE, "k", parser.intValue());
                    case "num_candidates" -> numCandidates = RetrieverParams
                        .count(parser, name, TYPE, "num_candidates", parser.intValue());
                    case "input" -> input = parser.text();
                    default -> throw new ParsingException(
                        parser.getTokenLocation(),
                        String.format(Locale.ROOT, "[retrievers.%s.dense] unknown parameter [%s]", name, key)
                    );
                }
            } else {
                throw new ParsingException(
                    parser.getTokenLocation(),
                    String.format(Locale.ROOT, "[retrievers.%s.dense.%s] must be a value", name, key)
                );
            }
        }
        try {
            return new DenseRetriever(field, model, k, input, numCandidates);
        } catch (IllegalArgumentException e) {
            throw new ParsingException(
                parser.getTokenLocation(),
                String.format(Locale.ROOT, "[retrievers.%s.dense] %s", name, e.getMessage())
            );
        }
    }
}
