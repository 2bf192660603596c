package org.opensearch.multimodal.rest;

import org.opensearch.action.support.nodes.BaseNodesRequest;
import org.opensearch.core.common.io.stream.StreamInput;

import java.io.IOException;

/** The nodes whose stats are asked for. */
public final class StatsRequest extends BaseNodesRequest<StatsRequest> {

    public StatsRequest(String... nodeIds) {
        super(nodeIds);
    }

    public StatsRequest(StreamInput in) throws IOException {
        super(in);
    }
}
