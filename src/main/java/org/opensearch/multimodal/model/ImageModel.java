package org.opensearch.multimodal.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.multimodal.image.ImagePreprocessor;
import org.opensearch.multimodal.image.PreprocessorConfig;
import org.opensearch.multimodal.math.VectorMath;

import java.awt.image.BufferedImage;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A loaded image encoder in the CLIP-family export layout: {@code vision_model.onnx} takes {@code pixel_values
 * [batch, 3, H, W]} made by the directory's {@code preprocessor_config.json}, and gives one vector per image
 * ({@code image_embeds [batch, dims]}) and, optionally, patch vectors ({@code last_hidden_state [batch, tokens, width]},
 * whose first {@code patch_skip} rows, the class token, are left out). Thread-safe like {@link TextModel}.
 */
public final class ImageModel implements Closeable {

    private final ModelManifest manifest;
    private final OrtSession session;
    private final OnnxSessions sessions;
    private final ImagePreprocessor preprocessor;
    private final String inputName;
    /** Calls in flight hold the session open; {@link #close} frees it after the last one. */
    private final UseGate gate;

    private ImageModel(
        ModelManifest manifest,
        OrtSession session,
        OnnxSessions sessions,
        ImagePreprocessor preprocessor,
        String inputName
    ) {
        this.manifest = manifest;
        this.session = session;
        this.gate = new UseGate(manifest.id(), this::release);
        this.sessions = sessions;
        this.preprocessor = preprocessor;
        this.inputName = inputName;
    }

    public static ImageModel load(ModelManifest manifest, ModelFiles files, OnnxSessions sessions) throws IOException {
        PreprocessorConfig config;
        try (InputStream in = Files.newInputStream(files.preprocessorConfig())) {
            config = PreprocessorConfig.parse(XContentHelper.convertToMap(JsonXContent.jsonXContent, in, false));
        } catch (IllegalArgumentException e) {
            throw new IOException(String.format(Locale.ROOT, "model [%s]: preprocessor_config.json: %s", manifest.id(), e.getMessage()), e);
        }
        OrtSession session;
        try {
            session = sessions.open(files.visionModel());
        } catch (OrtException e) {
            throw new IOException(
                String.format(Locale.ROOT, "model [%s]: cannot open %s: %s", manifest.id(), files.visionModel(), e.getMessage()),
                e
            );
        }
        try {
            // a combined CLIP export also takes the text tower's inputs: those get placeholders when images are encoded
            String input = session.getInputNames().contains("pixel_values") ? "pixel_values" : null;
            if (input == null && session.getInputNames().size() == 1) {
                input = session.getInputNames().iterator().next();
            }
            if (input == null) {
                throw new IOException(
                    String.format(
                        Locale.ROOT,
                        "model [%s]: %s takes inputs %s, none of them pixel_values",
                        manifest.id(),
                        files.visionModel().getFileName(),
                        session.getInputNames()
                    )
                );
            }
            for (String output : manifest.patchOutput() == null ? List.of(manifest.imageOutput())
                : List.of(manifest.imageOutput(), manifest.patchOutput())) {
                if (session.getOutputNames().contains(output) == false) {
                    throw new IOException(
                        String.format(
                            Locale.ROOT,
                            "model [%s]: %s has no output [%s]; it has %s",
                            manifest.id(),
                            files.visionModel().getFileName(),
                            output,
                            session.getOutputNames()
                        )
                    );
                }
            }
            return new ImageModel(manifest, session, sessions, new ImagePreprocessor(config), input);
        } catch (IOException | RuntimeException e) {
            try {
                session.close();
            } catch (OrtException closing) {
                e.addSuppressed(closing);
            }
            throw e instanceof IOException io ? io
                : new IOException(String.format(Locale.ROOT, "model [%s]: %s", manifest.id(), e.getMessage()), e);
        }
    }

    public ModelManifest manifest() {
        return manifest;
    }

    public boolean hasPatchVectors() {
        return manifest.patchOutput() != null;
    }

    /** One image's model input, {@code [3, height, width]}; the decoded picture can be dropped once this is made. */
    public record PixelTensor(float[] values, int height, int width) {
    }

    public PixelTensor toTensor(BufferedImage image) {
        float[] values = preprocessor.toTensor(image);
        int height = preprocessor.outputHeight(image);
        return new PixelTensor(values, height, values.length / 3 / height);
    }

    /** Encodes {@code images} in one ONNX call (one per image when the preprocessor keeps their different sizes). */
    public ImageEmbeddings encode(List<BufferedImage> images, boolean withPatches) {
        return encodeTensors(images.stream().map(this::toTensor).toList(), withPatches);
    }

