package org.opensearch.multimodal.query.common;

import org.opensearch.ExceptionsHelper;
import org.opensearch.core.common.ParsingException;
import org.opensearch.core.xcontent.XContentLocation;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.index.query.AbstractQueryBuilder;
import org.opensearch.index.query.QueryBuilder;

import java.io.IOException;
import java.util.Locale;

/**
 * Parses a query the {@code multimodal} query carries (a lexical retriever's, the filter) with OpenSearch's own
 * parsers. Some of those fail on malformed input with an exception the REST layer answers with a 500 (for example
 * {@code {"match": {"title": []}}}); {@code bool} answers it with a 400 naming its clause, and so does this, naming the
 * parameter that held the query.
 */
public final class InnerQueries {

    private InnerQueries() {
    }

    /** Parses the query object {@code parser} is on; {@code path} names where it sits, e.g. {@code retrievers.bm25.lexical}. */
    public static QueryBuilder parse(XContentParser parser, String path) throws IOException {
        XContentLocation location = parser.getTokenLocation();
        try {
            return AbstractQueryBuilder.parseInnerQueryBuilder(parser);
        } catch (RuntimeException e) {
            if (ExceptionsHelper.status(e).getStatus() < 500) {
                throw e;
            }
            throw new ParsingException(
                location,
                String.format(Locale.ROOT, "[%s] is not a valid query: %s", path, ExceptionsHelper.unwrapCause(e).getMessage()),
                e
            );
        }
    }
}
