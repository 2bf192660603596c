package org.opensearch.multimodal.rest;

import org.opensearch.action.support.nodes.BaseNodesRequest;
import org.opensearch.core.common.Strings;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.rest.RestRequest;

import java.io.IOException;

/** The models requests (list, load, unload): which nodes to ask, and which model (null: all, for listing). */
public final class ModelsRequest extends BaseNodesRequest<ModelsRequest> {

    private final String modelId;

    public ModelsRequest(String modelId, String... nodeIds) {
        super(nodeIds);
        this.modelId = modelId;
    }

    public ModelsRequest(StreamInput in) throws IOException {
        super(in);
        this.modelId = in.readOptionalString();
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeOptionalString(modelId);
    }

    /** From a REST call: the {@code id} path parameter (if any) and {@code ?nodes=} (default all). */
    static ModelsRequest of(RestRequest request) {
        return new ModelsRequest(request.param("id"), Strings.splitStringByCommaToArray(request.param("nodes", "_all")));
    }

    public String modelId() {
        return modelId;
    }
}
