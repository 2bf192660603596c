package org.opensearch.multimodal.settings;

import java.util.Locale;

/** The device a node asks ONNX Runtime to run models on. */
public enum InferenceDevice {

    /** CUDA when ONNX Runtime on this node offers it, CPU otherwise. */
    AUTO, CPU,
    /** CUDA; a node without a usable GPU falls back to CPU and says so once in its log. */
    CUDA;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
