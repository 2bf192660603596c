package org.opensearch.multimodal.rest;

import org.opensearch.action.support.nodes.BaseNodesRequest;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;

import java.io.IOException;

/** Which nodes to ask, and optionally which model (null: all). */
public final class ListModelsRequest extends BaseNodesRequest<ListModelsRequest> {

    private final String modelId;

    public ListModelsRequest(String modelId, String... nodeIds) {
        super(nodeIds);
        this.modelId = modelId;
    }

    public ListModelsRequest(StreamInput in) throws IOException {
        super(in);
        this.modelId = in.readOptionalString();
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeOptionalString(modelId);
    }

    public String modelId() {
        return modelId;
    }
}
