package org.opensearch.multimodal.query.fusion;

import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.search.aggregations.AbstractAggregationBuilder;
import org.opensearch.search.aggregations.AggregationBuilder;
import org.opensearch.search.aggregations.Aggregator;
import org.opensearch.search.aggregations.AggregatorFactories;
import org.opensearch.search.aggregations.AggregatorFactory;
import org.opensearch.search.aggregations.CardinalityUpperBound;
import org.opensearch.search.internal.SearchContext;

import java.io.IOException;
import java.util.Map;

/**
 * The first round of a fused {@code multimodal} search (docs/search.md, "one ranking whatever the sharding"): the
 * coordinating node asks every shard for its pool with a size-0 search whose query is the {@code multimodal} query in
 * its gathering stage and this aggregation, which returns each pool document's {@code _index}, {@code _id} and scores
 * from every retriever ({@link GatheredPool}); the aggregation framework brings them to the coordinating node in one
 * round trip and merges them there. Internal: it only aggregates a gathering {@code multimodal} query.
 */
public final class PoolGatheringAggregationBuilder extends AbstractAggregationBuilder<PoolGatheringAggregationBuilder> {

    public static final String NAME = "multimodal_pool";

    public PoolGatheringAggregationBuilder(String name) {
        super(name);
    }

    public PoolGatheringAggregationBuilder(StreamInput in) throws IOException {
        super(in);
    }

    private PoolGatheringAggregationBuilder(
        PoolGatheringAggregationBuilder original,
        AggregatorFactories.Builder factories,
        Map<String, Object> metadata
    ) {
        super(original, factories, metadata);
    }

    public static PoolGatheringAggregationBuilder parse(XContentParser parser, String name) throws IOException {
        parser.map(); // no options
        return new PoolGatheringAggregationBuilder(name);
    }

    @Override
    protected void doWriteTo(StreamOutput out) {
    }

    @Override
    protected AggregationBuilder shallowCopy(AggregatorFactories.Builder factoriesBuilder, Map<String, Object> metadata) {
        return new PoolGatheringAggregationBuilder(this, factoriesBuilder, metadata);
    }

    @Override
    public BucketCardinality bucketCardinality() {
        return BucketCardinality.NONE;
    }

    @Override
    public String getType() {
        return NAME;
    }

    @Override
    protected XContentBuilder internalXContent(XContentBuilder builder, Params params) throws IOException {
        return builder.startObject().endObject();
    }

    @Override
    protected AggregatorFactory doBuild(QueryShardContext context, AggregatorFactory parent, AggregatorFactories.Builder subFactories)
        throws IOException {
        if (parent != null || subFactories.count() > 0) {
            throw new IllegalArgumentException(
                "[" + NAME + "] is internal to the multimodal query: it takes no parent and no sub-aggregations"
            );
        }
        return new AggregatorFactory(name, context, null, subFactories, metadata) {

            @Override
            protected Aggregator createInternal(
                SearchContext searchContext,
                Aggregator parentAggregator,
                CardinalityUpperBound cardinality,
                Map<String, Object> metadata
            ) throws IOException {
                return new PoolGatheringAggregator(name, searchContext, metadata);
            }
        };
    }
}
