package org.opensearch.multimodal.query;

import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;

/** One named retriever of the {@code multimodal} query: {@code dense} (a vector field) or {@code lexical} (any query). */
public sealed interface RetrieverSpec permits DenseRetriever, LexicalRetriever {

    /** Its top k per shard, which join the candidate pool. */
    int k();

    void writeTo(StreamOutput out) throws IOException;

    void toXContent(XContentBuilder builder) throws IOException;

    static void write(StreamOutput out, RetrieverSpec retriever) throws IOException {
        out.writeString(retriever instanceof DenseRetriever ? DenseRetriever.TYPE : LexicalRetriever.TYPE);
        retriever.writeTo(out);
    }

    static RetrieverSpec read(StreamInput in) throws IOException {
        String type = in.readString();
        return DenseRetriever.TYPE.equals(type) ? new DenseRetriever(in) : new LexicalRetriever(in);
    }
}
