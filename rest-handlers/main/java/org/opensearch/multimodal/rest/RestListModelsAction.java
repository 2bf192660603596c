package org.opensearch.multimodal.rest;

import org.opensearch.OpenSearchStatusException;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.RestRequest;
import org.opensearch.rest.RestResponse;
import org.opensearch.rest.action.RestActions;
import org.opensearch.transport.client.node.NodeClient;

import java.util.List;
import java.util.Locale;

/**
 * {@code GET /_plugins/_multimodal/models} and {@code GET /_plugins/_multimodal/models/{id}}: every node's models (or
 * those of {@code ?nodes=}), through the {@link ListModelsAction} transport action. A model id no asked node has is a
 * 404.
 */
public final class RestListModelsAction extends BaseRestHandler {

    @Override
    public String getName() {
        return "multimodal_list_models";
    }

    @Override
    public List<Route> routes() {
        return List.of(
            new Route(RestRequest.Method.GET, MultimodalPaths.BASE + "/models"),
            new Route(RestRequest.Method.GET, MultimodalPaths.BASE + "/models/{id}")
        );
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        String modelId = request.param("id");
        ModelsRequest listRequest = ModelsRequest.of(request);
        return channel -> client.execute(ListModelsAction.INSTANCE, listRequest, new RestActions.NodesResponseRestListener<>(channel) {

            @Override
            public RestResponse buildResponse(ListModelsResponse response, XContentBuilder builder) throws Exception {
                if (modelId != null && response.getNodes().stream().allMatch(node -> node.models().isEmpty())) {
                    throw new OpenSearchStatusException(
                        String.format(Locale.ROOT, "model [%s] is on none of the nodes asked", modelId),
                        RestStatus.NOT_FOUND
                    );
                }
                return super.buildResponse(response, builder);
            }
        });
    }
}
