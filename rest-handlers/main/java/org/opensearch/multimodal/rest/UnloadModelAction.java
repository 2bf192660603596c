package org.opensearch.multimodal.rest;

import org.opensearch.action.ActionType;

/** Unloads a model on every asked node: {@code cluster:admin/opensearch/multimodal/models/unload}. */
public final class UnloadModelAction extends ActionType<ModelLifecycleResponse> {

    public static final String NAME = "cluster:admin/opensearch/multimodal/models/unload";
    public static final UnloadModelAction INSTANCE = new UnloadModelAction();

    private UnloadModelAction() {
        super(NAME, ModelLifecycleResponse::new);
    }
}
