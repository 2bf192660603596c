package org.opensearch.multimodal.query.rescore;

import org.apache.lucene.util.SetOnce;
import org.opensearch.common.CheckedFunction;
import org.opensearch.core.ParseField;
import org.opensearch.core.common.ParsingException;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.index.query.QueryRewriteContext;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.multimodal.mapper.MultiVectorFieldMapper.MultiVectorFieldType;
import org.opensearch.multimodal.query.common.ActionListenerAdapters;
import org.opensearch.multimodal.query.common.BodyTokens;
import org.opensearch.multimodal.query.common.NodeBinding;
import org.opensearch.multimodal.query.encoding.MappedModels;
import org.opensearch.multimodal.query.encoding.ModelCompatibility;
import org.opensearch.multimodal.query.encoding.QueryEncoder;
import org.opensearch.multimodal.query.encoding.QueryVectors;
import org.opensearch.multimodal.query.encoding.ShardFields;
import org.opensearch.multimodal.services.MultimodalServices;
import org.opensearch.search.rescore.RescoreContext;
import org.opensearch.search.rescore.RescorerBuilder;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The {@code late_interaction} rescore section:
 * <pre>{"rescore": {"window_size": 100, "late_interaction": {"field": "body_tokens", "query_text": "...",
 *   "model": "bge-small-en-v1.5", "score_mode": "replace", "query_weight": 1.0, "rescore_query_weight": 1.0}}}</pre>
 * The query's token vectors are encoded once, on the coordinating node, during the rewrite (without the model's query
 * instruction prefix: docs/notes/measurements.md §8); each shard then rescores its top {@code window_size} hits by MaxSim.
 * {@code score_mode} defaults to {@code replace}: the window is ranked by MaxSim. {@code model} may be left out when the
 * field's mapping names it.
 */
public final class LateInteractionRescorerBuilder extends RescorerBuilder<LateInteractionRescorerBuilder> {

    public static final String NAME = "late_interaction";
    public static final ParseField PARSE_FIELD = new ParseField(NAME);
    static final int MAX_WINDOW = 10_000;
    private static final String PARAMETER = NAME;

    private final String field;
    private final String queryText;
    /** Null until the field's mapping names it, when the request leaves it out. */
    private final String model;
    private final LateInteractionScoreMode scoreMode;
    private final float queryWeight;
    private final float rescoreQueryWeight;
    /** The query token vectors and the model that encoded them, once the coordinating node has encoded them. */
    private final QueryVectors encoded;
    /** The encoding, or the mapped model, a rewrite waits for; never serialized. */
    private final SetOnce<QueryVectors> pendingEncoding;
    private final SetOnce<Map<String, Set<String>>> pendingModel;
    /** The node's services; null for a rescorer built in Java until a node rewrites it. Never serialized. */
    private final Supplier<MultimodalServices> services;

    public LateInteractionRescorerBuilder(
        String field,
        String queryText,
        String model,
        LateInteractionScoreMode scoreMode,
        float queryWeight,
        float rescoreQueryWeight
    ) {
        this(field, queryText, model, scoreMode, queryWeight, rescoreQueryWeight, QueryVectors.EMPTY, null, null, null);
    }

    private LateInteractionRescorerBuilder(
        String field,
        String queryText,
        String model,
        LateInteractionScoreMode scoreMode,
        float queryWeight,
        float rescoreQueryWeight,
        QueryVectors encoded,
        SetOnce<QueryVectors> pendingEncoding,
        SetOnce<Map<String, Set<String>>> pendingModel,
        Supplier<MultimodalServices> services
    ) {
        if (field == null || field.isBlank()) {
            throw new IllegalArgumentException("[late_interaction.field] is required: a multi_vector field");
        }
        if (queryText == null || queryText.isBlank()) {
            throw new IllegalArgumentException("[late_interaction.query_text] is required");
        }
        if (model != null && model.isBlank()) {
            throw new IllegalArgumentException("[late_interaction.model] must not be empty");
        }
        checkWeight(queryWeight, "query_weight");
        checkWeight(rescoreQueryWeight, "rescore_query_weight");
        this.field = field;
        this.queryText = queryText;
        this.model = model;
        this.scoreMode = scoreMode == null ? LateInteractionScoreMode.REPLACE : scoreMode;
        this.queryWeight = queryWeight;
        this.rescoreQueryWeight = rescoreQueryWeight;
        this.encoded = encoded;
        this.pendingEncoding = pendingEncoding;
        this.pendingModel = pendingModel;
        this.services = services;
    }

