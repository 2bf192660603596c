package org.opensearch.multimodal.model;

import java.util.List;

/**
 * What the models API reports about one model on one node: its manifest, directory and files, the device it runs on,
 * whether it is loaded, the bytes of its loaded ONNX files, how much the process's resident memory grew while they
 * loaded (ONNX Runtime's weights and session state, outside the heap), whether its sessions keep a CPU memory arena,
 * how long loading took, and its fingerprint ({@link ModelFingerprint}).
 */
public record ModelInfo(
    ModelManifest manifest,
    String path,
    List<String> files,
    String device,
    boolean loaded,
    long loadedBytes,
    long nativeBytes,
    boolean cpuMemoryArena,
    long loadMillis,
    String fingerprint
) {
}
