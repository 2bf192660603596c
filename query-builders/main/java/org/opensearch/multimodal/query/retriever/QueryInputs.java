package org.opensearch.multimodal.query.retriever;

import org.opensearch.multimodal.mapper.VectorParsing;

/**
 * What a {@code multimodal} query searches with: {@code query_text}, {@code query_image}, {@code query_vector} or a
 * {@code like} document. Each retriever says which of them it needs ({@link RetrieverSpec#checkInputs}).
 */
public record QueryInputs(String text, String image, float[] vector, LikeDocument like) {

    /** The checks that do not depend on a retriever's kind, each a 400 naming the parameter. */
    public void check() {
        if (text == null && image == null && vector == null && like == null) {
            throw new IllegalArgumentException("[multimodal] needs [query_text], [query_image], [query_vector] or [like]");
        }
        if (like != null && (text != null || image != null || vector != null)) {
            throw new IllegalArgumentException(
                "[like] searches with the liked document's own vectors: give it without [query_text], [query_image] and [query_vector]"
            );
        }
        if (vector != null) {
            VectorParsing.checkVector(vector, vector.length, "query_vector", vector.length);
        }
    }

    /** Whether the retrievers' query vectors come from the coordinating node's encoders (not a given vector or a like document). */
    boolean encoded() {
        return vector == null && like == null;
    }
}
