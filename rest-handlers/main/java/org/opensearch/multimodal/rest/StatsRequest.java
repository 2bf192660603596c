package org.opensearch.multimodal.rest;

import org.opensearch.action.support.nodes.BaseNodesRequest;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;

import java.io.IOException;

/** The nodes whose stats are asked for, and whether their history (all of it, or the samples after a time) comes too. */
public final class StatsRequest extends BaseNodesRequest<StatsRequest> {

    private boolean history;
    private long historyAfter = Long.MIN_VALUE;

    public StatsRequest(String... nodeIds) {
        super(nodeIds);
    }

    public StatsRequest(StreamInput in) throws IOException {
        super(in);
        history = in.readBoolean();
        historyAfter = in.readLong();
    }

    /** Each node's samples taken after {@code afterMillis} (epoch milliseconds; {@link Long#MIN_VALUE}: all it keeps). */
    public StatsRequest history(long afterMillis) {
        this.history = true;
        this.historyAfter = afterMillis;
        return this;
    }

    public boolean history() {
        return history;
    }

    public long historyAfter() {
        return historyAfter;
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeBoolean(history);
        out.writeLong(historyAfter);
    }
}
