package org.opensearch.multimodal.rest;

import org.opensearch.ExceptionsHelper;
import org.opensearch.action.FailedNodeException;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.BytesRestResponse;
import org.opensearch.rest.RestRequest;
import org.opensearch.rest.RestResponse;
import org.opensearch.rest.action.RestActions;
import org.opensearch.transport.client.node.NodeClient;

import java.util.List;

/**
 * {@code POST /_plugins/_multimodal/models/{id}/_load} and {@code .../_unload}, on every node or {@code ?nodes=}.
 * When every asked node fails (a bad model directory, an unknown id) the response is that failure, with its status
 * (400 naming the file and the reason, 404); when some succeed it is a 200 listing the failures beside them, as
 * OpenSearch's nodes APIs do.
 */
public final class RestModelLifecycleAction extends BaseRestHandler {

    @Override
    public String getName() {
        return "multimodal_model_lifecycle";
    }

    @Override
    public List<Route> routes() {
        return List.of(
            new Route(RestRequest.Method.POST, MultimodalPaths.BASE + "/models/{id}/_load"),
            new Route(RestRequest.Method.POST, MultimodalPaths.BASE + "/models/{id}/_unload")
        );
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        ModelsRequest lifecycle = ModelsRequest.of(request);
        boolean load = request.path().endsWith("/_load");
        return channel -> client.execute(
            load ? LoadModelAction.INSTANCE : UnloadModelAction.INSTANCE,
            lifecycle,
            new RestActions.NodesResponseRestListener<>(channel) {

                @Override
                public RestResponse buildResponse(ModelLifecycleResponse response, XContentBuilder builder) throws Exception {
                    if (response.getNodes().isEmpty() && response.hasFailures()) {
                        FailedNodeException failure = response.failures().get(0);
                        Throwable cause = ExceptionsHelper.unwrapCause(failure.getCause() == null ? failure : failure.getCause());
                        return new BytesRestResponse(channel, ExceptionsHelper.status(cause), (Exception) cause);
                    }
                    return super.buildResponse(response, builder);
                }
            }
        );
    }
}
