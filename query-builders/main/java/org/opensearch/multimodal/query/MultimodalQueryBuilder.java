package org.opensearch.multimodal.query;

import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.util.SetOnce;
import org.opensearch.core.common.ParsingException;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.index.mapper.IdFieldMapper;
import org.opensearch.index.query.AbstractQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryRewriteContext;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.multimodal.mapper.DenseVectorFieldMapper.DenseVectorFieldType;
import org.opensearch.multimodal.mapper.MultiVectorFieldMapper.MultiVectorFieldType;
import org.opensearch.multimodal.math.VectorMath;
import org.opensearch.multimodal.model.ModelManifest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The {@code multimodal} query: named retrievers over one query (text or vector), and a filter applied inside each
 * retriever's search.
 * <pre>{"multimodal": {"query_text": "...",
 *   "retrievers": {"text": {"dense": {"field": "body_vec", "model": "bge-small-en-v1.5", "k": 10}}}, "filter": {...}}}</pre>
 * {@code query_text} is encoded during the coordinating node's rewrite, once per model, asynchronously; shards receive
 * the vectors. One dense retriever is a KNN query; several (dense and lexical) are a {@link HybridRetrievalQuery}: one
 * pool per shard, exact scores from every retriever, then the fusion ({@link FusionSpec}).
 */
public final class MultimodalQueryBuilder extends AbstractQueryBuilder<MultimodalQueryBuilder> {

    public static final String NAME = "multimodal";

    private final String queryText;
    private final String queryImage;
    private final float[] queryVector;
    private final LikeDocument like;
    private final Map<String, RetrieverSpec> retrievers;
    /** How several retrievers' scores are combined; null with a single retriever that needs no fusion. */
    private final FusionSpec fusion;
    private final QueryBuilder filter;
    /** The query text's and image's vectors, filled by the coordinating node's rewrite. */
    private final QueryVectors vectors;
    /** Encodings in flight during a rewrite; never serialized. */
    private final List<SetOnce<QueryVectors>> pendingVectors;
    /** The liked document's vectors by retriever field, filled by the coordinating node's rewrite. */
    private final Map<String, float[]> likeVectors;
    /** The liked document's vectors while they are being fetched; never serialized. */
    private final SetOnce<Map<String, float[]>> pendingLike;

    public MultimodalQueryBuilder(
        String queryText,
        float[] queryVector,
        Map<String, ? extends RetrieverSpec> retrievers,
        QueryBuilder filter
    ) {
        this(queryText, queryVector, null, retrievers, filter);
    }

    /** With {@code queryImage} (base64, data URI, URL or path) beside or instead of {@code queryText}. */
    public MultimodalQueryBuilder(
        String queryText,
        String queryImage,
        float[] queryVector,
        LikeDocument like,
        Map<String, ? extends RetrieverSpec> retrievers,
        FusionSpec fusion,
        QueryBuilder filter
    ) {
        this(queryText, queryImage, queryVector, like, retrievers, fusion, filter, QueryVectors.EMPTY, List.of(), Map.of(), null);
    }

    /** {@code queryVector} (or else {@code queryText}, encoded) or {@code like} gives the query vector. */
    public MultimodalQueryBuilder(
        String queryText,
        float[] queryVector,
        LikeDocument like,
        Map<String, ? extends RetrieverSpec> retrievers,
        QueryBuilder filter
    ) {
        this(queryText, queryVector, like, retrievers, null, filter);
    }

    /** With {@code fusion} (null: reciprocal rank fusion when there are several retrievers). */
    public MultimodalQueryBuilder(
        String queryText,
        float[] queryVector,
        LikeDocument like,
        Map<String, ? extends RetrieverSpec> retrievers,
        FusionSpec fusion,
        QueryBuilder filter
    ) {
        this(queryText, null, queryVector, like, retrievers, fusion, filter);
    }