    /** As {@link #encode}, for images already made into tensors. */
    public ImageEmbeddings encodeTensors(List<PixelTensor> tensors, boolean withPatches) {
        gate.enter();
        try {
            return encodeEntered(tensors, withPatches);
        } finally {
            gate.exit();
        }
    }

    private ImageEmbeddings encodeEntered(List<PixelTensor> tensors, boolean withPatches) {
        if (withPatches && hasPatchVectors() == false) {
            throw new IllegalArgumentException(
                String.format(Locale.ROOT, "model [%s] names no [patch_output], so it gives no patch vectors", manifest.id())
            );
        }
        float[][] vectors = new float[tensors.size()][];
        float[][][] patches = withPatches ? new float[tensors.size()][][] : null;
        boolean sameSize = tensors.stream().map(t -> t.height() + "x" + t.width()).distinct().count() <= 1;
        if (sameSize) {
            run(tensors, 0, tensors.size(), vectors, patches);
        } else {
            for (int i = 0; i < tensors.size(); i++) {
                run(tensors, i, i + 1, vectors, patches);
            }
        }
        return new ImageEmbeddings(vectors, patches);
    }

    private void run(List<PixelTensor> tensors, int start, int end, float[][] vectors, float[][][] patches) {
        int batch = end - start;
        int height = tensors.get(start).height();
        int width = tensors.get(start).width();
        FloatBuffer pixels = FloatBuffer.allocate(batch * 3 * height * width);
        for (int i = start; i < end; i++) {
            pixels.put(tensors.get(i).values());
        }
        pixels.flip();
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put(inputName, OnnxTensor.createTensor(sessions.environment(), pixels, new long[]{batch, 3, height, width}));
            PlaceholderInputs.fill(sessions.environment(), session, inputs, manifest.id());
        } catch (OrtException e) {
            inputs.values().forEach(OnnxTensor::close);
            throw new IllegalStateException(String.format(Locale.ROOT, "model [%s] failed: %s", manifest.id(), e.getMessage()), e);
        }
        Set<String> wanted = patches == null ? Set.of(manifest.imageOutput())
            : Set.of(manifest.imageOutput(), manifest.patchOutput());
        try (OrtSession.Result result = session.run(inputs, wanted)) {
            float[] embeds = output(result, manifest.imageOutput(), 2, manifest.dims());
            for (int row = 0; row < batch; row++) {
                float[] vector = Arrays.copyOfRange(embeds, row * manifest.dims(), (row + 1) * manifest.dims());
                vectors[start + row] = manifest.normalize() ? VectorMath.l2NormalizeInPlace(vector) : vector;
            }
            if (patches != null) {
                float[] hidden = output(result, manifest.patchOutput(), 3, manifest.patchDims());
                int tokens = hidden.length / batch / manifest.patchDims();
                for (int row = 0; row < batch; row++) {
                    float[][] rows = new float[Math.max(0, tokens - manifest.patchSkip())][];
                    for (int t = 0; t < rows.length; t++) {
                        int offset = (row * tokens + t + manifest.patchSkip()) * manifest.patchDims();
                        rows[t] = VectorMath.l2NormalizeInPlace(Arrays.copyOfRange(hidden, offset, offset + manifest.patchDims()));
                    }
                    patches[start + row] = rows;
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException(String.format(Locale.ROOT, "model [%s] failed: %s", manifest.id(), e.getMessage()), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private float[] output(OrtSession.Result result, String name, int rank, int lastDim) throws OrtException {
        Optional<OnnxValue> value = result.get(name);
        OnnxTensor tensor = (OnnxTensor) value.orElseThrow(
            () -> new IllegalStateException(String.format(Locale.ROOT, "model [%s] has no output [%s]", manifest.id(), name))
        );
        long[] shape = tensor.getInfo().getShape();
        if (shape.length != rank || shape[rank - 1] != lastDim) {
            throw new IllegalStateException(
                String.format(
                    Locale.ROOT,
                    "model [%s]: output [%s] has shape %s, expected rank %d ending in %d",
                    manifest.id(),
                    name,
                    Arrays.toString(shape),
                    rank,
                    lastDim
                )
            );
        }
        FloatBuffer buffer = tensor.getFloatBuffer();
        float[] values = new float[buffer.remaining()];
        buffer.get(values);
        return values;
    }

    /** Unloads: the session is freed once the calls in flight are done; later calls fail with a 503. */
    @Override
    public void close() {
        gate.close();
    }

    private void release() {
        try {
            session.close();
        } catch (OrtException e) {
            // closing a session only frees native memory; nothing to recover
        }
    }
}