    private static void checkWeight(float weight, String name) {
        if (Float.isFinite(weight) == false) {
            throw new IllegalArgumentException(
                String.format(Locale.ROOT, "[late_interaction.%s] must be a finite number, got [%s]", name, weight)
            );
        }
    }

    /** The stream reader the plugin registers, with the node's services. */
    public static Writeable.Reader<LateInteractionRescorerBuilder> reader(Supplier<MultimodalServices> services) {
        return in -> new LateInteractionRescorerBuilder(in, services);
    }

    /** The parser the plugin registers, with the node's services. */
    public static CheckedFunction<XContentParser, LateInteractionRescorerBuilder, IOException> parser(
        Supplier<MultimodalServices> services
    ) {
        return parser -> fromXContent(parser, services);
    }

    private LateInteractionRescorerBuilder(StreamInput in, Supplier<MultimodalServices> services) throws IOException {
        super(in);
        this.services = services;
        this.field = in.readString();
        this.queryText = in.readString();
        this.model = in.readOptionalString();
        this.scoreMode = in.readEnum(LateInteractionScoreMode.class);
        this.queryWeight = in.readFloat();
        this.rescoreQueryWeight = in.readFloat();
        this.encoded = QueryVectors.read(in);
        this.pendingEncoding = null;
        this.pendingModel = null;
    }

    @Override
    protected void doWriteTo(StreamOutput out) throws IOException {
        if (pendingEncoding != null || pendingModel != null) {
            throw new IllegalStateException("the late_interaction rescorer must be rewritten (its query encoded) before it is sent");
        }
        out.writeString(field);
        out.writeString(queryText);
        out.writeOptionalString(model);
        out.writeEnum(scoreMode);
        out.writeFloat(queryWeight);
        out.writeFloat(rescoreQueryWeight);
        encoded.writeTo(out);
    }

    @Override
    public String getWriteableName() {
        return NAME;
    }

