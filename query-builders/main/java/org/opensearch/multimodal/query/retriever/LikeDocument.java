package org.opensearch.multimodal.query.retriever;

import org.opensearch.core.common.ParsingException;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.multimodal.query.common.BodyTokens;

import java.io.IOException;
import java.util.Locale;

/**
 * {@code "like": {"_index": "products", "_id": "42"}}: search with the vectors that document already has, one per
 * retriever field ("more like this product"). The document itself is left out of the hits.
 */
public record LikeDocument(String index, String id) {

    public LikeDocument {
        if (index == null || index.isBlank() || id == null || id.isBlank()) {
            throw new IllegalArgumentException("[like] needs [_index] and [_id]");
        }
    }

    public LikeDocument(StreamInput in) throws IOException {
        this(in.readString(), in.readString());
    }

    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(index);
        out.writeString(id);
    }

    public void toXContent(XContentBuilder builder) throws IOException {
        builder.startObject("like").field("_index", index).field("_id", id).endObject();
    }

    public static LikeDocument parse(XContentParser parser) throws IOException {
        String index = null;
        String id = null;
        String key = null;
        for (XContentParser.Token token = BodyTokens.next(parser, "like"); token != XContentParser.Token.END_OBJECT; token = BodyTokens
            .next(parser, "like")) {
            if (token == XContentParser.Token.FIELD_NAME) {
                key = parser.currentName();
            } else if (token.isValue() && "_index".equals(key)) {
                index = parser.text();
            } else if (token.isValue() && "_id".equals(key)) {
                id = parser.text();
            } else {
                throw new ParsingException(parser.getTokenLocation(), String.format(Locale.ROOT, "[like] unknown parameter [%s]", key));
            }
        }
        try {
            return new LikeDocument(index, id);
        } catch (IllegalArgumentException e) {
            throw new ParsingException(parser.getTokenLocation(), e.getMessage());
        }
    }
}
