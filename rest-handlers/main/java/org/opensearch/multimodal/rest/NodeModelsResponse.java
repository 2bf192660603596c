package org.opensearch.multimodal.rest;

import org.opensearch.action.FailedNodeException;
import org.opensearch.action.support.nodes.BaseNodesResponse;
import org.opensearch.cluster.ClusterName;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.ToXContentFragment;

import java.io.IOException;
import java.util.List;

/** Every asked node's models; the subclasses only differ in how they print them. */
public abstract class NodeModelsResponse extends BaseNodesResponse<NodeModels> implements ToXContentFragment {

    protected NodeModelsResponse(ClusterName clusterName, List<NodeModels> nodes, List<FailedNodeException> failures) {
        super(clusterName, nodes, failures);
    }

    protected NodeModelsResponse(StreamInput in) throws IOException {
        super(in);
    }

    @Override
    protected List<NodeModels> readNodesFrom(StreamInput in) throws IOException {
        return in.readList(NodeModels::new);
    }

    @Override
    protected void writeNodesTo(StreamOutput out, List<NodeModels> nodes) throws IOException {
        out.writeList(nodes);
    }
}
