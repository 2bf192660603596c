package org.opensearch.multimodal.rest;

import org.opensearch.core.common.Strings;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.RestRequest;
import org.opensearch.rest.action.RestActions;
import org.opensearch.transport.client.node.NodeClient;

import java.util.List;

/**
 * {@code GET /_plugins/_multimodal/stats} and {@code GET /_plugins/_multimodal/{nodeId}/stats} (ids, names or
 * OpenSearch's node filters such as {@code _local}), in the shape of OpenSearch's nodes stats. {@code ?history=true}
 * adds each node's history of samples; {@code &history_after=<epoch ms>} only those taken after that time.
 */
public final class RestStatsAction extends BaseRestHandler {

    @Override
    public String getName() {
        return "multimodal_stats";
    }

    @Override
    public List<Route> routes() {
        return List.of(
            new Route(RestRequest.Method.GET, MultimodalPaths.BASE + "/stats"),
            new Route(RestRequest.Method.GET, MultimodalPaths.BASE + "/{nodeId}/stats")
        );
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        StatsRequest stats = new StatsRequest(Strings.splitStringByCommaToArray(request.param("nodeId", "_all")));
        long after = request.paramAsLong("history_after", Long.MIN_VALUE);
        if (request.paramAsBoolean("history", false)) {
            stats.history(after);
        } else if (after != Long.MIN_VALUE) {
            throw new IllegalArgumentException("[history_after] needs [history=true]");
        }
        return channel -> client.execute(StatsAction.INSTANCE, stats, new RestActions.NodesResponseRestListener<>(channel));
    }
}
