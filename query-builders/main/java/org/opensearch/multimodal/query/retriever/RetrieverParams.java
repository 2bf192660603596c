package org.opensearch.multimodal.query.retriever;

import org.opensearch.core.common.ParsingException;
import org.opensearch.core.xcontent.XContentParser;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The numeric parameters every retriever kind shares: their bounds and checks, so each states them once with the same 400. */
public final class RetrieverParams {

    /** The most candidates a retriever proposes ({@code k}, {@code num_candidates}, GQR's {@code pool_k}). */
    public static final int MAX_K = 10_000;

    private RetrieverParams() {
    }

    /** A retriever's {@code k}: 0 (the query's k) or 1..{@link #MAX_K}. */
    static void checkK(int k) {
        if (k < 0 || k > MAX_K) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "[k] must be between 1 and %d, got [%d]", MAX_K, k));
        }
    }

    /**
     * A {@code k}-like count given explicitly: 1..{@link #MAX_K} (0 is reserved for "unset: the query's
     * k", so a user's 0 is an error rather than a silent default).
     */
    static int count(XContentParser parser, String retriever, String type, String param, int value) {
        if (value < 1 || value > MAX_K) {
            throw new ParsingException(
                parser.getTokenLocation(),
                String.format(
                    Locale.ROOT,
                    "[retrievers.%s.%s.%s] must be between 1 and %d, got [%d]",
                    retriever,
                    type,
                    param,
                    MAX_K,
                    value
                )
            );
        }
        return value;
    }

    /** {@code num_candidates} given as 0 (unset) or between {@code k} (once known) and {@link #MAX_K}. */
    static void checkNumCandidates(int k, int numCandidates) {
        if (numCandidates < 0 || numCandidates > MAX_K || (numCandidates > 0 && k > 0 && numCandidates < k)) {
            throw new IllegalArgumentException(
                String.format(
                    Locale.ROOT,
                    "[num_candidates] must be between [k] (%d) and %d, got [%d]",
                    k,
                    MAX_K,
                    numCandidates
                )
            );
        }
    }

    /** How many candidates a search keeps for the best {@code k}: {@code num_candidates}, else twice k (at most MAX_K). */
    static int candidates(int k, int numCandidates) {
        return numCandidates > 0 ? numCandidates : Math.max(k, Math.min(2 * k, MAX_K));
    }

    /** Every retriever that states no {@code k} of its own proposes {@code queryK}. */
    public static Map<String, RetrieverSpec> withQueryK(Map<String, ? extends RetrieverSpec> retrievers, int queryK) {
        if (retrievers == null) {
            return null;
        }
        Map<String, RetrieverSpec> resolved = new LinkedHashMap<>();
        retrievers.forEach((name, retriever) -> {
            try {
                resolved.put(name, retriever.withQueryK(queryK));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "[retrievers.%s.%s] %s", name, retriever.type(), e.getMessage()),
                    e
                );
            }
        });
        return resolved;
    }
}
