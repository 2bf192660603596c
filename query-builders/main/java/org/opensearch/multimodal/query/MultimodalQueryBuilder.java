package org.opensearch.multimodal.query;

import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.util.SetOnce;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.common.io.stream.NamedWriteableAwareStreamInput;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.index.mapper.IdFieldMapper;
import org.opensearch.index.query.AbstractQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryCoordinatorContext;
import org.opensearch.index.query.QueryParser;
import org.opensearch.index.query.QueryRewriteContext;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.multimodal.mapper.DenseVectorFieldMapper.DenseVectorFieldType;
import org.opensearch.multimodal.math.ScoreNormalization;
import org.opensearch.multimodal.services.MultimodalServices;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The {@code multimodal} query: named retrievers over one query (text, image, vector or a liked document), a filter
 * applied inside each retriever's search, and a fusion.
 * <pre>{"multimodal": {"query_text": "...",
 *   "retrievers": {"text": {"dense": {"field": "body_vec", "model": "bge-small-en-v1.5", "k": 10}}}, "filter": {...}}}</pre>
 * It only coordinates; each retriever kind ({@link RetrieverSpec}) owns what is particular to it. On the coordinating
 * node the rewrite encodes what the retrievers ask for, once per model, asynchronously, so shards receive vectors; on a
 * shard one retriever alone without fusion is its own query, several are a {@link HybridRetrievalQuery} (one pool,
 * exact scores from every retriever, then the fusion, {@link FusionSpec}).
 * <p>
 * The node's services reach it through the parser and stream reader the plugin registers. A query built in Java (no
 * services yet) is bound to the node that rewrites it by a copy through that node's registry.
 */
public final class MultimodalQueryBuilder extends AbstractQueryBuilder<MultimodalQueryBuilder> {

    public static final String NAME = "multimodal";
    /** How many candidates each retriever that states no {@code k} proposes per shard, unless the query says. */
    public static final int DEFAULT_K = 100;

