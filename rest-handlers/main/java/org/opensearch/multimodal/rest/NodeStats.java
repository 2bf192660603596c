package org.opensearch.multimodal.rest;

import org.opensearch.action.support.nodes.BaseNodeResponse;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;

import java.io.IOException;
import java.util.Map;

/** One node's counters, as a tree of named numbers. */
public final class NodeStats extends BaseNodeResponse {

    private final Map<String, Object> stats;

    NodeStats(DiscoveryNode node, Map<String, Object> stats) {
        super(node);
        this.stats = stats;
    }

    NodeStats(StreamInput in) throws IOException {
        super(in);
        this.stats = in.readMap();
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeMap(stats);
    }

    public Map<String, Object> stats() {
        return stats;
    }
}
