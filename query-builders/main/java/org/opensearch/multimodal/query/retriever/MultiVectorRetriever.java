package org.opensearch.multimodal.query.retriever;

import org.opensearch.core.common.ParsingException;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.multimodal.mapper.MultiVectorFieldMapper.MultiVectorFieldType;
import org.opensearch.multimodal.memory.TokenMemory;
import org.opensearch.multimodal.query.common.BodyTokens;
import org.opensearch.multimodal.query.encoding.ModelCompatibility;
import org.opensearch.multimodal.query.encoding.QueryVectors;
import org.opensearch.multimodal.query.encoding.ShardFields;

import java.io.IOException;
import java.util.Locale;
import java.util.Optional;

/**
 * A late-interaction retriever over a {@code multi_vector} field: it scores every pool document by MaxSim against the
 * query's token vectors (encoded by {@code model} from {@code query_text}). On a field mapped with {@code "index": true}
 * it also proposes its top {@code k} (0: the query's k): the field's candidate index (an HNSW graph of fixed-dimensional
 * encodings) gives {@code num_candidates} (0: twice k, at most 10,000, as a dense retriever's beam: on SciFact it
 * recalled 0.91 of an exhaustive MaxSim's top 100 at 5.8x a dense query's time, five times k 0.99 at 10.9x), exact
 * MaxSim ranks them. On a field without
 * an index it proposes nothing, and other retrievers must fill the pool.
 */
public record MultiVectorRetriever(String field, String model, int k, int numCandidates) implements RetrieverSpec {

    public static final String TYPE = "multi_vector";
    static final RetrieverKind KIND = new RetrieverKind(TYPE, MultiVectorRetriever::parse, MultiVectorRetriever::new);

    public MultiVectorRetriever {
        if (field == null || field.isBlank()) {
            throw new IllegalArgumentException("[multi_vector] retriever needs [field]");
        }
        RetrieverParams.checkK(k);
        RetrieverParams.checkNumCandidates(k, numCandidates);
    }

    public MultiVectorRetriever(String field, String model) {
        this(field, model, 0, 0);
    }

    MultiVectorRetriever(StreamInput in) throws IOException {
        this(in.readString(), in.readOptionalString(), in.readVInt(), in.readVInt());
    }

    @Override
    public RetrieverSpec withQueryK(int queryK) {
        return k == 0 ? new MultiVectorRetriever(field, model, queryK, numCandidates) : this;
    }

    /** How many the candidate index proposes for exact MaxSim: {@code num_candidates}, else twice k. */
    int candidatesToScore() {
        return RetrieverParams.candidates(k, numCandidates);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void checkInputs(String name, QueryInputs inputs) {
        if (inputs.text() == null) {
            throw new IllegalArgumentException(
                String.format(Locale.ROOT, "[retrievers.%s.multi_vector] needs [query_text] to encode the query's token vectors", name)
            );
        }
    }

    @Override
    public Optional<String> fieldNamingItsModel(QueryInputs inputs) {
        return model == null ? Optional.of(field) : Optional.empty();
    }

    @Override
    public RetrieverSpec withModel(String mappedModel) {
        return new MultiVectorRetriever(field, mappedModel, k, numCandidates);
    }

    @Override
    public void planEncodings(String name, QueryInputs inputs, QueryVectors done, EncodingPlan plan) {
        if (done.tokens().containsKey(model) == false) {
            plan.textTokens(model, "retrievers." + name + "." + TYPE);
        }
    }

    /** MaxSim of the query's token vectors against each pool document's; GQR's candidates are held within the node's limit. */
    @Override
    public PoolRetriever onShard(String name, ShardInputs shard) {
        String parameter = "retrievers." + name + "." + TYPE;
        MultiVectorFieldType fieldType = ShardFields
            .require(shard.context(), parameter + ".field", field, MultiVectorFieldType.class, TYPE);
        float[][] tokens = ShardFields.requireTokens(shard.vectors().tokens().get(model), fieldType.dims(), parameter, model, field);
        ModelCompatibility.check(parameter, model, shard.vectors().encoders().get(model), field, fieldType.fieldModel(), shard.services());
        MultiVectorPoolRetriever.CandidateSearch candidates = fieldType.candidateEncoding() == null
            ? null
            : new MultiVectorPoolRetriever.CandidateSearch(
                fieldType.candidateField(),
                fieldType.candidateEncoding(),
                shard.filter(),
                candidatesToScore()
            );
        return new MultiVectorPoolRetriever(
            name,
            field,
            tokens,
            fieldType.format(),
            fieldType.dims(),
            TokenMemory.of(shard.services().limits()),
            candidates,
            k
        );
    }

    @Override
    public PrimaryRole gqrRole() {
        return PrimaryRole.MULTI_VECTOR;
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(field);
        out.writeOptionalString(model);
        out.writeVInt(k);
        out.writeVInt(numCandidates);
    }

    @Override
    public void toXContent(XContentBuilder builder) throws IOException {
        builder.startObject(TYPE).field("field", field);
        if (model != null) {
            builder.field("model", model);
        }
        if (k > 0) {
            builder.field("k", k);
        }
        if (numCandidates > 0) {
            builder.field("num_candidates", numCandidates);
        }
        builder.endObject();
    }

    static MultiVectorRetriever parse(XContentParser parser, String name) throws IOException {
        String field = null;
        String model = null;
        int k = 0;
        int numCandidates = 0;
        String key = null;
        for (XContentParser.Token token = BodyTokens.next(parser, TYPE); token != XContentParser.Token.END_OBJECT; token = BodyTokens
            .next(parser, TYPE)) {
            if (token == XContentParser.Token.FIELD_NAME) {
                key = parser.currentName();
            } else if (token.isValue() && "field".equals(key)) {
                field = parser.text();
            } else if (token.isValue() && "model".equals(key)) {
                model = parser.text();
            } else if (token.isValue() && "k".equals(key)) {
                k = RetrieverParams.count(parser, name, TYPE, "k", parser.intValue());
            } else if (token.isValue() && "num_candidates".equals(key)) {
                numCandidates = RetrieverParams.count(parser, name, TYPE, "num_candidates", parser.intValue());
            } else {
                throw new ParsingException(
                    parser.getTokenLocation(),
                    String.format(Locale.ROOT, "[retrievers.%s.multi_vector] unknown parameter [%s]", name, key)
                );
            }
        }
        try {
            return new MultiVectorRetriever(field, model, k, numCandidates);
        } catch (IllegalArgumentException e) {
            throw new ParsingException(parser.getTokenLocation(), String.format(Locale.ROOT, "[retrievers.%s] %s", name, e.getMessage()));
        }
    }
}
