package org.opensearch.multimodal.rest;

import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.multimodal.memory.RequestLimits;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.BytesRestResponse;
import org.opensearch.rest.RestRequest;
import org.opensearch.rest.RestResponse;
import org.opensearch.rest.action.RestBuilderListener;
import org.opensearch.rest.action.RestCancellableNodeClient;
import org.opensearch.transport.client.node.NodeClient;

import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code POST /_plugins/_multimodal/_embed} {@code {"model": "...", "texts": ["..."] | "images": ["<base64 | data URI | URL | path>"],
 * "token_vectors": false, "purpose": "document"}}: the vectors a model gives, for clients and debugging, through
 * {@link EmbedAction} on the receiving node. {@code token_vectors} gives an image's patch vectors.
 */
public final class RestEmbedAction extends BaseRestHandler {

    private final Supplier<RequestLimits> limits;

    public RestEmbedAction(Supplier<RequestLimits> limits) {
        this.limits = limits;
    }

    @Override
    public String getName() {
        return "multimodal_embed";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(RestRequest.Method.POST, MultimodalPaths.BASE + "/_embed"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws IOException {
        EmbedRequest embed;
        try (XContentParser parser = request.contentParser()) {
            embed = EmbedRequest.parse(parser.map(), limits.get().embedMaxTexts());
        }
        // the call's task is cancelled when the client closes its connection
        RestCancellableNodeClient cancellable = new RestCancellableNodeClient(client, request.getHttpChannel());
        return channel -> cancellable.execute(EmbedAction.INSTANCE, new EmbedAction.Request(embed), new RestBuilderListener<>(channel) {

            @Override
            public RestResponse buildResponse(EmbedAction.Response response, XContentBuilder builder) throws Exception {
                response.render(builder);
                return new BytesRestResponse(RestStatus.OK, builder);
            }
        });
    }
}
