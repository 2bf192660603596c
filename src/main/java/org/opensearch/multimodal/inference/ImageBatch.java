package org.opensearch.multimodal.inference;

/**
 * The outcome of one batch of images, in input order: for each image either its vector (and patch vectors when asked
 * for) or the failure that kept it out, so one bad image fails only its own document.
 */
public record ImageBatch(float[][] vectors, float[][][] patchVectors, Exception[] failures) {

    public int size() {
        return vectors.length;
    }

    public boolean failed(int i) {
        return failures[i] != null;
    }
}
