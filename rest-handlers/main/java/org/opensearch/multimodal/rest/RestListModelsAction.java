package org.opensearch.multimodal.rest;

import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.multimodal.inference.InferenceService;
import org.opensearch.multimodal.model.ModelInfo;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.BytesRestResponse;
import org.opensearch.rest.RestRequest;
import org.opensearch.transport.client.node.NodeClient;

import java.util.List;
import java.util.function.Supplier;

/** {@code GET /_plugins/_multimodal/models}: the models of the node that answers, and whether each is loaded. */
public final class RestListModelsAction extends BaseRestHandler {

    private final Supplier<InferenceService> inference;

    public RestListModelsAction(Supplier<InferenceService> inference) {
        this.inference = inference;
    }

    @Override
    public String getName() {
        return "multimodal_list_models";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(RestRequest.Method.GET, MultimodalPaths.BASE + "/models"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        return channel -> {
            XContentBuilder builder = channel.newBuilder();
            builder.startObject().startArray("models");
            for (ModelInfo info : inference.get().registry().list()) {
                builder.startObject()
                    .field("id", info.manifest().id())
                    .field("kind", info.manifest().kind().toString())
                    .field("dims", info.manifest().dims())
                    .field("max_tokens", info.manifest().maxTokens())
                    .field("pooling", info.manifest().pooling().toString())
                    .field("device", info.device())
                    .field("loaded", info.loaded())
                    .field("path", info.path())
                    .endObject();
            }
            builder.endArray().endObject();
            channel.sendResponse(new BytesRestResponse(RestStatus.OK, builder));
        };
    }
}
