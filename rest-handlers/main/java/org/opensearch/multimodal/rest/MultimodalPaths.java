package org.opensearch.multimodal.rest;

/** The plugin's REST namespace. */
final class MultimodalPaths {

    static final String BASE = "/_plugins/_multimodal";

    private MultimodalPaths() {
    }
}
