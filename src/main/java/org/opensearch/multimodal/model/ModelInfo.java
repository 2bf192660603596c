package org.opensearch.multimodal.model;

/** What the models API reports about one model. */
public record ModelInfo(ModelManifest manifest, String path, String device, boolean loaded) {}
