package org.opensearch.multimodal.query;

import org.opensearch.core.common.ParsingException;
import org.opensearch.core.xcontent.XContentParser;

import java.util.Locale;

/** Checks of the numeric parameters retrievers share, so each states them once with the same 400. */
final class RetrieverParams {

    private RetrieverParams() {
    }

    /**
     * A {@code k}-like count given explicitly: 1..{@link DenseRetriever#MAX_K} (0 is reserved for "unset: the query's
     * k", so a user's 0 is an error rather than a silent default).
     */
    static int count(XContentParser parser, String retriever, String type, String param, int value) {
        if (value < 1 || value > DenseRetriever.MAX_K) {
            throw new ParsingException(
                parser.getTokenLocation(),
                String.format(
                    Locale.ROOT,
                    "[retrievers.%s.%s.%s] must be between 1 and %d, got [%d]",
                    retriever,
                    type,
                    param,
                    DenseRetriever.MAX_K,
                    value
                )
            );
        }
        return value;
    }
}
