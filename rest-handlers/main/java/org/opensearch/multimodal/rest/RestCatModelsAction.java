package org.opensearch.multimodal.rest;

import org.opensearch.common.Table;
import org.opensearch.core.common.unit.ByteSizeValue;
import org.opensearch.rest.RestRequest;
import org.opensearch.rest.RestResponse;
import org.opensearch.rest.action.RestResponseListener;
import org.opensearch.rest.action.cat.AbstractCatAction;
import org.opensearch.rest.action.cat.RestTable;
import org.opensearch.transport.client.node.NodeClient;

import java.util.List;

/** {@code GET /_cat/multimodal_models}: one row per model per node, as the other {@code _cat} APIs print. */
public final class RestCatModelsAction extends AbstractCatAction {

    @Override
    public String getName() {
        return "cat_multimodal_models";
    }

    @Override
    public List<Route> routes() {
        return List.of(
            new Route(RestRequest.Method.GET, "/_cat/multimodal_models"),
            new Route(RestRequest.Method.GET, "/_cat/multimodal_models/{id}")
        );
    }

    @Override
    protected void documentation(StringBuilder sb) {
        sb.append("/_cat/multimodal_models\n/_cat/multimodal_models/{id}\n");
    }

    @Override
    protected RestChannelConsumer doCatRequest(RestRequest request, NodeClient client) {
        ModelsRequest listRequest = ModelsRequest.of(request);
        return channel -> client.execute(ListModelsAction.INSTANCE, listRequest, new RestResponseListener<ListModelsResponse>(channel) {

            @Override
            public RestResponse buildResponse(ListModelsResponse response) throws Exception {
                Table table = getTableWithHeader(request);
                for (NodeModels node : response.getNodes()) {
                    for (ModelReport model : node.models()) {
                        table.startRow();
                        table.addCell(node.getNode().getName());
                        table.addCell(model.id());
                        table.addCell(model.kind());
                        table.addCell(model.dims());
                        table.addCell(model.fingerprint());
                        table.addCell(model.device());
                        table.addCell(model.loaded());
                        table.addCell(new ByteSizeValue(model.loadedBytes()));
                        table.addCell(model.loadMillis());
                        table.addCell(model.path());
                        table.endRow();
                    }
                }
                return RestTable.buildResponse(table, channel);
            }
        });
    }

    @Override
    protected Table getTableWithHeader(RestRequest request) {
        Table table = new Table();
        table.startHeaders();
        table.addCell("node", "alias:n;desc:node name");
        table.addCell("id", "alias:model;desc:model id");
        table.addCell("kind", "desc:text, image or clip");
        table.addCell("dims", "desc:output dimensions");
        table.addCell("fingerprint", "alias:fp;desc:hash of the model's files (one id with two fingerprints is two models)");
        table.addCell("device", "desc:cpu or cuda");
        table.addCell("loaded", "desc:whether its encoders are loaded");
        table.addCell("memory", "desc:bytes of the loaded ONNX files");
        table.addCell("load_time_ms", "default:false;desc:time spent loading");
        table.addCell("path", "default:false;desc:model directory");
        table.endHeaders();
        return table;
    }
}
