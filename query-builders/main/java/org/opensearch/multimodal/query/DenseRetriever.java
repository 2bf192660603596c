package org.opensearch.multimodal.query;

import org.opensearch.core.common.ParsingException;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;

import java.io.IOException;
import java.util.Locale;

/**
 * A dense retriever: the {@code k} nearest neighbours of the query vector in a {@code dense_vector} field.
 * {@code model} encodes {@code query_text}; it may be omitted when the query gives {@code query_vector}.
 */
public record DenseRetriever(String field, String model, int k) implements RetrieverSpec {

    public static final String TYPE = "dense";
    public static final int MAX_K = 10_000;
    static final int DEFAULT_K = 10;

    public DenseRetriever {
        if (field == null || field.isBlank()) {
            throw new IllegalArgumentException("[dense] retriever needs [field]");
        }
        if (k < 1 || k > MAX_K) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "[k] must be between 1 and %d, got [%d]", MAX_K, k));
        }
    }

    DenseRetriever(StreamInput in) throws IOException {
        this(in.readString(), in.readOptionalString(), in.readVInt());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(field);
        out.writeOptionalString(model);
        out.writeVInt(k);
    }

    @Override
    public void toXContent(XContentBuilder builder) throws IOException {
        builder.startObject(TYPE).field("field", field);
        if (model != null) {
            builder.field("model", model);
        }
        builder.field("k", k).endObject();
    }

    static DenseRetriever parse(XContentParser parser, String name) throws IOException {
        String field = null;
        String model = null;
        int k = DEFAULT_K;
        String key = null;
        for (XContentParser.Token token = parser.nextToken(); token != XContentParser.Token.END_OBJECT; token = parser.nextToken()) {
            if (token == XContentParser.Token.FIELD_NAME) {
                key = parser.currentName();
            } else if (token.isValue()) {
                switch (key) {
                    case "field" -> field = parser.text();
                    case "model" -> model = parser.text();
                    case "k" -> k = parser.intValue();
                    default -> throw new ParsingException(
                        parser.getTokenLocation(),
                        String.format(Locale.ROOT, "[retrievers.%s.dense] unknown parameter [%s]", name, key)
                    );
                }
            } else {
                throw new ParsingException(
                    parser.getTokenLocation(),
                    String.format(Locale.ROOT, "[retrievers.%s.dense.%s] must be a value", name, key)
                );
            }
        }
        try {
            return new DenseRetriever(field, model, k);
        } catch (IllegalArgumentException e) {
            throw new ParsingException(parser.getTokenLocation(), String.format(Locale.ROOT, "[retrievers.%s.dense] %s", name, e.getMessage()));
        }
    }
}
