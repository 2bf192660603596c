package org.opensearch.multimodal.rest;

import org.opensearch.action.FailedNodeException;
import org.opensearch.cluster.ClusterName;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.List;

/**
 * Every asked node's models, in the shape of OpenSearch's nodes APIs:
 * {@code {"_nodes": {...}, "cluster_name": "...", "nodes": {"<node id>": {"name": "...", "models": [...]}}}}.
 */
public final class ListModelsResponse extends NodeModelsResponse {

    ListModelsResponse(ClusterName clusterName, List<NodeModels> nodes, List<FailedNodeException> failures) {
        super(clusterName, nodes, failures);
    }

    public ListModelsResponse(StreamInput in) throws IOException {
        super(in);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject("nodes");
        for (NodeModels node : getNodes()) {
            builder.startObject(node.getNode().getId()).field("name", node.getNode().getName());
            node.nativeMemoryToXContent(builder);
            builder.startArray("models");
            for (ModelReport model : node.models()) {
                model.toXContent(builder, params);
            }
            builder.endArray().endObject();
        }
        return builder.endObject();
    }
}
