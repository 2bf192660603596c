package org.opensearch.multimodal.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Inputs of the other tower, for a CLIP export shipped as one {@code model.onnx}: encoding text still needs some
 * {@code pixel_values}, encoding images some {@code input_ids}. One smallest valid value each (dynamic dims as 1, a
 * mask of ones); only the requested outputs are computed, so the placeholder costs next to nothing.
 */
final class PlaceholderInputs {

    private PlaceholderInputs() {
    }

    /** Adds a placeholder for every input of {@code session} that {@code inputs} does not have yet. */
    static void fill(OrtEnvironment environment, OrtSession session, Map<String, OnnxTensor> inputs, String modelId) throws OrtException {
        for (Map.Entry<String, NodeInfo> input : session.getInputInfo().entrySet()) {
            if (inputs.containsKey(input.getKey())) {
                continue;
            }
            TensorInfo info = input.getValue().getInfo() instanceof TensorInfo tensorInfo ? tensorInfo : null;
            if (info == null) {
                throw new IllegalStateException(
                    String.format(Locale.ROOT, "model [%s]: input [%s] is not a tensor", modelId, input.getKey())
                );
            }
            long[] shape = Arrays.stream(info.getShape()).map(d -> d < 1 ? 1 : d).toArray();
            int size = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            boolean mask = input.getKey().contains("mask");
            OnnxTensor tensor;
            if (info.type == OnnxJavaType.FLOAT) {
                tensor = OnnxTensor.createTensor(environment, FloatBuffer.allocate(size), shape);
            } else if (info.type == OnnxJavaType.INT64) {
                long[] values = new long[size];
                Arrays.fill(values, mask ? 1L : 0L);
                tensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(values), shape);
            } else {
                throw new IllegalStateException(
                    String.format(
                        Locale.ROOT,
                        "model [%s]: cannot make a placeholder for input [%s] of type %s",
                        modelId,
                        input.getKey(),
                        info.type
                    )
                );
            }
            inputs.put(input.getKey(), tensor);
        }
    }
}
