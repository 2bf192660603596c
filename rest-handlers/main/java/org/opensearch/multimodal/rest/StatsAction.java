package org.opensearch.multimodal.rest;

import org.opensearch.action.ActionType;

/** Every asked node's inference, ingest and query counters: {@code cluster:monitor/opensearch/multimodal/stats}. */
public final class StatsAction extends ActionType<StatsResponse> {

    public static final String NAME = "cluster:monitor/opensearch/multimodal/stats";
    public static final StatsAction INSTANCE = new StatsAction();

    private StatsAction() {
        super(NAME, StatsResponse::new);
    }
}
