package org.opensearch.multimodal.rest;

import org.opensearch.action.ActionType;

/**
 * Lists the models of every node (or of the nodes asked for). Named in OpenSearch's scheme so the security plugin can
 * grant it on its own: {@code cluster:monitor/opensearch/multimodal/models/list}.
 */
public final class ListModelsAction extends ActionType<ListModelsResponse> {

    public static final String NAME = "cluster:monitor/opensearch/multimodal/models/list";
    public static final ListModelsAction INSTANCE = new ListModelsAction();

    private ListModelsAction() {
        super(NAME, ListModelsResponse::new);
    }
}