    @Override
    protected void doXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject(NAME).field("field", field).field("query_text", queryText);
        if (model != null) {
            builder.field("model", model);
        }
        builder.field("score_mode", scoreMode.toString())
            .field("query_weight", queryWeight)
            .field("rescore_query_weight", rescoreQueryWeight)
            .endObject();
    }

    private static LateInteractionRescorerBuilder fromXContent(XContentParser parser, Supplier<MultimodalServices> services)
        throws IOException {
        String field = null;
        String queryText = null;
        String model = null;
        LateInteractionScoreMode scoreMode = null;
        float queryWeight = 1f;
        float rescoreQueryWeight = 1f;
        String key = null;
        try {
            for (XContentParser.Token token = BodyTokens.next(parser, NAME); token != XContentParser.Token.END_OBJECT; token = BodyTokens
                .next(parser, NAME)) {
                if (token == XContentParser.Token.FIELD_NAME) {
                    key = parser.currentName();
                } else if (token.isValue()) {
                    switch (key) {
                        case "field" -> field = parser.text();
                        case "query_text" -> queryText = parser.text();
                        case "model" -> model = parser.text();
                        case "score_mode" -> scoreMode = LateInteractionScoreMode.parse(parser.text());
                        case "query_weight" -> queryWeight = parser.floatValue();
                        case "rescore_query_weight" -> rescoreQueryWeight = parser.floatValue();
                        default -> throw new IllegalArgumentException(String.format(Locale.ROOT, "[%s] unknown parameter [%s]", NAME, key));
                    }
                } else {
                    throw new IllegalArgumentException(String.format(Locale.ROOT, "[%s.%s] must be a value", NAME, key));
                }
            }
            return new LateInteractionRescorerBuilder(
                field,
                queryText,
                model,
                scoreMode,
                queryWeight,
                rescoreQueryWeight,
                QueryVectors.EMPTY,
                null,
                null,
                services
            );
        } catch (IllegalArgumentException e) {
            throw new ParsingException(parser.getTokenLocation(), e.getMessage(), e);
        }
    }

    @Override
    public LateInteractionRescorerBuilder rewrite(QueryRewriteContext context) throws IOException {
        checkWindow();
        if (services == null) {
            return (LateInteractionRescorerBuilder) NodeBinding.boundTo(this, RescorerBuilder.class, context);
        }
        if (model != null && encoded.tokens().containsKey(model)) {
            return this;
        }
        if (pendingEncoding != null) {
            return pendingEncoding.get() == null ? this : copy(model, pendingEncoding.get(), null, null);
        }
        if (pendingModel != null) {
            return pendingModel.get() == null
                ? this
                : copy(MappedModels.resolve(PARAMETER, field, pendingModel.get().get(field)), encoded, null, null);
        }
        if (model == null) {
            String[] indices = MappedModels.searchedIndices(context);
            if (indices == null) {
                throw new IllegalArgumentException("[late_interaction.model] is required here: this request does not read mappings");
            }
            SetOnce<Map<String, Set<String>>> fetching = new SetOnce<>();
            context.registerAsyncAction(
                (client, listener) -> MappedModels.fetch(client, indices, Set.of(field), ActionListenerAdapters.setting(fetching, listener))
            );
            return copy(null, encoded, null, fetching);
        }
        QueryEncoder encoder = new QueryEncoder(services.get());
        if (encoder.requireModel(model, "late_interaction.model").kind().hasText() == false) {
            throw new IllegalArgumentException(
                String.format(Locale.ROOT, "[late_interaction.model] model [%s] does not encode text", model)
            );
        }
        SetOnce<QueryVectors> encoding = new SetOnce<>();
        context.registerAsyncAction(
            (client, listener) -> encoder.encodeText(model, queryText, false, true, ActionListenerAdapters.setting(encoding, listener))
        );
        return copy(model, encoded, encoding, null);
    }

    private LateInteractionRescorerBuilder copy(
        String withModel,
        QueryVectors withVectors,
        SetOnce<QueryVectors> encoding,
        SetOnce<Map<String, Set<String>>> mapped
    ) {
        LateInteractionRescorerBuilder copy = new LateInteractionRescorerBuilder(
            field,
            queryText,
            withModel,
            scoreMode,
            queryWeight,
            rescoreQueryWeight,
            withVectors,
            encoding,
            mapped,
            services
        );
        if (windowSize != null) {
            copy.windowSize(windowSize);
        }
        return copy;
    }

    private void checkWindow() {
        if (windowSize != null && (windowSize < 1 || windowSize > MAX_WINDOW)) {
            throw new IllegalArgumentException(
                String.format(Locale.ROOT, "[rescore.window_size] of [%s] must be between 1 and %d, got [%d]", NAME, MAX_WINDOW, windowSize)
            );
        }
    }

    @Override
    protected RescoreContext innerBuildContext(int windowSize, QueryShardContext context) {
        checkWindow();
        if (services == null) {
            throw new IllegalStateException("the late_interaction rescorer reached a shard without being rewritten by a node");
        }
        MultiVectorFieldType fieldType = ShardFields
            .require(context, "late_interaction.field", field, MultiVectorFieldType.class, "multi_vector");
        float[][] queryTokens = ShardFields.requireTokens(
            model == null ? null : encoded.tokens().get(model),
            fieldType.dims(),
            PARAMETER,
            model,
            field
        );
        ModelCompatibility.check(PARAMETER, model, encoded.encoders().get(model), field, fieldType.fieldModel(), services.get());
        return new LateInteractionRescorer.Context(
            windowSize,
            field,
            fieldType.format(),
            queryTokens,
            scoreMode,
            queryWeight,
            rescoreQueryWeight,
            services.get().stats(),
            services.get().searches()
        );
    }

    @Override
    public boolean equals(Object other) {
        if (super.equals(other) == false) {
            return false;
        }
        LateInteractionRescorerBuilder that = (LateInteractionRescorerBuilder) other;
        return field.equals(that.field)
            && queryText.equals(that.queryText)
            && Objects.equals(model, that.model)
            && scoreMode == that.scoreMode
            && queryWeight == that.queryWeight
            && rescoreQueryWeight == that.rescoreQueryWeight
            && encoded.equals(that.encoded)
            && (pendingEncoding == null) == (that.pendingEncoding == null)
            && (pendingModel == null) == (that.pendingModel == null);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), field, queryText, model, scoreMode, queryWeight, rescoreQueryWeight, encoded);
    }
}
