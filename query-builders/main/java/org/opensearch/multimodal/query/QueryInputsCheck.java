package org.opensearch.multimodal.query;

import org.opensearch.multimodal.mapper.VectorParsing;

import java.util.Locale;
import java.util.Map;

/** The {@code multimodal} query's checks of its inputs against its retrievers, each a 400 naming the parameter. */
final class QueryInputsCheck {

    private QueryInputsCheck() {
    }

    static void check(
        String queryText,
        String queryImage,
        float[] queryVector,
        LikeDocument like,
        Map<String, ? extends RetrieverSpec> retrievers
    ) {
        if (retrievers == null || retrievers.isEmpty()) {
            throw new IllegalArgumentException("[retrievers] must name at least one retriever");
        }
        if (queryText == null && queryImage == null && queryVector == null && like == null) {
            throw new IllegalArgumentException("[multimodal] needs [query_text], [query_image], [query_vector] or [like]");
        }
        if (like != null && (queryText != null || queryImage != null || queryVector != null)) {
            throw new IllegalArgumentException(
                "[like] searches with the liked document's own vectors: give it without [query_text], [query_image] and [query_vector]"
            );
        }
        if (queryVector != null) {
            VectorParsing.checkVector(queryVector, queryVector.length, "query_vector", queryVector.length);
        }
        if (retrievers.values().stream().allMatch(r -> r instanceof MultiVectorRetriever)) {
            throw new IllegalArgumentException(
                "[retrievers] a multi_vector retriever only scores candidates: add a dense or lexical retriever to propose them"
            );
        }
        for (Map.Entry<String, ? extends RetrieverSpec> named : retrievers.entrySet()) {
            String name = named.getKey();
            if (named.getValue() instanceof MultiVectorRetriever && queryText == null) {
                throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "[retrievers.%s.multi_vector] needs [query_text] to encode the query's token vectors", name)
                );
            }
            if (named.getValue() instanceof DenseRetriever dense && queryVector == null && like == null) {
                String input = dense.inputFor(queryText != null);
                String given = DenseRetriever.TEXT_INPUT.equals(input) ? queryText : queryImage;
                if (given == null) {
                    throw new IllegalArgumentException(
                        String
                            .format(Locale.ROOT, "[retrievers.%s.dense.input] is [%s] but the query has no [query_%s]", name, input, input)
                    );
                }
                if (dense.model() == null) {
                    throw new IllegalArgumentException(
                        String.format(Locale.ROOT, "[retrievers.%s.dense.model] is required to encode [query_%s]", name, input)
                    );
                }
            }
        }
    }
}