    private MultimodalQueryBuilder(
        String queryText,
        String queryImage,
        float[] queryVector,
        LikeDocument like,
        Map<String, ? extends RetrieverSpec> retrievers,
        FusionSpec fusion,
        QueryBuilder filter,
        QueryVectors vectors,
        List<SetOnce<QueryVectors>> pendingVectors,
        Map<String, float[]> likeVectors,
        SetOnce<Map<String, float[]>> pendingLike
    ) {
        QueryInputsCheck.check(queryText, queryImage, queryVector, like, retrievers);
        if (fusion != null) {
            fusion.checkRetrievers(retrievers);
        }
        this.queryText = queryText;
        this.queryImage = queryImage;
        this.queryVector = queryVector;
        this.like = like;
        this.retrievers = new LinkedHashMap<>(retrievers);
        this.fusion = fusion;
        this.filter = filter;
        this.vectors = vectors;
        this.pendingVectors = pendingVectors;
        this.likeVectors = likeVectors;
        this.pendingLike = pendingLike;
    }

    public MultimodalQueryBuilder(StreamInput in) throws IOException {
        super(in);
        this.queryText = in.readOptionalString();
        this.queryImage = in.readOptionalString();
        this.queryVector = in.readBoolean() ? in.readFloatArray() : null;
        this.like = in.readBoolean() ? new LikeDocument(in) : null;
        int retrieverCount = in.readVInt();
        this.retrievers = new LinkedHashMap<>();
        for (int i = 0; i < retrieverCount; i++) {
            this.retrievers.put(in.readString(), RetrieverSpec.read(in));
        }
        this.fusion = in.readBoolean() ? new FusionSpec(in) : null;
        this.filter = in.readOptionalNamedWriteable(QueryBuilder.class);
        this.vectors = QueryVectors.read(in);
        this.pendingVectors = List.of();
        this.likeVectors = in.readMap(StreamInput::readString, StreamInput::readFloatArray);
        this.pendingLike = null;
    }

    @Override
    protected void doWriteTo(StreamOutput out) throws IOException {
        if (pendingVectors.isEmpty() == false || pendingLike != null) {
            throw new IllegalStateException("the multimodal query must be rewritten (its text encoded) before it is sent");
        }
        out.writeOptionalString(queryText);
        out.writeOptionalString(queryImage);
        out.writeBoolean(queryVector != null);
        if (queryVector != null) {
            out.writeFloatArray(queryVector);
        }
        out.writeBoolean(like != null);
        if (like != null) {
            like.writeTo(out);
        }
        out.writeVInt(retrievers.size());
        for (Map.Entry<String, RetrieverSpec> retriever : retrievers.entrySet()) {
            out.writeString(retriever.getKey());
            RetrieverSpec.write(out, retriever.getValue());
        }
        out.writeBoolean(fusion != null);
        if (fusion != null) {
            fusion.writeTo(out);
        }
        out.writeOptionalNamedWriteable(filter);
        vectors.writeTo(out);
        out.writeMap(likeVectors, StreamOutput::writeString, StreamOutput::writeFloatArray);
    }

    public LikeDocument like() {
        return like;
    }

    public String queryText() {
        return queryText;
    }

    public float[] queryVector() {
        return queryVector;
    }

    public Map<String, RetrieverSpec> retrievers() {
        return retrievers;
    }

    public FusionSpec fusion() {
        return fusion;
    }

    public QueryBuilder filter() {
        return filter;
    }

    public String queryImage() {
        return queryImage;
    }

    /** The encoded query text of {@code model}, once the rewrite has encoded it. */
    public float[] textVector(String model) {
        return vectors.dense(DenseRetriever.TEXT_INPUT, model);
    }

    /** The query's token vectors from {@code model}, once the rewrite has encoded them. */
    public float[][] tokenVectors(String model) {
        return vectors.tokens().get(model);
    }

    @Override
    public String getWriteableName() {
        return NAME;
    }

