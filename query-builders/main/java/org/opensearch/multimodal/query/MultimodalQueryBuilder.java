package org.opensearch.multimodal.query;

import org.apache.lucene.search.Query;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.index.query.AbstractQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryParser;
import org.opensearch.index.query.QueryRewriteContext;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.multimodal.math.ScoreNormalization;
import org.opensearch.multimodal.query.common.NodeBinding;
import org.opensearch.multimodal.query.encoding.QueryVectors;
import org.opensearch.multimodal.query.fusion.FusedPool;
import org.opensearch.multimodal.query.fusion.FusionSpec;
import org.opensearch.multimodal.query.fusion.HybridRetrievalQuery;
import org.opensearch.multimodal.query.retriever.LikeDocument;
import org.opensearch.multimodal.query.retriever.QueryInputs;
import org.opensearch.multimodal.query.retriever.RetrieverKinds;
import org.opensearch.multimodal.query.retriever.RetrieverParams;
import org.opensearch.multimodal.query.retriever.RetrieverSpec;
import org.opensearch.multimodal.services.MultimodalServices;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
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
    private final CoordinatingRewrite.Awaiting awaiting;
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
            CoordinatingRewrite.Awaiting.NOTHING,
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
        CoordinatingRewrite.Awaiting awaiting,
        Supplier<MultimodalServices> services
    ) {
        this(inputs, retrievers, fusion, filter, vectors, likeVectors, awaiting, services, false, null);
    }

    MultimodalQueryBuilder(
        QueryInputs inputs,
        Map<String, ? extends RetrieverSpec> retrievers,
        FusionSpec fusion,
        QueryBuilder filter,
        QueryVectors vectors,
        Map<String, float[]> likeVectors,
        CoordinatingRewrite.Awaiting awaiting,
        Supplier<MultimodalServices> services,
        boolean gathering,
        FusedPool fused
    ) {
        retrievers = RetrieverParams.withQueryK(retrievers, DEFAULT_K);
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
        this.awaiting = CoordinatingRewrite.Awaiting.NOTHING;
        this.likeVectors = in.readMap(StreamInput::readString, StreamInput::readFloatArray);
        this.services = services;
        this.gathering = in.readBoolean();
        this.fused = in.readOptionalWriteable(FusedPool::new);
    }

    @Override
    protected void doWriteTo(StreamOutput out) throws IOException {
        if (awaiting != CoordinatingRewrite.Awaiting.NOTHING) {
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

    QueryInputs inputs() {
        return inputs;
    }

    QueryVectors vectors() {
        return vectors;
    }

    Map<String, float[]> likeVectors() {
        return likeVectors;
    }

    CoordinatingRewrite.Awaiting awaiting() {
        return awaiting;
    }

    Supplier<MultimodalServices> services() {
        return services;
    }

    /** The first round of a fused search (the shards gather their pools), or the second (the ranking is here). */
    boolean fusedOnCoordinator() {
        return gathering || fused != null;
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
            RetrieverParams.withQueryK(retrievers, queryK),
            fusion,
            filter,
            QueryVectors.EMPTY,
            Map.of(),
            CoordinatingRewrite.Awaiting.NOTHING,
            services
        );
    }

    @Override
    protected QueryBuilder doRewrite(QueryRewriteContext context) throws IOException {
        if (services == null) {
            return NodeBinding.boundTo(this, QueryBuilder.class, context);
        }
        return CoordinatingRewrite.rewrite(this, context);
    }

    MultimodalQueryBuilder copy(
        QueryBuilder newFilter,
        Map<String, RetrieverSpec> newRetrievers,
        QueryVectors encoded,
        Map<String, float[]> liked,
        CoordinatingRewrite.Awaiting waitingFor
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
        return ShardQuery.of(this, fused, gathering, context);
    }

    /** The fusion the query asks for, or its default: RRF for several retrievers, one retriever's own scores alone. */
    FusionSpec effectiveFusion() {
        if (fusion != null) {
            return fusion;
        }
        return retrievers.size() == 1
            ? new FusionSpec(FusionSpec.LINEAR, FusionSpec.DEFAULT_RANK_CONSTANT, ScoreNormalization.NONE, Map.of())
            // one retriever alone keeps its own scores, which compare across shards (per-shard ranks would tie)
            : FusionSpec.defaultRrf();
    }

    @Override
    protected boolean doEquals(MultimodalQueryBuilder other) {
        return Objects.equals(inputs.text(), other.inputs.text())
            && Objects.equals(inputs.image(), other.inputs.image())
            && Arrays.equals(inputs.vector(), other.inputs.vector())
            && Objects.equals(inputs.like(), other.inputs.like())
            && LikeVectors.equal(likeVectors, other.likeVectors)
            && retrievers.equals(other.retrievers)
            && Objects.equals(fusion, other.fusion)
            && Objects.equals(filter, other.filter)
            && vectors.equals(other.vectors)
            && gathering == other.gathering
            && Objects.equals(fused, other.fused)
            && (awaiting == CoordinatingRewrite.Awaiting.NOTHING) == (other.awaiting == CoordinatingRewrite.Awaiting.NOTHING);
    }

    @Override
    protected int doHashCode() {
        return Objects
            .hash(inputs.text(), inputs.image(), Arrays.hashCode(inputs.vector()), inputs.like(), retrievers, fusion, filter, vectors);
    }
}
