package org.opensearch.multimodal.model;

/**
 * The result of encoding a batch of texts, in input order: one L2-normalized vector per text and, when asked
 * for, each text's L2-normalized token vectors (no special tokens, no padding); {@code truncated[i]} when text i had
 * tokens past the model's window, which the vectors do not see.
 */
public record TextEmbeddings(float[][] vectors, float[][][] tokenVectors, boolean[] truncated) {

    /** Vectors of texts none of which was cut. */
    public TextEmbeddings(float[][] vectors, float[][][] tokenVectors) {
        this(vectors, tokenVectors, new boolean[vectors.length]);
    }

    public int size() {
        return vectors.length;
    }

    public boolean hasTokenVectors() {
        return tokenVectors != null;
    }
}
