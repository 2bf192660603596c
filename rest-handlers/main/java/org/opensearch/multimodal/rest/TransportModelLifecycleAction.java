package org.opensearch.multimodal.rest;

import org.opensearch.action.FailedNodeException;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.nodes.TransportNodesAction;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.multimodal.inference.InferenceService;
import org.opensearch.multimodal.model.ModelRegistry;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportRequest;
import org.opensearch.transport.TransportService;

import java.io.IOException;
import java.util.List;

/**
 * Loads or unloads a model on each asked node, on the generic pool (loading reads and checks the files). Each node
 * answers with the model's state afterwards, or fails alone (a bad model directory, an unknown id).
 */
public abstract class TransportModelLifecycleAction extends TransportNodesAction<
    ModelLifecycleRequest,
    ModelLifecycleResponse,
    TransportModelLifecycleAction.NodeRequest,
    NodeModels> {

    private final InferenceService inference;

    protected TransportModelLifecycleAction(
        String name,
        ThreadPool threadPool,
        ClusterService clusterService,
        TransportService transportService,
        ActionFilters actionFilters,
        InferenceService inference
    ) {
        super(name, threadPool, clusterService, transportService, actionFilters, ModelLifecycleRequest::new, NodeRequest::new, ThreadPool.Names.GENERIC, NodeModels.class);
        this.inference = inference;
    }

    /** Loads or unloads {@code modelId} in this node's registry. */
    protected abstract void apply(ModelRegistry registry, String modelId);

    @Override
    protected ModelLifecycleResponse newResponse(ModelLifecycleRequest request, List<NodeModels> responses, List<FailedNodeException> failures) {
        return new ModelLifecycleResponse(clusterService.getClusterName(), responses, failures);
    }

    @Override
    protected NodeRequest newNodeRequest(ModelLifecycleRequest request) {
        return new NodeRequest(request.modelId());
    }

    @Override
    protected NodeModels newNodeResponse(StreamInput in) throws IOException {
        return new NodeModels(in);
    }

    @Override
    protected NodeModels nodeOperation(NodeRequest request) {
        ModelRegistry registry = inference.registry();
        apply(registry, request.modelId);
        ModelReport report = registry.list().stream().filter(info -> info.manifest().id().equals(request.modelId)).map(ModelReport::of).findFirst().orElseThrow();
        return new NodeModels(clusterService.localNode(), List.of(report));
    }

    /** The per-node part of the request. */
    public static final class NodeRequest extends TransportRequest {
        private final String modelId;

        NodeRequest(String modelId) {
            this.modelId = modelId;
        }

        NodeRequest(StreamInput in) throws IOException {
            super(in);
            this.modelId = in.readString();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeString(modelId);
        }
    }

    /** {@link LoadModelAction}. */
    public static final class Load extends TransportModelLifecycleAction {
        @Inject
        public Load(ThreadPool threadPool, ClusterService clusterService, TransportService transportService, ActionFilters actionFilters, InferenceService inference) {
            super(LoadModelAction.NAME, threadPool, clusterService, transportService, actionFilters, inference);
        }

        @Override
        protected void apply(ModelRegistry registry, String modelId) {
            registry.load(modelId);
        }
    }

    /** {@link UnloadModelAction}. */
    public static final class Unload extends TransportModelLifecycleAction {
        @Inject
        public Unload(ThreadPool threadPool, ClusterService clusterService, TransportService transportService, ActionFilters actionFilters, InferenceService inference) {
            super(UnloadModelAction.NAME, threadPool, clusterService, transportService, actionFilters, inference);
        }

        @Override
        protected void apply(ModelRegistry registry, String modelId) {
            registry.unload(modelId);
        }
    }
}
