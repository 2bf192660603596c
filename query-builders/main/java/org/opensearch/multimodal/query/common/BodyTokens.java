package org.opensearch.multimodal.query.common;

import org.opensearch.core.common.ParsingException;
import org.opensearch.core.xcontent.XContentParser;

import java.io.IOException;
import java.util.Locale;

/** The next token of a request body an object or array of ours is parsed from; a body cut short is a 400, not a null. */
public final class BodyTokens {

    private BodyTokens() {
    }

    /** The parser's next token; a {@link ParsingException} naming {@code where} when the body ends first. */
    public static XContentParser.Token next(XContentParser parser, String where) throws IOException {
        XContentParser.Token token = parser.nextToken();
        if (token == null) {
            throw new ParsingException(
                parser.getTokenLocation(),
                String.format(Locale.ROOT, "[%s] the request body ends before this object or array closes", where)
            );
        }
        return token;
    }
}
