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
 * {@code model} encodes the query's {@code input}: {@code text} ({@code query_text}) or {@code image}
 * ({@code query_image}); unset, it is text when the query has text and image otherwise. {@code model} may be omitted
 * when the query gives {@code query_vector}.
 */
public record DenseRetriever(String field, String model, int k, String input) implements RetrieverSpec {

    public static final String TEXT_INPUT = "text";
    public static final String IMAGE_INPUT = "image";

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
        if (input != null && TEXT_INPUT.equals(input) == false && IMAGE_INPUT.equals(input) == false) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "[input] must be [text] or [image], got [%s]", input));
        }
    }

    public DenseRetriever(String field, String model, int k) {
        this(field, model, k, null);
    }

    /** The input this retriever encodes for a query that has {@code hasText} query text. */
    String inputFor(boolean hasText) {
        return input != null ? input : hasText ? TEXT_INPUT : IMAGE_INPUT;
    }

    @Override
    public String type() {
        return TYPE;
    }

    DenseRetriever(StreamInput in) throws IOException {
        this(in.readString(), in.readOptionalString(), in.readVInt(), in.readOptionalString());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(field);
        out.writeOptionalString(model);
        out.writeVInt(k);
        out.writeOptionalString(input);
    }

    @Override
    public void toXContent(XContentBuilder builder) throws IOException {
        builder.startObject(TYPE).field("field", field);
        if (model != null) {
            builder.field("model", model);
        }
        builder.field("k", k);
        if (input != null) {
            builder.field("input", input);
        }
        builder.endObject();
    }

    static DenseRetriever parse(XContentParser parser, String name) throws IOException {
        String field = null;
        String model = null;
        int k = DEFAULT_K;
        String input = null;
        String key = null;
        for (XContentParser.Token token = parser.nextToken(); token != XContentParser.Token.END_OBJECT; token = parser.nextToken()) {
            if (token == XContentParser.Token.FIELD_NAME) {
                key = parser.currentName();
            } else if (token.isValue()) {
                switch (key) {
                    case "field" -> field = parser.text();
                    case "model" -> model = parser.text();
                    case "k" -> k = parser.intValue();
                    case "input" -> input = parser.text();
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
            return new DenseRetriever(field, model, k, input);
        } catch (IllegalArgumentException e) {
            throw new ParsingException(
                parser.getTokenLocation(),
                String.format(Locale.ROOT, "[retrievers.%s.dense] %s", name, e.getMessage())
            );
        }
    }
}
