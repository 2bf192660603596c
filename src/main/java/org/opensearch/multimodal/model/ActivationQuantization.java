package org.opensearch.multimodal.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether an ONNX graph quantizes its activations per call (dynamic quantization: ONNX Runtime's
 * {@code quantize_dynamic} inserts {@code DynamicQuantizeLinear} before each integer matrix product). Such a graph
 * takes one scale over everything in a call, so a text's vectors would depend on the texts batched with it: a model
 * whose graph does this is run one text per call ({@link TextModel}).
 */
public final class ActivationQuantization {

    /** The operator's name as the graph's protobuf stores it (a node's {@code op_type}, plain UTF-8). */
    private static final byte[] DYNAMIC_QUANTIZE = "DynamicQuantizeLinear".getBytes(StandardCharsets.UTF_8);

    private ActivationQuantization() {
    }

    /** True when the graph in {@code onnxFile} holds a {@code DynamicQuantizeLinear} node. */
    public static boolean isDynamic(Path onnxFile) throws IOException {
        try (InputStream in = Files.newInputStream(onnxFile)) {
            return contains(in, DYNAMIC_QUANTIZE);
        }
    }

    /** Streams {@code in} looking for {@code needle}, carrying the last bytes of each block into the next. */
    static boolean contains(InputStream in, byte[] needle) throws IOException {
        byte[] buffer = new byte[(1 << 16) + needle.length];
        int kept = 0;
        for (int read = in.read(buffer, kept, buffer.length - kept); read > 0; read = in.read(buffer, kept, buffer.length - kept)) {
            int filled = kept + read;
            if (indexOf(buffer, filled, needle) >= 0) {
                return true;
            }
            kept = Math.min(needle.length - 1, filled);
            System.arraycopy(buffer, filled - kept, buffer, 0, kept);
        }
        return false;
    }

    private static int indexOf(byte[] haystack, int length, byte[] needle) {
        outer : for (int i = 0; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
