package org.opensearch.multimodal.model;

/**
 * The result of encoding a batch of texts, in input order: one L2-normalized vector per text and, when asked
 * for, each text's L2-normalized token vectors (no special tokens, no padding).
 */
public record TextEmbeddings(float[][] vectors, float[][][] tokenVectors) {

    public int size() {
        return vectors.length;
    }

    public boolean hasTokenVectors() {
        return tokenVectors != null;
    }
}
