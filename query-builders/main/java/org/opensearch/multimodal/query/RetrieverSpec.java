package org.opensearch.multimodal.query;

import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;

/**
 * One named retriever of the {@code multimodal} query: {@code dense} (a vector field), {@code lexical} (any query) or
 * {@code multi_vector} (token vectors, MaxSim; it scores the pool and proposes nothing).
 */
public sealed interface RetrieverSpec permits DenseRetriever, LexicalRetriever, MultiVectorRetriever {

    /** Its top k per shard, which join the candidate pool; 0 for a retriever that only scores the pool. */
    int k();

    String type();

    void writeTo(StreamOutput out) throws IOException;

    void toXContent(XContentBuilder builder) throws IOException;

    static void write(StreamOutput out, RetrieverSpec retriever) throws IOException {
        out.writeString(retriever.type());
        retriever.writeTo(out);
    }

    static RetrieverSpec read(StreamInput in) throws IOException {
        String type = in.readString();
        return switch (type) {
            case DenseRetriever.TYPE -> new DenseRetriever(in);
            case LexicalRetriever.TYPE -> new LexicalRetriever(in);
            case MultiVectorRetriever.TYPE -> new MultiVectorRetriever(in);
            default -> throw new IllegalStateException("unknown retriever type [" + type + "]");
        };
    }
}
