package org.opensearch.multimodal.rest;

import org.opensearch.action.FailedNodeException;
import org.opensearch.action.support.nodes.BaseNodesResponse;
import org.opensearch.cluster.ClusterName;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.ToXContentFragment;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.List;

/**
 * {@code "nodes": {"<id>": {"name": ..., "inference_pools": {...}, "models": {...}, "ingest": {...}, "queries": {...},
 * "breakers": {...}, "history": {...}}}} (history on request).
 */
public final class StatsResponse extends BaseNodesResponse<NodeStats> implements ToXContentFragment {

    StatsResponse(ClusterName clusterName, List<NodeStats> nodes, List<FailedNodeException> failures) {
        super(clusterName, nodes, failures);
    }

    public StatsResponse(StreamInput in) throws IOException {
        super(in);
    }

    @Override
    protected List<NodeStats> readNodesFrom(StreamInput in) throws IOException {
        return in.readList(NodeStats::new);
    }

    @Override
    protected void writeNodesTo(StreamOutput out, List<NodeStats> nodes) throws IOException {
        out.writeList(nodes);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject("nodes");
        for (NodeStats node : getNodes()) {
            builder.startObject(node.getNode().getId()).field("name", node.getNode().getName());
            for (var entry : node.stats().entrySet()) {
                builder.field(entry.getKey(), entry.getValue());
            }
            builder.endObject();
        }
        return builder.endObject();
    }
}
