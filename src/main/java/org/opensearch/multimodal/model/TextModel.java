package org.opensearch.multimodal.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A loaded text encoder: a HF tokenizer and an ONNX model whose output is per-token hidden states. One forward pass
 * gives the pooled vector and the token vectors. Thread-safe: ONNX Runtime sessions accept concurrent runs.
 */
public final class TextModel implements Closeable {

    private final ModelManifest manifest;
    private final HuggingFaceTokenizer tokenizer;
    private final OrtSession session;
    private final OnnxSessions sessions;

    private TextModel(ModelManifest manifest, HuggingFaceTokenizer tokenizer, OrtSession session, OnnxSessions sessions) {
        this.manifest = manifest;
        this.tokenizer = tokenizer;
        this.session = session;
        this.sessions = sessions;
    }

    public static TextModel load(ModelManifest manifest, ModelFiles files, OnnxSessions sessions) throws IOException {
        HuggingFaceTokenizer tokenizer = NativeLibraries.withPluginClassLoader(() -> {
            try {
                return HuggingFaceTokenizer.builder()
                    .optTokenizerPath(files.tokenizer())
                    .optAddSpecialTokens(true)
                    .optTruncation(true)
                    .optMaxLength(manifest.maxTokens())
                    .optPadding(false)
                    .build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            return new TextModel(manifest, tokenizer, sessions.open(files.model()), sessions);
        } catch (OrtException e) {
            tokenizer.close();
            throw new IOException(String.format(Locale.ROOT, "model [%s]: cannot open %s: %s", manifest.id(), files.model(), e.getMessage()), e);
        }
    }

    public ModelManifest manifest() {
        return manifest;
    }

    public String device() {
        return sessions.effectiveDevice();
    }

    /** Token ids per text, with prefix and special tokens, truncated to the model's limit; used to sort inputs by length. */
    public int tokenCount(String text, EncodingPurpose purpose) {
        return tokenize(List.of(text), purpose)[0].getIds().length;
    }

    /** Encodes {@code texts} in one ONNX call. Texts longer than the model's limit are truncated. */
    public TextEmbeddings encode(List<String> texts, EncodingPurpose purpose, boolean withTokenVectors) {
        if (texts.isEmpty()) {
            return new TextEmbeddings(new float[0][], withTokenVectors ? new float[0][][] : null);
        }
        Encoding[] encodings = tokenize(texts, purpose);
        int batch = encodings.length;
        int seqLen = 0;
        for (Encoding encoding : encodings) {
            seqLen = Math.max(seqLen, encoding.getIds().length);
        }
        long[] ids = new long[batch * seqLen];
        long[] mask = new long[batch * seqLen];
        long[] types = new long[batch * seqLen];
        for (int row = 0; row < batch; row++) {
            long[] rowIds = encodings[row].getIds();
            System.arraycopy(rowIds, 0, ids, row * seqLen, rowIds.length);
            System.arraycopy(encodings[row].getAttentionMask(), 0, mask, row * seqLen, rowIds.length);
            System.arraycopy(encodings[row].getTypeIds(), 0, types, row * seqLen, rowIds.length);
        }
        float[] hidden = run(ids, mask, types, batch, seqLen);
        int dims = manifest.dims();
        float[][] vectors = new float[batch][];
        float[][][] tokens = withTokenVectors ? new float[batch][][] : null;
        for (int row = 0; row < batch; row++) {
            long[] rowMask = encodings[row].getAttentionMask();
            vectors[row] = HiddenStatePooling.pool(hidden, row, seqLen, dims, rowMask, manifest.pooling(), manifest.normalize());
            if (withTokenVectors) {
                tokens[row] = HiddenStatePooling.tokenVectors(hidden, row, seqLen, dims, rowMask, encodings[row].getSpecialTokenMask());
            }
        }
        return new TextEmbeddings(vectors, tokens);
    }

    private Encoding[] tokenize(List<String> texts, EncodingPurpose purpose) {
        String prefix = manifest.prefix(purpose);
        String[] inputs = texts.stream().map(text -> prefix + text).toArray(String[]::new);
        return NativeLibraries.withPluginClassLoader(() -> tokenizer.batchEncode(inputs));
    }

    private float[] run(long[] ids, long[] mask, long[] types, int batch, int seqLen) {
        long[] shape = { batch, seqLen };
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            for (String name : session.getInputNames()) {
                long[] values = switch (name) {
                    case "input_ids" -> ids;
                    case "attention_mask" -> mask;
                    case "token_type_ids" -> types;
                    default -> throw new IllegalStateException(
                        String.format(Locale.ROOT, "model [%s] has an input [%s] that text models do not feed", manifest.id(), name)
                    );
                };
                inputs.put(name, OnnxTensor.createTensor(sessions.environment(), LongBuffer.wrap(values), shape));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                OnnxTensor output = (OnnxTensor) result.get(manifest.outputName())
                    .orElseThrow(
                        () -> new IllegalStateException(
                            String.format(Locale.ROOT, "model [%s] has no output [%s]", manifest.id(), manifest.outputName())
                        )
                    );
                long[] outShape = output.getInfo().getShape();
                if (outShape.length != 3 || outShape[2] != manifest.dims()) {
                    throw new IllegalStateException(
                        String.format(
                            Locale.ROOT,
                            "model [%s]: output [%s] has shape %s, expected [batch, seq, %d]",
                            manifest.id(),
                            manifest.outputName(),
                            java.util.Arrays.toString(outShape),
                            manifest.dims()
                        )
                    );
                }
                FloatBuffer buffer = output.getFloatBuffer();
                float[] hidden = new float[buffer.remaining()];
                buffer.get(hidden);
                return hidden;
            }
        } catch (OrtException e) {
            throw new IllegalStateException(String.format(Locale.ROOT, "model [%s] failed: %s", manifest.id(), e.getMessage()), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // closing a session only frees native memory; nothing to recover
        } finally {
            tokenizer.close();
        }
    }
}
