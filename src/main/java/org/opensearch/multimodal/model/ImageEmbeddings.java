package org.opensearch.multimodal.model;

/**
 * The result of encoding a batch of images, in input order: one L2-normalized vector per image and, when asked for
 * and the model has them, each image's L2-normalized patch vectors.
 */
public record ImageEmbeddings(float[][] vectors, float[][][] patchVectors) {

    public int size() {
        return vectors.length;
    }

    public boolean hasPatchVectors() {
        return patchVectors != null;
    }
}
