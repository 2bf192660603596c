package org.opensearch.multimodal.mapper;

import org.apache.lucene.index.VectorSimilarityFunction;

import java.util.Arrays;
import java.util.Locale;

/** The similarities a {@code dense_vector} field offers, and the Lucene function each one is indexed with. */
public enum VectorSimilarity {

    /** Vectors are L2-normalized when indexed and when queried, so the dot product is their cosine. */
    COSINE(VectorSimilarityFunction.DOT_PRODUCT, true),
    /** Raw inner product; Lucene's maximum-inner-product scoring keeps scores positive for unnormalized vectors. */
    DOT_PRODUCT(VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT, false), L2_NORM(VectorSimilarityFunction.EUCLIDEAN, false);

    private final VectorSimilarityFunction luceneFunction;
    private final boolean normalizes;

    VectorSimilarity(VectorSimilarityFunction luceneFunction, boolean normalizes) {
        this.luceneFunction = luceneFunction;
        this.normalizes = normalizes;
    }

    public VectorSimilarityFunction luceneFunction() {
        return luceneFunction;
    }

    /** Whether vectors are L2-normalized before they are indexed or searched. */
    public boolean normalizes() {
        return normalizes;
    }

    public static VectorSimilarity parse(String value) {
        for (VectorSimilarity similarity : values()) {
            if (similarity.toString().equals(value)) {
                return similarity;
            }
        }
        throw new IllegalArgumentException(
            String.format(Locale.ROOT, "unknown similarity [%s], expected one of %s", value, Arrays.toString(values()))
        );
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