    @Override
    protected void doXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject(NAME);
        if (queryText != null) {
            builder.field("query_text", queryText);
        }
        if (queryImage != null) {
            builder.field("query_image", queryImage);
        }
        if (queryVector != null) {
            builder.array("query_vector", queryVector);
        }
        if (like != null) {
            like.toXContent(builder);
        }
        builder.startObject("retrievers");
        for (Map.Entry<String, RetrieverSpec> retriever : retrievers.entrySet()) {
            builder.startObject(retriever.getKey());
            retriever.getValue().toXContent(builder);
            builder.endObject();
        }
        builder.endObject();
        if (fusion != null) {
            fusion.toXContent(builder);
        }
        if (filter != null) {
            builder.field("filter", filter);
        }
        printBoostAndQueryName(builder);
        builder.endObject();
    }

    public static MultimodalQueryBuilder fromXContent(XContentParser parser) throws IOException {
        String queryText = null;
        String queryImage = null;
        float[] queryVector = null;
        LikeDocument like = null;
        Map<String, RetrieverSpec> retrievers = new LinkedHashMap<>();
        FusionSpec fusion = null;
        QueryBuilder filter = null;
        float boost = DEFAULT_BOOST;
        String queryName = null;
        String key = null;
        for (XContentParser.Token token = parser.nextToken(); token != XContentParser.Token.END_OBJECT; token = parser.nextToken()) {
            if (token == XContentParser.Token.FIELD_NAME) {
                key = parser.currentName();
            } else if ("query_vector".equals(key) && token == XContentParser.Token.START_ARRAY) {
                queryVector = readQueryVector(parser);
            } else if ("retrievers".equals(key) && token == XContentParser.Token.START_OBJECT) {
                parseRetrievers(parser, retrievers);
            } else if ("filter".equals(key) && token == XContentParser.Token.START_OBJECT) {
                filter = parseInnerQueryBuilder(parser);
            } else if ("like".equals(key) && token == XContentParser.Token.START_OBJECT) {
                like = LikeDocument.parse(parser);
            } else if ("fusion".equals(key) && token == XContentParser.Token.START_OBJECT) {
                fusion = FusionSpec.parse(parser);
            } else if ("query_vector".equals(key)) {
                throw new ParsingException(parser.getTokenLocation(), "[query_vector] must be an array of numbers");
            } else if (token.isValue()) {
                switch (key) {
                    case "query_text" -> queryText = parser.text();
                    case "query_image" -> queryImage = parser.text();
                    case "boost" -> boost = parser.floatValue();
                    case "_name" -> queryName = parser.text();
                    default -> throw unknown(parser, key);
                }
            } else {
                throw unknown(parser, key);
            }
        }
        try {
            return new MultimodalQueryBuilder(queryText, queryImage, queryVector, like, retrievers, fusion, filter).boost(boost)
                .queryName(queryName);
        } catch (IllegalArgumentException e) {
            throw new ParsingException(parser.getTokenLocation(), e.getMessage(), e);
        }
    }

    private static float[] readQueryVector(XContentParser parser) throws IOException {
        float[] values = new float[16];
        int count = 0;
        for (XContentParser.Token token = parser.nextToken(); token != XContentParser.Token.END_ARRAY; token = parser.nextToken()) {
            if (token != XContentParser.Token.VALUE_NUMBER) {
                throw new ParsingException(parser.getTokenLocation(), "[query_vector] must be an array of numbers, found [" + token + "]");
            }
            if (count == values.length) {
                values = Arrays.copyOf(values, count * 2);
            }
            values[count++] = parser.floatValue();
        }
        if (count == 0) {
            throw new ParsingException(parser.getTokenLocation(), "[query_vector] must not be empty");
        }
        return Arrays.copyOf(values, count);
    }

    private static void parseRetrievers(XContentParser parser, Map<String, RetrieverSpec> retrievers) throws IOException {
        for (XContentParser.Token token = parser.nextToken(); token != XContentParser.Token.END_OBJECT; token = parser.nextToken()) {
            String name = parser.currentName();
            if (parser.nextToken() != XContentParser.Token.START_OBJECT) {
                throw new ParsingException(
                    parser.getTokenLocation(),
                    String.format(Locale.ROOT, "[retrievers.%s] must be an object", name)
                );
            }
            if (parser.nextToken() != XContentParser.Token.FIELD_NAME) {
                throw new ParsingException(
                    parser.getTokenLocation(),
                    String.format(Locale.ROOT, "[retrievers.%s] must name its type, e.g. {\"dense\": {...}}", name)
                );
            }
            String type = parser.currentName();
            if (DenseRetriever.TYPE.equals(type) == false && LexicalRetriever.TYPE.equals(type) == false
                && MultiVectorRetriever.TYPE.equals(type) == false) {
                throw new ParsingException(
                    parser.getTokenLocation(),
                    String.format(
                        Locale.ROOT,
                        "[retrievers.%s] unknown retriever type [%s], expected one of [dense, lexical, multi_vector]",
                        name,
                        type
                    )
                );
            }
            if (parser.nextToken() != XContentParser.Token.START_OBJECT) {
                throw new ParsingException(
                    parser.getTokenLocation(),
                    String.format(Locale.ROOT, "[retrievers.%s.%s] must be an object", name, type)
                );
            }
            RetrieverSpec retriever = switch (type) {
                case DenseRetriever.TYPE -> DenseRetriever.parse(parser, name);
                case LexicalRetriever.TYPE -> LexicalRetriever.parse(parser, name);
                default -> MultiVectorRetriever.parse(parser, name);
            };
            if (parser.nextToken() != XContentParser.Token.END_OBJECT) {
                throw new ParsingException(
                    parser.getTokenLocation(),
                    String.format(Locale.ROOT, "[retrievers.%s] must have exactly one type", name)
                );
            }
            if (retrievers.put(name, retriever) != null) {
                throw new ParsingException(
                    parser.getTokenLocation(),
                    String.format(Locale.ROOT, "[retrievers] duplicate retriever name [%s]", name)
                );
            }
        }
    }

    private static ParsingException unknown(XContentParser parser, String key) {
        return new ParsingException(parser.getTokenLocation(), String.format(Locale.ROOT, "[%s] unknown parameter [%s]", NAME, key));
    }

    @Override
    protected QueryBuilder doRewrite(QueryRewriteContext context) throws IOException {
        if (filter != null) {
            QueryBuilder rewrittenFilter = filter.rewrite(context);
            if (rewrittenFilter != filter) {
                return copy(rewrittenFilter, retrievers, vectors, pendingVectors, likeVectors, pendingLike);
            }
        }
        Map<String, RetrieverSpec> rewrittenRetrievers = new LinkedHashMap<>();
        boolean changed = false;
        for (Map.Entry<String, RetrieverSpec> retriever : retrievers.entrySet()) {
            RetrieverSpec spec = retriever.getValue();
            if (spec instanceof LexicalRetriever lexical) {
                QueryBuilder rewritten = lexical.query().rewrite(context);
                if (rewritten != lexical.query()) {
                    spec = new LexicalRetriever(rewritten, lexical.k());
                    changed = true;
                }
            }
            rewrittenRetrievers.put(retriever.getKey(), spec);
        }
        if (changed) {
            return copy(filter, rewrittenRetrievers, vectors, pendingVectors, likeVectors, pendingLike);
        }
        if (pendingVectors.isEmpty() == false) {
            QueryVectors encoded = vectors;
            for (SetOnce<QueryVectors> pending : pendingVectors) {
                if (pending.get() == null) {
                    return this;
                }
                encoded = encoded.with(pending.get());
            }
            return copy(filter, retrievers, encoded, List.of(), likeVectors, null);
        }
        if (pendingLike != null) {
            Map<String, float[]> fetched = pendingLike.get();
            return fetched == null ? this : copy(filter, retrievers, vectors, List.of(), fetched, null);
        }
        if (like != null && likeVectors.isEmpty()) {
            // the liked document's vectors are read once, on the coordinating node, like query text is encoded
            SetOnce<Map<String, float[]>> fetching = new SetOnce<>();
            List<String> fields = denseRetrievers().values().stream().map(DenseRetriever::field).distinct().toList();
            context.registerAsyncAction(
                (client, listener) -> LikeVectors.fetch(client, like, fields, ActionListenerAdapters.setting(fetching, listener))
            );
            return copy(filter, retrievers, vectors, List.of(), likeVectors, fetching);
        }
        List<SetOnce<QueryVectors>> encoding = registerEncodings(context);
        return encoding.isEmpty() ? this : copy(filter, retrievers, vectors, encoding, likeVectors, null);
    }

    /** Starts every encoding the retrievers need that is not done yet: per model, text (pooled and/or tokens) and image. */
    private List<SetOnce<QueryVectors>> registerEncodings(QueryRewriteContext context) {
        if (queryVector != null || like != null) {
            return List.of();
        }
        Map<String, boolean[]> textModels = new TreeMap<>(); // model -> {pooled vector, token vectors}
        Map<String, String> imageModels = new TreeMap<>();
        for (Map.Entry<String, RetrieverSpec> named : retrievers.entrySet()) {
            String parameter = "retrievers." + named.getKey() + "." + named.getValue().type();
            if (named.getValue() instanceof DenseRetriever dense) {
                String input = dense.inputFor(queryText != null);
                if (vectors.hasDense(input, dense.model())) {
                    continue;
                }
                ModelManifest manifest = QueryEncoder.requireModel(dense.model(), parameter + ".model");
                if (DenseRetriever.IMAGE_INPUT.equals(input)) {
                    requireKind(manifest.kind().hasImage(), parameter, dense.model(), "images");
                    imageModels.put(dense.model(), parameter);
                } else {
                    requireKind(manifest.kind().hasText(), parameter, dense.model(), "text");
                    textModels.computeIfAbsent(dense.model(), m -> new boolean[2])[0] = true;
                }
            } else if (named.getValue() instanceof MultiVectorRetriever multi && vectors.tokens().containsKey(multi.model()) == false) {
                ModelManifest manifest = QueryEncoder.requireModel(multi.model(), parameter + ".model");
                requireKind(manifest.kind().hasText(), parameter, multi.model(), "text");
                textModels.computeIfAbsent(multi.model(), m -> new boolean[2])[1] = true;
            }
        }
        List<SetOnce<QueryVectors>> pending = new ArrayList<>();
        for (Map.Entry<String, boolean[]> model : textModels.entrySet()) {
            SetOnce<QueryVectors> result = new SetOnce<>();
            pending.add(result);
            boolean dense = model.getValue()[0];
            boolean tokens = model.getValue()[1];
            context.registerAsyncAction(
                (client, listener) -> QueryEncoder
                    .encodeText(model.getKey(), queryText, dense, tokens, ActionListenerAdapters.setting(result, listener))
            );
        }
        for (String model : imageModels.keySet()) {
            SetOnce<QueryVectors> result = new SetOnce<>();
            pending.add(result);
            context.registerAsyncAction(
                (client, listener) -> QueryEncoder.encodeImage(model, queryImage, ActionListenerAdapters.setting(result, listener))
            );
        }
        return pending;
    }

    private static void requireKind(boolean supported, String parameter, String model, String what) {
        if (supported == false) {
            throw new IllegalArgumentException(
                String.format(Locale.ROOT, "[%s.model] model [%s] does not encode %s", parameter, model, what)
            );
        }
    }

    private MultimodalQueryBuilder copy(
        QueryBuilder newFilter,
        Map<String, RetrieverSpec> newRetrievers,
        QueryVectors encoded,
        List<SetOnce<QueryVectors>> pending,
        Map<String, float[]> liked,
        SetOnce<Map<String, float[]>> likePending
    ) {
        return new MultimodalQueryBuilder(
            queryText,
            queryImage,
            queryVector,
            like,
            newRetrievers,
            fusion,
            newFilter,
            encoded,
            pending,
            liked,
            likePending
        )
            .boost(boost)
            .queryName(queryName);
    }

    private Map<String, DenseRetriever> denseRetrievers() {
        Map<String, DenseRetriever> dense = new LinkedHashMap<>();
        for (Map.Entry<String, RetrieverSpec> retriever : retrievers.entrySet()) {
            if (retriever.getValue() instanceof DenseRetriever d) {
                dense.put(retriever.getKey(), d);
            }
        }
        return dense;
    }

    @Override
    protected Query doToQuery(QueryShardContext context) throws IOException {
        Query filterQuery = filter == null ? null : filter.toQuery(context);
        if (like != null && like.index().equals(context.index().getName())) {
            // "more like this": the liked document is not one of its own hits
            BooleanQuery.Builder withoutLiked = new BooleanQuery.Builder();
            withoutLiked.add(filterQuery == null ? new MatchAllDocsQuery() : filterQuery, BooleanClause.Occur.FILTER);
            withoutLiked.add(context.fieldMapper(IdFieldMapper.NAME).termQuery(like.id(), context), BooleanClause.Occur.MUST_NOT);
            filterQuery = withoutLiked.build();
        }
        if (retrievers.size() == 1 && fusion == null && retrievers.values().iterator().next() instanceof DenseRetriever) {
            Map.Entry<String, RetrieverSpec> named = retrievers.entrySet().iterator().next();
            return denseRetriever(named.getKey(), (DenseRetriever) named.getValue(), context, filterQuery).knnQuery();
        }
        List<PoolRetriever> pool = new ArrayList<>();
        for (Map.Entry<String, RetrieverSpec> named : retrievers.entrySet()) {
            if (named.getValue() instanceof DenseRetriever dense) {
                pool.add(denseRetriever(named.getKey(), dense, context, filterQuery));
            } else if (named.getValue() instanceof MultiVectorRetriever multi) {
                pool.add(multiVectorRetriever(named.getKey(), multi, context));
            } else {
                LexicalRetriever lexical = (LexicalRetriever) named.getValue();
                BooleanQuery.Builder query = new BooleanQuery.Builder().add(lexical.query().toQuery(context), BooleanClause.Occur.MUST);
                if (filterQuery != null) {
                    query.add(filterQuery, BooleanClause.Occur.FILTER);
                }
                pool.add(new PoolRetriever.Lexical(named.getKey(), query.build(), lexical.k()));
            }
        }
        FusionSpec fusionSpec = fusion == null ? FusionSpec.defaultRrf() : fusion;
        if (fusionSpec.gqr() != null) {
            for (PoolRetriever retriever : pool) {
                if (retriever.name().equals(fusionSpec.gqr().primary()) && retriever instanceof PoolRetriever.Dense dense
                    && dense.similarity() == VectorSimilarityFunction.EUCLIDEAN) {
                    throw new IllegalArgumentException(
                        String.format(
                            Locale.ROOT,
                            "[fusion.gqr.primary] retriever [%s] searches [%s] by l2_norm; "
                                + "GQR refines inner-product scores (cosine or dot_product fields)",
                            dense.name(),
                            dense.field()
                        )
                    );
                }
            }
        }
        return new HybridRetrievalQuery(pool, fusionSpec.function(retrievers));
    }

    /** A multi_vector retriever on its field: checks the field and the query token vectors' dims. */
    private PoolRetriever.MultiVector multiVectorRetriever(String name, MultiVectorRetriever retriever, QueryShardContext context) {
        String parameter = "retrievers." + name + ".multi_vector";
        MultiVectorFieldType field = ShardFields
            .require(context, parameter + ".field", retriever.field(), MultiVectorFieldType.class, "multi_vector");
        float[][] tokens = ShardFields
            .requireTokens(vectors.tokens().get(retriever.model()), field.dims(), parameter, retriever.model(), retriever.field());
        return new PoolRetriever.MultiVector(name, retriever.field(), tokens, TokenMemory.ofNode());
    }

    /** A dense retriever on its field: checks the field and the vector, and builds its KNN query with the filter inside. */
    private PoolRetriever.Dense denseRetriever(String name, DenseRetriever retriever, QueryShardContext context, Query filterQuery) {
        String parameter = "retrievers." + name + ".dense";
        DenseVectorFieldType vectorField = ShardFields
            .require(context, parameter + ".field", retriever.field(), DenseVectorFieldType.class, "dense_vector");
        if (vectorField.isSearchable() == false) {
            throw new IllegalArgumentException(
                String.format(Locale.ROOT, "[%s.field] field [%s] is not indexed (\"index\": false)", parameter, retriever.field())
            );
        }
        float[] vector = queryVectorFor(retriever, parameter, vectorField);
        KnnFloatVectorQuery knn = new KnnFloatVectorQuery(retriever.field(), vector, retriever.k(), filterQuery);
        return new PoolRetriever.Dense(name, retriever.field(), vector, vectorField.similarity().luceneFunction(), knn, retriever.k());
    }

    private float[] queryVectorFor(DenseRetriever retriever, String parameter, DenseVectorFieldType field) {
        float[] vector;
        String source;
        if (queryVector != null) {
            vector = queryVector;
            source = "[query_vector] has";
        } else if (like != null) {
            vector = likeVectors.get(retriever.field());
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
            vector = vectors.dense(retriever.inputFor(queryText != null), retriever.model());
            if (vector == null) {
                throw new IllegalStateException(
                    String.format(
                        Locale.ROOT,
                        "[%s.model] the query was not encoded with model [%s] before reaching the shard",
                        parameter,
                        retriever.model()
                    )
                );
            }
            source = String.format(Locale.ROOT, "[%s.model] model [%s] produces", parameter, retriever.model());
        }
        if (vector.length != field.dims()) {
            throw new IllegalArgumentException(
                String.format(Locale.ROOT, "%s %d dims but field [%s] has %d", source, vector.length, field.name(), field.dims())
            );
        }
        if (field.similarity().normalizes()) {
            vector = VectorMath.l2NormalizeInPlace(vector.clone());
        }
        return vector;
    }

    @Override
    protected boolean doEquals(MultimodalQueryBuilder other) {
        return Objects.equals(queryText, other.queryText)
            && Objects.equals(queryImage, other.queryImage)
            && Arrays.equals(queryVector, other.queryVector)
            && Objects.equals(like, other.like)
            && vectorsEqual(likeVectors, other.likeVectors)
            && retrievers.equals(other.retrievers)
            && Objects.equals(fusion, other.fusion)
            && Objects.equals(filter, other.filter)
            && vectors.equals(other.vectors)
            && pendingVectors.size() == other.pendingVectors.size();
    }

    private static boolean vectorsEqual(Map<String, float[]> a, Map<String, float[]> b) {
        if (a.keySet().equals(b.keySet()) == false) {
            return false;
        }
        for (Map.Entry<String, float[]> entry : a.entrySet()) {
            if (Arrays.equals(entry.getValue(), b.get(entry.getKey())) == false) {
                return false;
            }
        }
        return true;
    }

    @Override
    protected int doHashCode() {
        return Objects.hash(queryText, queryImage, Arrays.hashCode(queryVector), like, retrievers, fusion, filter, vectors);
    }
}
