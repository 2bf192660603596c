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

    /** {@code num_candidates} given as 0 (unset) or between {@code k} (once known) and {@link DenseRetriever#MAX_K}. */
    static void checkNumCandidates(int k, int numCandidates) {
        if (numCandidates < 0 || numCandidates > DenseRetriever.MAX_K || (numCandidates > 0 && k > 0 && numCandidates < k)) {
            throw new IllegalArgumentException(
                String.format(
                    Locale.ROOT,
                    "[num_candidates] must be between [k] (%d) and %d, got [%d]",
                    k,
                    DenseRetriever.MAX_K,
                    numCandidates
                )
            );
        }
    }

    /** How many candidates a search keeps for the best {@code k}: {@code num_candidates}, else twice k (at most MAX_K). */
    static int candidates(int k, int numCandidates) {
        return numCandidates > 0 ? numCandidates : Math.max(k, Math.min(2 * k, DenseRetriever.MAX_K));
    }
}
