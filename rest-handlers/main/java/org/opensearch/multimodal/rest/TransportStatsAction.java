package org.opensearch.multimodal.rest;

import org.opensearch.action.FailedNodeException;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.nodes.TransportNodesAction;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.multimodal.inference.InferenceService;
import org.opensearch.multimodal.inference.Workload;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.threadpool.ThreadPoolStats;
import org.opensearch.transport.TransportRequest;
import org.opensearch.transport.TransportService;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Each node reports its own counters and the state of its inference pool. */
public final class TransportStatsAction
    extends
        TransportNodesAction<StatsRequest, StatsResponse, TransportStatsAction.NodeRequest, NodeStats> {

    private final InferenceService inference;

    @Inject
    public TransportStatsAction(
        ThreadPool threadPool,
        ClusterService clusterService,
        TransportService transportService,
        ActionFilters actionFilters,
        InferenceService inference
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
        this.inference = inference;
    }

    @Override
    protected StatsResponse newResponse(StatsRequest request, List<NodeStats> responses, List<FailedNodeException> failures) {
        return new StatsResponse(clusterService.getClusterName(), responses, failures);
    }

    @Override
    protected NodeRequest newNodeRequest(StatsRequest request) {
        return new NodeRequest();
    }

    @Override
    protected NodeStats newNodeResponse(StreamInput in) throws IOException {
        return new NodeStats(in);
    }

    @Override
    protected NodeStats nodeOperation(NodeRequest request) {
        Map<String, Object> stats = new LinkedHashMap<>();
        Map<String, Object> pools = new LinkedHashMap<>();
        for (Workload workload : Workload.values()) {
            for (ThreadPoolStats.Stats pool : threadPool.stats()) {
                if (pool.getName().equals(workload.threadPool())) {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("thread_pool", pool.getName());
                    out.put("threads", pool.getThreads());
                    out.put("active", pool.getActive());
                    out.put("queue", pool.getQueue());
                    out.put("rejected", pool.getRejected());
                    out.put("completed", pool.getCompleted());
                    out.put("wait", inference.stats().poolWait(workload.statsName()));
                    pools.put(workload.statsName(), out);
                }
            }
        }
        stats.put("inference_pools", pools);
        stats.putAll(inference.stats().snapshot());
        return new NodeStats(clusterService.localNode(), stats);
    }

    /** The per-node part of the request: nothing to say. */
    public static final class NodeRequest extends TransportRequest {

        NodeRequest() {
        }

        NodeRequest(StreamInput in) throws IOException {
            super(in);
        }
    }
}
