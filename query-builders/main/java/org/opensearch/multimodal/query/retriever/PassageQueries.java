package org.opensearch.multimodal.query.retriever;

import java.util.List;
import java.util.function.Function;

/**
 * What a shard's search compared a field's passages with, as the best-passage highlighter reads it: the query vector
 * of a dense retriever on a chunked field, the query's token vectors for a {@code multi_vector} field (a multi-vector
 * retriever's, or the {@code late_interaction} rescorer's).
 */
public interface PassageQueries {

    /** The query vector a dense retriever compared with {@code field}'s passages; null when none searched it. */
    default float[] passageQuery(String field) {
        return null;
    }

    /** The query's token vectors MaxSim compared with {@code field}'s token rows; null when nothing did. */
    default float[][] passageTokens(String field) {
        return null;
    }

    /** What the first of {@code candidates} that is a {@link PassageQueries} and answers {@code compared} answers; or null. */
    static <T> T first(List<?> candidates, Function<PassageQueries, T> compared) {
        for (Object candidate : candidates) {
            T answer = candidate instanceof PassageQueries passages ? compared.apply(passages) : null;
            if (answer != null) {
                return answer;
            }
        }
        return null;
    }
}