    private final QueryInputs inputs;
    private final Map<String, RetrieverSpec> retrievers;
    /** How several retrievers' scores are combined; null with a single retriever that needs no fusion. */
    private final FusionSpec fusion;
    private final QueryBuilder filter;
    /** The query text's and image's vectors, filled by the coordinating node's rewrite. */
    private final QueryVectors vectors;
    /** What a rewrite on the coordinating node waits for; never serialized. */
    private final Awaiting awaiting;
    /** The liked document's vectors by retriever field, filled by the coordinating node's rewrite. */
    private final Map<String, float[]> likeVectors;
    /** The node's services; null for a query built in Java until a node rewrites it. Never serialized. */
    private final Supplier<MultimodalServices> services;
    /** The first round of a fused search: shards gather their pools for the coordinating node instead of fusing. */
    private final boolean gathering;
    /** The whole index's fused ranking, once the coordinating node has it (the second round); null before. */
    private final FusedPool fused;

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
        this(
            new QueryInputs(queryText, queryImage, queryVector, like),
            retrievers,
            fusion,
            filter,
            QueryVectors.EMPTY,
            Map.of(),
            Awaiting.NOTHING,
            null
        );
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
        QueryInputs inputs,
        Map<String, ? extends RetrieverSpec> retrievers,
        FusionSpec fusion,
        QueryBuilder filter,
        QueryVectors vectors,
        Map<String, float[]> likeVectors,
        Awaiting awaiting,
        Supplier<MultimodalServices> services
    ) {
        this(inputs, retrievers, fusion, filter, vectors, likeVectors, awaiting, services, false, null);
    }

    private MultimodalQueryBuilder(
        QueryInputs inputs,
        Map<String, ? extends RetrieverSpec> retrievers,
        FusionSpec fusion,
        QueryBuilder filter,
        QueryVectors vectors,
        Map<String, float[]> likeVectors,
        Awaiting awaiting,
        Supplier<MultimodalServices> services,
        boolean gathering,
        FusedPool fused
    ) {
        retrievers = withQueryK(retrievers, DEFAULT_K);
        check(inputs, retrievers);
        if (fusion != null) {
            fusion.checkRetrievers(retrievers);
        }
        this.inputs = inputs;
        this.retrievers = new LinkedHashMap<>(retrievers);
        this.fusion = fusion;
        this.filter = filter;
        this.vectors = vectors;
        this.awaiting = awaiting;
        this.likeVectors = likeVectors;
        this.services = services;
        this.gathering = gathering;
        this.fused = fused;
    }

    /** Every retriever that states no {@code k} of its own proposes {@code queryK}. */
    private static Map<String, RetrieverSpec> withQueryK(Map<String, ? extends RetrieverSpec> retrievers, int queryK) {
        if (retrievers == null) {
            return null;
        }
        Map<String, RetrieverSpec> resolved = new LinkedHashMap<>();
        retrievers.forEach((name, retriever) -> {
            try {
                resolved.put(name, retriever.withQueryK(queryK));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "[retrievers.%s.%s] %s", name, retriever.type(), e.getMessage()),
                    e
                );
            }
        });
        return resolved;
    }

    /** The query's own checks, then each retriever's of what it needs from the inputs. */
    private static void check(QueryInputs inputs, Map<String, ? extends RetrieverSpec> retrievers) {
        if (retrievers == null || retrievers.isEmpty()) {
            throw new IllegalArgumentException("[retrievers] must name at least one retriever");
        }
        inputs.check();
        for (Map.Entry<String, ? extends RetrieverSpec> named : retrievers.entrySet()) {
            named.getValue().checkInputs(named.getKey(), inputs);
        }
    }

    /** The parser the plugin registers: retrievers of {@code kinds}, and the node's {@code services}. */
    public static QueryParser<MultimodalQueryBuilder> parser(RetrieverKinds kinds, Supplier<MultimodalServices> services) {
        return parser -> MultimodalQueryParser.parse(parser, kinds, services);
    }

    /** The stream reader the plugin registers, with the same kinds and services as {@link #parser}. */
    public static Writeable.Reader<MultimodalQueryBuilder> reader(RetrieverKinds kinds, Supplier<MultimodalServices> services) {
        return in -> new MultimodalQueryBuilder(in, kinds, services);
    }

    private MultimodalQueryBuilder(StreamInput in, RetrieverKinds kinds, Supplier<MultimodalServices> services) throws IOException {
        super(in);
        String queryText = in.readOptionalString();
        String queryImage = in.readOptionalString();
        float[] queryVector = in.readBoolean() ? in.readFloatArray() : null;
        LikeDocument like = in.readBoolean() ? new LikeDocument(in) : null;
        this.inputs = new QueryInputs(queryText, queryImage, queryVector, like);
        int retrieverCount = in.readVInt();
        this.retrievers = new LinkedHashMap<>();
        for (int i = 0; i < retrieverCount; i++) {
            this.retrievers.put(in.readString(), kinds.read(in));
        }
        this.fusion = in.readBoolean() ? new FusionSpec(in) : null;
        this.filter = in.readOptionalNamedWriteable(QueryBuilder.class);
        this.vectors = QueryVectors.read(in);
        this.awaiting = Awaiting.NOTHING;
        this.likeVectors = in.readMap(StreamInput::readString, StreamInput::readFloatArray);
        this.services = services;
        this.gathering = in.readBoolean();
        this.fused = in.readOptionalWriteable(FusedPool::new);
    }

    @Override
    protected void doWriteTo(StreamOutput out) throws IOException {
        if (awaiting != Awaiting.NOTHING) {
            throw new IllegalStateException("the multimodal query must be rewritten (its text encoded) before it is sent");
        }
        out.writeOptionalString(inputs.text());
        out.writeOptionalString(inputs.image());
        out.writeBoolean(inputs.vector() != null);
        if (inputs.vector() != null) {
            out.writeFloatArray(inputs.vector());
        }
        out.writeBoolean(inputs.like() != null);
        if (inputs.like() != null) {
            inputs.like().writeTo(out);
        }
        out.writeVInt(retrievers.size());
        for (Map.Entry<String, RetrieverSpec> retriever : retrievers.entrySet()) {
            out.writeString(retriever.getKey());
            RetrieverKinds.write(out, retriever.getValue());
        }
        out.writeBoolean(fusion != null);
        if (fusion != null) {
            fusion.writeTo(out);
        }
        out.writeOptionalNamedWriteable(filter);
        vectors.writeTo(out);
        out.writeMap(likeVectors, StreamOutput::writeString, StreamOutput::writeFloatArray);
        out.writeBoolean(gathering);
        out.writeOptionalWriteable(fused);
    }

    public LikeDocument like() {
        return inputs.like();
    }

    public String queryText() {
        return inputs.text();
    }

    public float[] queryVector() {
        return inputs.vector();
    }

    public String queryImage() {
        return inputs.image();
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

    @Override
    public String getWriteableName() {
        return NAME;
    }

    @Override
    protected void doXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject(NAME);
        if (inputs.text() != null) {
            builder.field("query_text", inputs.text());
        }
        if (inputs.image() != null) {
            builder.field("query_image", inputs.image());
        }
        if (inputs.vector() != null) {
            builder.array("query_vector", inputs.vector());
        }
        if (inputs.like() != null) {
            inputs.like().toXContent(builder);
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

    /** A query as parsed from a request body: nothing encoded or fetched yet; {@code queryK} for retrievers without a k. */
    static MultimodalQueryBuilder parsed(
        QueryInputs inputs,
        Map<String, RetrieverSpec> retrievers,
        int queryK,
        FusionSpec fusion,
        QueryBuilder filter,
        Supplier<MultimodalServices> services
    ) {
        return new MultimodalQueryBuilder(
            inputs,
            withQueryK(retrievers, queryK),
            fusion,
            filter,
            QueryVectors.EMPTY,
            Map.of(),
            Awaiting.NOTHING,
            services
        );
    }

    @Override
    protected QueryBuilder doRewrite(QueryRewriteContext context) throws IOException {
        if (services == null) {
            return boundTo(context);
        }
        if (filter != null) {
            QueryBuilder rewrittenFilter = filter.rewrite(context);
            if (rewrittenFilter != filter) {
                return copy(rewrittenFilter, retrievers, vectors, likeVectors, awaiting);
            }
        }
        Map<String, RetrieverSpec> rewrittenRetrievers = new LinkedHashMap<>();
        boolean changed = false;
        for (Map.Entry<String, RetrieverSpec> retriever : retrievers.entrySet()) {
            RetrieverSpec rewritten = retriever.getValue().rewrite(context);
            changed |= rewritten != retriever.getValue();
            rewrittenRetrievers.put(retriever.getKey(), rewritten);
        }
        if (changed) {
            return copy(filter, rewrittenRetrievers, vectors, likeVectors, awaiting);
        }
        if (awaiting != Awaiting.NOTHING) {
            return awaiting.done() ? awaiting.apply(this) : this;
        }
        if (inputs.like() != null && likeVectors.isEmpty()) {
            // the liked document's vectors are read once, on the coordinating node, as query text is encoded
            SetOnce<Map<String, float[]>> fetching = new SetOnce<>();
            List<String> fields = retrievers.values().stream().flatMap(r -> r.likeField().stream()).distinct().toList();
            context.registerAsyncAction(
                (client, listener) -> LikeVectors.fetch(client, inputs.like(), fields, ActionListenerAdapters.setting(fetching, listener))
            );
            return copy(filter, retrievers, vectors, likeVectors, Awaiting.like(fetching));
        }
        Map<String, String> unnamed = new LinkedHashMap<>(); // retriever -> the field whose mapping must name its model
        for (Map.Entry<String, RetrieverSpec> named : retrievers.entrySet()) {
            named.getValue().fieldNamingItsModel(inputs).ifPresent(field -> unnamed.put(named.getKey(), field));
        }
        if (unnamed.isEmpty() == false) {
            String[] indices = MappedModels.searchedIndices(context);
            if (indices == null) {
                throw new IllegalArgumentException(
                    String.format(
                        Locale.ROOT,
                        "[retrievers.%s.model] is required here: this request does not read mappings",
                        unnamed.keySet().iterator().next()
                    )
                );
            }
            SetOnce<Map<String, Set<String>>> fetched = new SetOnce<>();
            context.registerAsyncAction(
                (client, listener) -> MappedModels
                    .fetch(client, indices, unnamed.values(), ActionListenerAdapters.setting(fetched, listener))
            );
            return copy(filter, retrievers, vectors, likeVectors, Awaiting.models(unnamed, fetched));
        }
        EncodingPlan plan = new EncodingPlan(new QueryEncoder(services.get()));
        for (Map.Entry<String, RetrieverSpec> named : retrievers.entrySet()) {
            named.getValue().planEncodings(named.getKey(), inputs, vectors, plan);
        }
        List<SetOnce<QueryVectors>> encoding = plan.start(context, inputs);
        if (encoding.isEmpty() == false) {
            return copy(filter, retrievers, vectors, likeVectors, Awaiting.encodings(encoding));
        }
        return fuseOnCoordinator(context);
    }

    /**
     * With several retrievers or a fusion, in a search's coordinating rewrite: the two rounds of docs/search.md. The
     * shards gather their pools (every retriever's exact scores), this node fuses the whole index's pool, and the
     * query the shards then run is that ranking. Elsewhere (no search request: {@code _explain/{id}}, {@code _validate},
     * a percolator) and for GQR's {@code search_again}, each shard fuses its own pool.
     */
    private QueryBuilder fuseOnCoordinator(QueryRewriteContext context) {
        if (gathering || fused != null || (fusion == null && retrievers.size() == 1)) {
            return this;
        }
        if (fusion != null && fusion.fusesOnCoordinator() == false) {
            return this;
        }
        QueryCoordinatorContext coordinator = context.convertToCoordinatorContext();
        if (coordinator == null || coordinator.getSearchRequest() instanceof SearchRequest == false) {
            return this;
        }
        SearchRequest outer = (SearchRequest) coordinator.getSearchRequest();
        boolean explain = outer.source() != null && Boolean.TRUE.equals(outer.source().explain());
        MultimodalQueryBuilder gatheringQuery = new MultimodalQueryBuilder(
            inputs,
            retrievers,
            fusion,
            filter,
            vectors,
            likeVectors,
            Awaiting.NOTHING,
            services,
            true,
            null
        );
        FusionSpec fusionSpec = effectiveFusion();
        SetOnce<FusedPool> ranking = new SetOnce<>();
        MultimodalServices node = services.get();
        context.registerAsyncAction((client, listener) -> {
            long start = System.nanoTime();
            SearchDeadline deadline = SearchDeadline
                .onCoordinator(
                    SearchTaskFilter.searchTask(client.threadPool().getThreadContext()),
                    outer,
                    node.limits().defaultSearchTimeout()
                );
            PoolGathering
                .run(client, outer, gatheringQuery, ActionListener.map(ActionListenerAdapters.setting(ranking, listener), round -> {
                    FusedPool pool = round.pool() == null
                        ? new FusedPool(fusionSpec.method(), List.of())
                        : CoordinatorFusion.fuse(round.pool(), fusionSpec, retrievers, node, explain, deadline);
                    node.stats().coordinated(fusionSpec.method(), round.shards(), System.nanoTime() - start);
                    if (deadline.expired()) {
                        deadline.markTimedOut();
                    }
                    return pool.after(round.failures(), round.timedOut() || deadline.expired());
                }));
        });
        return copy(filter, retrievers, vectors, likeVectors, Awaiting.fusion(ranking));
    }

    /** The fusion the query asks for, or its default: RRF for several retrievers, one retriever's own scores alone. */
    private FusionSpec effectiveFusion() {
        if (fusion != null) {
            return fusion;
        }
        return retrievers.size() == 1
            ? new FusionSpec(FusionSpec.LINEAR, FusionSpec.DEFAULT_RANK_CONSTANT, ScoreNormalization.NONE, Map.of())
            // one retriever alone keeps its own scores, which compare across shards (per-shard ranks would tie)
            : FusionSpec.defaultRrf();
    }

    /**
     * What a coordinating rewrite waits for, one thing at a time: the query's encodings, the liked document's vectors,
     * or the models the mappings name for retrievers that name none ({@code unnamed}: retriever to field).
     */
    private record Awaiting(
        List<SetOnce<QueryVectors>> encodings,
        SetOnce<Map<String, float[]>> likeVectors,
        Map<String, String> unnamed,
        SetOnce<Map<String, Set<String>>> mappedModels,
        SetOnce<FusedPool> fused
    ) {
        static final Awaiting NOTHING = new Awaiting(List.of(), null, Map.of(), null, null);

        static Awaiting encodings(List<SetOnce<QueryVectors>> encodings) {
            return new Awaiting(encodings, null, Map.of(), null, null);
        }

        static Awaiting like(SetOnce<Map<String, float[]>> vectors) {
            return new Awaiting(List.of(), vectors, Map.of(), null, null);
        }

        static Awaiting models(Map<String, String> unnamed, SetOnce<Map<String, Set<String>>> models) {
            return new Awaiting(List.of(), null, unnamed, models, null);
        }

        static Awaiting fusion(SetOnce<FusedPool> ranking) {
            return new Awaiting(List.of(), null, Map.of(), null, ranking);
        }

        boolean done() {
            return encodings.stream().allMatch(e -> e.get() != null)
                && (likeVectors == null || likeVectors.get() != null)
                && (mappedModels == null || mappedModels.get() != null)
                && (fused == null || fused.get() != null);
        }

        /** The query with what arrived. */
        MultimodalQueryBuilder apply(MultimodalQueryBuilder query) {
            QueryVectors encoded = query.vectors;
            for (SetOnce<QueryVectors> encoding : encodings) {
                encoded = encoded.with(encoding.get());
            }
            Map<String, float[]> liked = likeVectors == null ? query.likeVectors : likeVectors.get();
            Map<String, RetrieverSpec> completed = new LinkedHashMap<>(query.retrievers);
            for (Map.Entry<String, String> retriever : unnamed.entrySet()) {
                RetrieverSpec spec = completed.get(retriever.getKey());
                String parameter = "retrievers." + retriever.getKey() + "." + spec.type();
                String field = retriever.getValue();
                completed.put(retriever.getKey(), spec.withModel(MappedModels.resolve(parameter, field, mappedModels.get().get(field))));
            }
            if (fused != null) {
                return new MultimodalQueryBuilder(
                    query.inputs,
                    query.retrievers,
                    query.fusion,
                    query.filter,
                    query.vectors,
                    query.likeVectors,
                    NOTHING,
                    query.services,
                    false,
                    fused.get()
                ).boost(query.boost).queryName(query.queryName);
            }
            return query.copy(query.filter, completed, encoded, liked, NOTHING);
        }
    }

    /** A query built in Java, copied through the node's registry: the copy comes from the node's reader, with its services. */
    private QueryBuilder boundTo(QueryRewriteContext context) throws IOException {
        try (BytesStreamOutput out = new BytesStreamOutput()) {
            out.writeNamedWriteable(this);
            try (StreamInput in = new NamedWriteableAwareStreamInput(out.bytes().streamInput(), context.getWriteableRegistry())) {
                return in.readNamedWriteable(QueryBuilder.class);
            }
        }
    }

    private MultimodalQueryBuilder copy(
        QueryBuilder newFilter,
        Map<String, RetrieverSpec> newRetrievers,
        QueryVectors encoded,
        Map<String, float[]> liked,
        Awaiting waitingFor
    ) {
        return new MultimodalQueryBuilder(
            inputs,
            newRetrievers,
            fusion,
            newFilter,
            encoded,
            liked,
            waitingFor,
            services,
            gathering,
            fused
        ).boost(boost).queryName(queryName);
    }

    @Override
    protected Query doToQuery(QueryShardContext context) throws IOException {
        if (services == null) {
            throw new IllegalStateException("the multimodal query reached a shard without being rewritten by a node");
        }
        if (fused != null) {
            PoolGathering.ShardFailure failure = fused.failure(context.index().getName(), context.getShardId());
            if (failure != null) {
                throw new OpenSearchStatusException(
                    "this shard could not gather its pool in the fused search's first round: " + failure.reason(),
                    failure.status()
                );
            }
            ShardInputs shard = new ShardInputs(context, null, inputs, vectors, likeVectors, services.get());
            return new FusedPoolQuery(fused, context.index().getName(), services.get().searches(), passageQueries(shard));
        }
        MultimodalServices node = services.get();
        Query filterQuery = filter == null ? null : filter.toQuery(context);
        if (inputs.like() != null && inputs.like().index().equals(context.index().getName())) {
            // "more like this": the liked document is not one of its own hits
            BooleanQuery.Builder withoutLiked = new BooleanQuery.Builder();
            withoutLiked.add(filterQuery == null ? new MatchAllDocsQuery() : filterQuery, BooleanClause.Occur.FILTER);
            withoutLiked.add(context.fieldMapper(IdFieldMapper.NAME).termQuery(inputs.like().id(), context), BooleanClause.Occur.MUST_NOT);
            filterQuery = withoutLiked.build();
        }
        ShardInputs shard = new ShardInputs(context, filterQuery, inputs, vectors, likeVectors, node);
        List<PoolRetriever> pool = new ArrayList<>();
        for (Map.Entry<String, RetrieverSpec> named : retrievers.entrySet()) {
            pool.add(named.getValue().onShard(named.getKey(), shard));
        }
        if (pool.stream().noneMatch(PoolRetriever::proposes)) {
            throw new IllegalArgumentException(
                "[retrievers] nothing proposes candidates: a multi_vector field without an index of its own (\"index\": true in its "
                    + "mapping) only scores them; add a dense or lexical retriever"
            );
        }
        if (pool.size() == 1 && fusion == null && pool.get(0).standalone() != null) {
            return pool.get(0).standalone();
        }
        FusionSpec fusionSpec = effectiveFusion();
        return new HybridRetrievalQuery(pool, fusionSpec.onShard(retrievers, pool, node.stats()), node.stats(), gathering, node.searches());
    }

    /** The query vector of each dense retriever on a chunked field, by field: what the best-passage highlighter compares. */
    private Map<String, float[]> passageQueries(ShardInputs shard) {
        Map<String, float[]> queries = new LinkedHashMap<>();
        for (Map.Entry<String, RetrieverSpec> named : retrievers.entrySet()) {
            if (named.getValue() instanceof DenseRetriever dense
                && shard.context().fieldMapper(dense.field()) instanceof DenseVectorFieldType vectorField
                && vectorField.chunked()) {
                queries.putIfAbsent(dense.field(), ((BestPassageRetriever) dense.onShard(named.getKey(), shard)).queryVector());
            }
        }
        return queries;
    }

    @Override
    protected boolean doEquals(MultimodalQueryBuilder other) {
        return Objects.equals(inputs.text(), other.inputs.text())
            && Objects.equals(inputs.image(), other.inputs.image())
            && Arrays.equals(inputs.vector(), other.inputs.vector())
            && Objects.equals(inputs.like(), other.inputs.like())
            && vectorsEqual(likeVectors, other.likeVectors)
            && retrievers.equals(other.retrievers)
            && Objects.equals(fusion, other.fusion)
            && Objects.equals(filter, other.filter)
            && vectors.equals(other.vectors)
            && gathering == other.gathering
            && Objects.equals(fused, other.fused)
            && (awaiting == Awaiting.NOTHING) == (other.awaiting == Awaiting.NOTHING);
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
        return Objects
            .hash(inputs.text(), inputs.image(), Arrays.hashCode(inputs.vector()), inputs.like(), retrievers, fusion, filter, vectors);
    }
}
