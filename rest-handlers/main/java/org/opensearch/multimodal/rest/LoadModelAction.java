package org.opensearch.multimodal.rest;

import org.opensearch.action.ActionType;

/** Loads a model on every asked node: {@code cluster:admin/opensearch/multimodal/models/load}. */
public final class LoadModelAction extends ActionType<ModelLifecycleResponse> {

    public static final String NAME = "cluster:admin/opensearch/multimodal/models/load";
    public static final LoadModelAction INSTANCE = new LoadModelAction();

    private LoadModelAction() {
        super(NAME, ModelLifecycleResponse::new);
    }
}
