package org.opensearch.multimodal.rest;

import org.opensearch.action.FailedNodeException;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.nodes.TransportNodesAction;
import org.opensearch.cluster.ClusterName;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.multimodal.inference.InferenceService;
import org.opensearch.multimodal.model.ModelRegistry;
import org.opensearch.multimodal.model.ProcessMemory;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportRequest;
import org.opensearch.transport.TransportService;

import java.io.IOException;
import java.util.List;

/**
 * The models actions: each asked node acts on its own registry (lists, loads or unloads) and answers with its models'
 * reports, or fails alone (a bad model directory, an unknown id).
 */
public abstract class TransportModelsAction<Response extends NodeModelsResponse>
    extends
        TransportNodesAction<ModelsRequest, Response, TransportModelsAction.NodeRequest, NodeModels> {

    /** Builds the action's response from the nodes' answers. */
    @FunctionalInterface
    protected interface ResponseFactory<R> {

        R create(ClusterName clusterName, List<NodeModels> nodes, List<FailedNodeException> failures);
    }

    private final InferenceService inference;
    private final ResponseFactory<Response> responses;

    protected TransportModelsAction(
        String name,
        String executor,
        ThreadPool threadPool,
        ClusterService clusterService,
        TransportService transportService,
        ActionFilters actionFilters,
        InferenceService inference,
        ResponseFactory<Response> responses
    ) {
        super(
            name,
            threadPool,
            clusterService,
            transportService,
            actionFilters,
            ModelsRequest::new,
            NodeRequest::new,
            executor,
            NodeModels.class
        );
        this.inference = inference;
        this.responses = responses;
    }

    /** Acts on {@code modelId} (null: every model) in this node's registry; then its models are reported. */
    protected abstract void apply(ModelRegistry registry, String modelId);

    @Override
    protected Response newResponse(ModelsRequest request, List<NodeModels> nodes, List<FailedNodeException> failures) {
        return responses.create(clusterService.getClusterName(), nodes, failures);
    }

    @Override
    protected NodeRequest newNodeRequest(ModelsRequest request) {
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
        List<ModelReport> models = registry.list()
            .stream()
            .filter(info -> request.modelId == null || request.modelId.equals(info.manifest().id()))
            .map(ModelReport::of)
            .toList();
        return new NodeModels(clusterService.localNode(), models, ProcessMemory.now(), registry.cpuMemoryArena());
    }

    /** The per-node part of a request: the model, if one. */
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

    /** {@link ListModelsAction}, on the management pool. */
    public static final class ListModels extends TransportModelsAction<ListModelsResponse> {

        @Inject
        public ListModels(
            ThreadPool threadPool,
            ClusterService clusterService,
            TransportService transportService,
            ActionFilters actionFilters,
            InferenceService inference
        ) {
            super(
                ListModelsAction.NAME,
                ThreadPool.Names.MANAGEMENT,
                threadPool,
                clusterService,
                transportService,
                actionFilters,
                inference,
                ListModelsResponse::new
            );
        }

        @Override
        protected void apply(ModelRegistry registry, String modelId) {
        }
    }

    /** {@link LoadModelAction}, on the generic pool: loading reads and checks the files. */
    public static final class Load extends TransportModelsAction<ModelLifecycleResponse> {

        @Inject
        public Load(
            ThreadPool threadPool,
            ClusterService clusterService,
            TransportService transportService,
            ActionFilters actionFilters,
            InferenceService inference
        ) {
            super(
                LoadModelAction.NAME,
                ThreadPool.Names.GENERIC,
                threadPool,
                clusterService,
                transportService,
                actionFilters,
                inference,
                ModelLifecycleResponse::new
            );
        }

        @Override
        protected void apply(ModelRegistry registry, String modelId) {
            registry.load(modelId);
        }
    }

    /** {@link UnloadModelAction}. */
    public static final class Unload extends TransportModelsAction<ModelLifecycleResponse> {

        @Inject
        public Unload(
            ThreadPool threadPool,
            ClusterService clusterService,
            TransportService transportService,
            ActionFilters actionFilters,
            InferenceService inference
        ) {
            super(
                UnloadModelAction.NAME,
                ThreadPool.Names.GENERIC,
                threadPool,
                clusterService,
                transportService,
                actionFilters,
                inference,
                ModelLifecycleResponse::new
            );
        }

        @Override
        protected void apply(ModelRegistry registry, String modelId) {
            registry.unload(modelId);
        }
    }
}
