package org.opensearch.multimodal.rest;

import org.opensearch.action.FailedNodeException;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.nodes.TransportNodesAction;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.multimodal.monitor.StatsHistoryService;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportRequest;
import org.opensearch.transport.TransportService;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** Each node reports its own counters, the state of its inference pools and breakers, and on request its history. */
public final class TransportStatsAction
    extends
        TransportNodesAction<StatsRequest, StatsResponse, TransportStatsAction.NodeRequest, NodeStats> {

    private final StatsHistoryService stats;

    @Inject
    public TransportStatsAction(
        ThreadPool threadPool,
        ClusterService clusterService,
        TransportService transportService,
        ActionFilters actionFilters,
        StatsHistoryService stats
    ) {
        super(
            StatsAction.NAME,
            threadPool,
            clusterService,
            transportService,
            actionFilters,
            StatsRequest::new,
            NodeRequest::new,
            ThreadPool.Names.MANAGEMENT,
            NodeStats.class
        );
        this.stats = stats;
    }

    @Override
    protected StatsResponse newResponse(StatsRequest request, List<NodeStats> responses, List<FailedNodeException> failures) {
        return new StatsResponse(clusterService.getClusterName(), responses, failures);
    }

    @Override
    protected NodeRequest newNodeRequest(StatsRequest request) {
        return new NodeRequest(request.history(), request.historyAfter());
    }

    @Override
    protected NodeStats newNodeResponse(StreamInput in) throws IOException {
        return new NodeStats(in);
    }

    @Override
    protected NodeStats nodeOperation(NodeRequest request) {
        Map<String, Object> node = stats.current();
        if (request.history) {
            node.put("history", stats.history(request.historyAfter));
        }
        return new NodeStats(clusterService.localNode(), node);
    }

    /** The per-node part of the request: whether the node's history comes too, and from when. */
    public static final class NodeRequest extends TransportRequest {

        private final boolean history;
        private final long historyAfter;

        NodeRequest(boolean history, long historyAfter) {
            this.history = history;
            this.historyAfter = historyAfter;
        }

        NodeRequest(StreamInput in) throws IOException {
            super(in);
            history = in.readBoolean();
            historyAfter = in.readLong();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeBoolean(history);
            out.writeLong(historyAfter);
        }
    }
}
