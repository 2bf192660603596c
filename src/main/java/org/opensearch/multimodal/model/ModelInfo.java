package org.opensearch.multimodal.model;

import java.util.List;

/**
 * What the models API reports about one model on one node: its manifest, directory and files, the device it runs on,
 * whether it is loaded, the bytes of its loaded ONNX files (what its sessions hold, to a first approximation; the node's
 * native memory as a whole is {@link ProcessMemory}) and how long loading took, and its fingerprint
 * ({@link ModelFingerprint}).
 */
public record ModelInfo(
    ModelManifest manifest,
    String path,
    List<String> files,
    String device,
    boolean loaded,
    long loadedBytes,
    long loadMillis,
    String fingerprint
) {
}
