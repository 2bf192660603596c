package org.opensearch.multimodal.query.encoding;

import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.multimodal.services.MultimodalServices;

import java.io.IOException;

/**
 * Which model encoded a query, as the shards need to know it: the fingerprint of its files, the embedding space it
 * encodes into, and the node that ran it.
 */
public record EncoderIdentity(String fingerprint, String space, String node) implements Writeable {

    /** {@code model} as the node of {@code services} serves it. */
    static EncoderIdentity of(String model, MultimodalServices services) {
        return new EncoderIdentity(
            services.registry().fingerprint(model).orElse(""),
            services.registry().manifest(model).map(m -> m.space()).orElse(model),
            services.nodeName()
        );
    }

    EncoderIdentity(StreamInput in) throws IOException {
        this(in.readString(), in.readString(), in.readString());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(fingerprint);
        out.writeString(space);
        out.writeString(node);
    }
}
