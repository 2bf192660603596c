package org.opensearch.multimodal.rest;

import org.opensearch.action.FailedNodeException;
import org.opensearch.cluster.ClusterName;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.List;

/** The model on each node after loading or unloading it: {@code "nodes": {"<id>": {"name": ..., "model": {...}}}}. */
public final class ModelLifecycleResponse extends NodeModelsResponse {

    ModelLifecycleResponse(ClusterName clusterName, List<NodeModels> nodes, List<FailedNodeException> failures) {
        super(clusterName, nodes, failures);
    }

    public ModelLifecycleResponse(StreamInput in) throws IOException {
        super(in);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject("nodes");
        for (NodeModels node : getNodes()) {
            builder.startObject(node.getNode().getId()).field("name", node.getNode().getName()).field("model");
            node.models().get(0).toXContent(builder, params);
            node.nativeMemoryToXContent(builder);
            builder.endObject();
        }
        return builder.endObject();
    }
}
