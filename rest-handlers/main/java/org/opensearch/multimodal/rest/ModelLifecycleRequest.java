package org.opensearch.multimodal.rest;

import org.opensearch.action.support.nodes.BaseNodesRequest;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;

import java.io.IOException;

/** Which model to load or unload, and on which nodes. */
public final class ModelLifecycleRequest extends BaseNodesRequest<ModelLifecycleRequest> {

    private final String modelId;

    public ModelLifecycleRequest(String modelId, String[] nodeIds) {
        super(nodeIds);
        this.modelId = modelId;
    }

    public ModelLifecycleRequest(StreamInput in) throws IOException {
        super(in);
        this.modelId = in.readString();
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeString(modelId);
    }

    public String modelId() {
        return modelId;
    }
}
