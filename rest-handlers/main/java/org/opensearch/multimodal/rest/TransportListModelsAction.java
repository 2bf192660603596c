package org.opensearch.multimodal.rest;

import org.opensearch.action.FailedNodeException;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.nodes.TransportNodesAction;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.multimodal.inference.InferenceService;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportRequest;
import org.opensearch.transport.TransportService;

import java.io.IOException;
import java.util.List;

/** Asks each node for its models' reports; each node answers from its own registry, on the management pool. */
public final class TransportListModelsAction extends TransportNodesAction<
    ListModelsRequest,
    ListModelsResponse,
    TransportListModelsAction.NodeRequest,
    NodeModels> {

    private final InferenceService inference;

    @Inject
    public TransportListModelsAction(
        ThreadPool threadPool,
        ClusterService clusterService,
        TransportService transportService,
        ActionFilters actionFilters,
        InferenceService inference
    ) {
        super(
            ListModelsAction.NAME,
            threadPool,
            clusterService,
            transportService,
            actionFilters,
            ListModelsRequest::new,
            NodeRequest::new,
            ThreadPool.Names.MANAGEMENT,
            NodeModels.class
        );
        this.inference = inference;
    }

    @Override
    protected ListModelsResponse newResponse(ListModelsRequest request, List<NodeModels> responses, List<FailedNodeException> failures) {
        return new ListModelsResponse(clusterService.getClusterName(), responses, failures);
    }

    @Override
    protected NodeRequest newNodeRequest(ListModelsRequest request) {
        return new NodeRequest(request.modelId());
    }

    @Override
    protected NodeModels newNodeResponse(StreamInput in) throws IOException {
        return new NodeModels(in);
    }

    @Override
    protected NodeModels nodeOperation(NodeRequest request) {
        List<ModelReport> models = inference.registry()
            .list()
            .stream()
            .filter(info -> request.modelId == null || request.modelId.equals(info.manifest().id()))
            .map(ModelReport::of)
            .toList();
        return new NodeModels(clusterService.localNode(), models);
    }

    /** The per-node part of the request. */
    public static final class NodeRequest extends TransportRequest {
        private final String modelId;

        NodeRequest(String modelId) {
            this.modelId = modelId;
        }

        NodeRequest(StreamInput in) throws IOException {
            super(in);
            this.modelId = in.readOptionalString();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeOptionalString(modelId);
        }
    }
}
