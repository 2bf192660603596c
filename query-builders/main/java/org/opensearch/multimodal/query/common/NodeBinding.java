package org.opensearch.multimodal.query.common;

import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.core.common.io.stream.NamedWriteable;
import org.opensearch.core.common.io.stream.NamedWriteableAwareStreamInput;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.index.query.QueryRewriteContext;

import java.io.IOException;

/**
 * Binds a query or rescorer built in Java (which has no node services yet) to the node that rewrites it: a copy
 * through that node's registry, so the copy comes from the reader the plugin registered, with the node's services.
 * The multimodal query and the late_interaction rescorer both start their coordinating rewrite here.
 */
public final class NodeBinding {

    private NodeBinding() {
    }

    public static <T extends NamedWriteable> T boundTo(T built, Class<T> category, QueryRewriteContext context) throws IOException {
        try (BytesStreamOutput out = new BytesStreamOutput()) {
            out.writeNamedWriteable(built);
            try (StreamInput in = new NamedWriteableAwareStreamInput(out.bytes().streamInput(), context.getWriteableRegistry())) {
                return in.readNamedWriteable(category);
            }
        }
    }
}
