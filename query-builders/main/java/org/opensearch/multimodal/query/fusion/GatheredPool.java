package org.opensearch.multimodal.query.fusion;

import org.apache.lucene.util.BytesRef;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.multimodal.query.retriever.GatheredPrimary;
import org.opensearch.search.aggregations.InternalAggregation;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The pools of the shards, as {@link PoolGatheringAggregationBuilder} returns them and the coordinating node merges
 * them: every pool document with its {@code _index}, {@code _id}, each retriever's score and which retrievers proposed
 * it on its shard; for GQR, the primary's shape and its local candidates' vectors.
 */
public final class GatheredPool extends InternalAggregation {

    /** One pool document; {@code vector} only for a GQR primary's local candidate. */
    record Doc(String index, String id, float[] scores, long proposedBy, BytesRef vector) implements Writeable {

        Doc(StreamInput in) throws IOException {
            this(in.readString(), in.readString(), in.readFloatArray(), in.readVLong(), in.readBoolean() ? in.readBytesRef() : null);
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(index);
            out.writeString(id);
            out.writeFloatArray(scores);
            out.writeVLong(proposedBy);
            out.writeBoolean(vector != null);
            if (vector != null) {
                out.writeBytesRef(vector);
            }
        }

        boolean proposedBy(int retriever) {
            return (proposedBy & (1L << retriever)) != 0;
        }

        /** About what it holds on the heap. */
        long bytes() {
            return 64 + 2L * (index.length() + id.length()) + 4L * scores.length + (vector == null ? 0 : vector.length);
        }
    }

    private final List<String> names;
    private final GatheredPrimary primary;
    private final List<Doc> docs;

    GatheredPool(String name, Map<String, Object> metadata, List<String> names, GatheredPrimary primary, List<Doc> docs) {
        super(name, metadata);
        this.names = List.copyOf(names);
        this.primary = primary;
        this.docs = docs;
    }

    public GatheredPool(StreamInput in) throws IOException {
        super(in);
        this.names = in.readStringList();
        this.primary = in.readOptionalWriteable(GatheredPrimary::new);
        this.docs = in.readList(Doc::new);
    }

    @Override
    protected void doWriteTo(StreamOutput out) throws IOException {
        out.writeStringCollection(names);
        out.writeOptionalWriteable(primary);
        out.writeList(docs);
    }

    List<String> names() {
        return names;
    }

    GatheredPrimary primary() {
        return primary;
    }

    List<Doc> docs() {
        return docs;
    }

    @Override
    public String getWriteableName() {
        return PoolGatheringAggregationBuilder.NAME;
    }

    @Override
    public InternalAggregation reduce(List<InternalAggregation> aggregations, ReduceContext reduceContext) {
        List<Doc> all = new ArrayList<>();
        List<String> reducedNames = names;
        GatheredPrimary reducedPrimary = primary;
        for (InternalAggregation aggregation : aggregations) {
            GatheredPool shard = (GatheredPool) aggregation;
            all.addAll(shard.docs);
            if (reducedNames.isEmpty()) {
                reducedNames = shard.names;
            }
            if (reducedPrimary == null) {
                reducedPrimary = shard.primary;
            }
        }
        return new GatheredPool(getName(), getMetadata(), reducedNames, reducedPrimary, all);
    }

    @Override
    protected boolean mustReduceOnSingleInternalAgg() {
        return false;
    }

    @Override
    public Object getProperty(List<String> path) {
        if (path.isEmpty()) {
            return this;
        }
        throw new IllegalArgumentException("[" + PoolGatheringAggregationBuilder.NAME + "] has no property " + path);
    }

    @Override
    public XContentBuilder doXContentBody(XContentBuilder builder, Params params) throws IOException {
        return builder.field("documents", docs.size()).field("retrievers", names);
    }
}
