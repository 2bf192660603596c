package org.opensearch.multimodal.rest;

import org.opensearch.action.support.nodes.BaseNodeResponse;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;

import java.io.IOException;
import java.util.List;

/** One node's models. */
public final class NodeModels extends BaseNodeResponse {

    private final List<ModelReport> models;

    NodeModels(DiscoveryNode node, List<ModelReport> models) {
        super(node);
        this.models = List.copyOf(models);
    }

    NodeModels(StreamInput in) throws IOException {
        super(in);
        this.models = in.readList(ModelReport::new);
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeList(models);
    }

    public List<ModelReport> models() {
        return models;
    }
}
