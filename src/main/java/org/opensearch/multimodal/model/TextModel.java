package org.opensearch.multimodal.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.opensearch.multimodal.chunking.TokenSpans;
import org.opensearch.multimodal.math.VectorMath;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A loaded text encoder: a HF tokenizer and an ONNX model whose output is per-token hidden states. One forward pass
 * gives the pooled vector and the token vectors. Thread-safe: ONNX Runtime sessions accept concurrent runs.
 */
public final class TextModel implements Closeable {

    /**
     * Most tokens (batch x padded length) one ONNX call takes: bounds a call's hidden-state output (here 16,384 x 384
     * floats, 24 MiB) whatever the batch size and text lengths, so no single request can exhaust the heap.
     */
    static final int MAX_TOKENS_PER_RUN = 16_384;

    /**
     * Most attention cells (batch x padded length squared) one ONNX call takes. A transformer's attention scores are
     * batch x heads x length x length floats per layer, so ONNX Runtime's working memory grows with the square of the
     * length: 64 texts of 512 tokens ask for about 800 MB per layer, 4 of them for 50 MB. This keeps one call's native
     * memory small whatever the texts, and so what ONNX Runtime's arena keeps; on a CPU smaller batches cost no speed
     * (each call runs on one thread).
     */
    static final long MAX_ATTENTION_CELLS_PER_RUN = 1L << 20;

    private final ModelManifest manifest;
    private final HuggingFaceTokenizer tokenizer;
    /** The same vocabulary without special tokens or truncation: where each token of a whole text lies, for chunking. */
    private final HuggingFaceTokenizer spanTokenizer;
    private final OrtSession session;
    private final OnnxSessions sessions;
    /**
     * Most texts one ONNX call takes: 1 on a CPU (each call runs on one thread, so a batch only adds padding: measured
     * slower than one text a call) and for a graph that quantizes its activations per call (its vectors would depend on
     * the batch); otherwise {@link Integer#MAX_VALUE} (a GPU wants batches). A text's vectors then depend on the text and
     * the model alone.
     */
    private final int maxRowsPerCall;
    /** Calls in flight hold the session open; {@link #close} frees it after the last one. */
    private final UseGate gate;

    private TextModel(
        ModelManifest manifest,
        HuggingFaceTokenizer tokenizer,
        HuggingFaceTokenizer spanTokenizer,
        OrtSession session,
        OnnxSessions sessions,
        int maxRowsPerCall
    ) {
        this.manifest = manifest;
        this.tokenizer = tokenizer;
        this.spanTokenizer = spanTokenizer;
        this.session = session;
        this.sessions = sessions;
        this.maxRowsPerCall = maxRowsPerCall;
        this.gate = new UseGate(manifest.id(), this::release);
    }

    public static TextModel load(ModelManifest manifest, ModelFiles files, OnnxSessions sessions) throws IOException {
        HuggingFaceTokenizer tokenizer = tokenizer(files, true, manifest.maxTokens());
        HuggingFaceTokenizer spanTokenizer;
        try {
            spanTokenizer = tokenizer(files, false, 0);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
        try {
            OrtSession session = sessions.open(files.textModel());
            try {
                // on a CPU every model runs a text per call, so the file is read for its operators only off the CPU
                boolean batchInvariant = "cpu".equals(sessions.effectiveDevice()) == false
                    && ActivationQuantization.isDynamic(files.textModel()) == false;
                return new TextModel(manifest, tokenizer, spanTokenizer, session, sessions, batchInvariant ? Integer.MAX_VALUE : 1);
            } catch (IOException e) {
                session.close();
                throw e;
            }
        } catch (IOException e) {
            tokenizer.close();
            spanTokenizer.close();
            throw e;
        } catch (OrtException e) {
            tokenizer.close();
            spanTokenizer.close();
            throw new IOException(
                String.format(Locale.ROOT, "model [%s]: cannot open %s: %s", manifest.id(), files.textModel(), e.getMessage()),
                e
            );
        }
    }

    /** The model's tokenizer: for the model's input (special tokens, cut at {@code maxLength}), or whole, for spans. */
    private static HuggingFaceTokenizer tokenizer(ModelFiles files, boolean forModelInput, int maxLength) {
        return NativeLibraries.withPluginClassLoader(() -> {
            try {
                HuggingFaceTokenizer.Builder builder = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(files.tokenizer())
                    .optAddSpecialTokens(forModelInput)
                    .optTruncation(forModelInput)
                    .optPadding(false);
                return forModelInput ? builder.optMaxLength(maxLength).build() : builder.build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    public ModelManifest manifest() {
        return manifest;
    }

    public String device() {
        return sessions.effectiveDevice();
    }

    /** Token ids per text, with prefix and special tokens, truncated to the model's limit; used to sort inputs by length. */
    public int tokenCount(String text, EncodingPurpose purpose) {
        gate.enter();
        try {
            return tokenize(List.of(text), purpose)[0].getIds().length;
        } finally {
            gate.exit();
        }
    }

    /**
     * Encodes {@code texts}, in one ONNX call unless they are more than {@link #maxRowsPerCall} or the padded batch holds
     * more than {@link #MAX_TOKENS_PER_RUN} tokens or {@link #MAX_ATTENTION_CELLS_PER_RUN} attention cells (then in
     * consecutive runs that each stay under all three). Texts longer than the model's limit are truncated.
     */
    public TextEmbeddings encode(List<String> texts, EncodingPurpose purpose, boolean withTokenVectors) {
        gate.enter();
        try {
            return encodeEntered(texts, purpose, withTokenVectors);
        } finally {
            gate.exit();
        }
    }

    private TextEmbeddings encodeEntered(List<String> texts, EncodingPurpose purpose, boolean withTokenVectors) {
        if (texts.isEmpty()) {
            return new TextEmbeddings(new float[0][], withTokenVectors ? new float[0][][] : null);
        }
        if (withTokenVectors && manifest.pooling() == Pooling.NONE) {
            throw new IllegalArgumentException(
                String.format(
                    Locale.ROOT,
                    "model [%s] gives one vector per text ([%s]), not token vectors",
                    manifest.id(),
                    manifest.outputName()
                )
            );
        }
        Encoding[] encodings = tokenize(texts, purpose);
        int[] lengths = new int[encodings.length];
        boolean[] truncated = new boolean[encodings.length];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = encodings[i].getIds().length;
            truncated[i] = encodings[i].exceedMaxLength();
        }
        float[][] vectors = new float[encodings.length][];
        float[][][] tokens = withTokenVectors ? new float[encodings.length][][] : null;
        int start = 0;
        for (int end : runEnds(lengths, maxRowsPerCall, MAX_TOKENS_PER_RUN, MAX_ATTENTION_CELLS_PER_RUN)) {
            int seqLen = 0;
            for (int i = start; i < end; i++) {
                seqLen = Math.max(seqLen, lengths[i]);
            }
            encodeRun(encodings, start, end, seqLen, vectors, tokens);
            start = end;
        }
        return new TextEmbeddings(vectors, tokens, truncated);
    }

    /**
     * Cuts inputs of the given token lengths, in order, into consecutive runs of at most {@code maxRows} whose padded size
     * (rows x longest) stays within {@code maxTokens} and whose attention (rows x longest squared) within
     * {@code maxAttentionCells}; a single input over either is a run of its own. Returns each run's end index.
     */
    static int[] runEnds(int[] lengths, int maxRows, int maxTokens, long maxAttentionCells) {
        int[] ends = new int[lengths.length];
        int runs = 0;
        int start = 0;
        while (start < lengths.length) {
            int end = start + 1;
            int longest = lengths[start];
            while (end < lengths.length && end - start < maxRows) {
                long padded = Math.max(longest, lengths[end]);
                long rows = end - start + 1;
                if (padded * rows > maxTokens || padded * padded * rows > maxAttentionCells) {
                    break;
                }
                longest = (int) padded;
                end++;
            }
            ends[runs++] = end;
            start = end;
        }
        return Arrays.copyOf(ends, runs);
    }

    /** One ONNX call for {@code encodings[start, end)} padded to {@code seqLen}; fills their rows of the outputs. */
    private void encodeRun(Encoding[] encodings, int start, int end, int seqLen, float[][] vectors, float[][][] tokens) {
        int batch = end - start;
        long[] ids = new long[batch * seqLen];
        long[] mask = new long[batch * seqLen];
        long[] types = new long[batch * seqLen];
        for (int row = 0; row < batch; row++) {
            Encoding encoding = encodings[start + row];
            long[] rowIds = encoding.getIds();
            System.arraycopy(rowIds, 0, ids, row * seqLen, rowIds.length);
            System.arraycopy(encoding.getAttentionMask(), 0, mask, row * seqLen, rowIds.length);
            System.arraycopy(encoding.getTypeIds(), 0, types, row * seqLen, rowIds.length);
        }
        float[] hidden = run(ids, mask, types, batch, seqLen);
        int dims = manifest.dims();
        if (manifest.pooling() == Pooling.NONE) {
            for (int row = 0; row < batch; row++) {
                float[] vector = Arrays.copyOfRange(hidden, row * dims, (row + 1) * dims);
                vectors[start + row] = manifest.normalize() ? VectorMath.l2NormalizeInPlace(vector) : vector;
            }
            return;
        }
        for (int row = 0; row < batch; row++) {
            Encoding encoding = encodings[start + row];
            long[] rowMask = Arrays.copyOf(encoding.getAttentionMask(), seqLen);
            vectors[start + row] = HiddenStatePooling.pool(hidden, row, seqLen, dims, rowMask, manifest.pooling(), manifest.normalize());
            if (tokens != null) {
                long[] special = Arrays.copyOf(encoding.getSpecialTokenMask(), seqLen);
                tokens[start + row] = HiddenStatePooling.tokenVectors(hidden, row, seqLen, dims, rowMask, special);
            }
        }
    }

    /**
     * Where {@code text}'s tokens lie (UTF-16 offsets; no special tokens, no prefix), reading at most {@code limit}
     * tokens: a long text is tokenized a piece of {@link #SPAN_PIECE_CHARS} characters at a time, cut at whitespace, and
     * only as far as needed, so a 10 MB text costs no more than the windows it fills.
     */
    public TokenSpans tokenSpans(String text, int limit) {
        gate.enter();
        try {
            int[] starts = new int[Math.min(limit, 1024)];
            int[] ends = new int[starts.length];
            int count = 0;
            int offset = 0;
            while (offset < text.length() && count < limit) {
                int pieceEnd = pieceEnd(text, offset);
                String piece = text.substring(offset, pieceEnd);
                CharSpan[] spans = NativeLibraries.withPluginClassLoader(() -> spanTokenizer.encode(piece)).getCharTokenSpans();
                // the tokenizer counts code points; OpenSearch and Java count UTF-16 units
                int codePoint = 0;
                int unit = 0;
                for (int i = 0; i < spans.length && count < limit + 1; i++) {
                    if (spans[i] == null) {
                        continue;
                    }
                    for (; codePoint < spans[i].getStart(); codePoint++) {
                        unit += Character.charCount(piece.codePointAt(unit));
                    }
                    int start = unit;
                    for (; codePoint < spans[i].getEnd(); codePoint++) {
                        unit += Character.charCount(piece.codePointAt(unit));
                    }
                    if (count == starts.length) {
                        starts = Arrays.copyOf(starts, count * 2);
                        ends = Arrays.copyOf(ends, count * 2);
                    }
                    starts[count] = offset + start;
                    ends[count] = offset + unit;
                    count++;
                }
                offset = pieceEnd;
            }
            boolean more = count > limit || offset < text.length();
            return new TokenSpans(starts, ends, Math.min(count, limit), more);
        } finally {
            gate.exit();
        }
    }

    /** Characters the span tokenizer reads at once: its spans of a piece cost a few dozen bytes a character. */
    static final int SPAN_PIECE_CHARS = 16_384;

    /** The end of the piece starting at {@code offset}: the last whitespace within reach, never inside a surrogate pair. */
    private static int pieceEnd(String text, int offset) {
        int limit = offset + SPAN_PIECE_CHARS;
        if (limit >= text.length()) {
            return text.length();
        }
        for (int i = limit; i > offset + SPAN_PIECE_CHARS / 2; i--) {
            if (Character.isWhitespace(text.charAt(i - 1))) {
                return i;
            }
        }
        return Character.isLowSurrogate(text.charAt(limit)) ? limit - 1 : limit;
    }

    /** Tokens of text one call holds: the model's limit less its special tokens and the document prefix. */
    public int textWindow() {
        return manifest.maxTokens() - tokenCount("", EncodingPurpose.DOCUMENT);
    }

    private Encoding[] tokenize(List<String> texts, EncodingPurpose purpose) {
        String prefix = manifest.prefix(purpose);
        String[] inputs = texts.stream().map(text -> prefix + text).toArray(String[]::new);
        return NativeLibraries.withPluginClassLoader(() -> tokenizer.batchEncode(inputs));
    }

    private float[] run(long[] ids, long[] mask, long[] types, int batch, int seqLen) {
        long[] shape = {batch, seqLen};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            for (String name : session.getInputNames()) {
                long[] values = switch (name) {
                    case "input_ids" -> ids;
                    case "attention_mask" -> mask;
                    case "token_type_ids" -> types;
                    default -> null; // the image tower's input of a combined CLIP export: a placeholder below
                };
                if (values != null) {
                    inputs.put(name, OnnxTensor.createTensor(sessions.environment(), LongBuffer.wrap(values), shape));
                }
            }
            PlaceholderInputs.fill(sessions.environment(), session, inputs, manifest.id());
            try (OrtSession.Result result = session.run(inputs, Set.of(manifest.outputName()))) {
                OnnxTensor output = (OnnxTensor) result.get(manifest.outputName())
                    .orElseThrow(
                        () -> new IllegalStateException(
                            String.format(Locale.ROOT, "model [%s] has no output [%s]", manifest.id(), manifest.outputName())
                        )
                    );
                long[] outShape = output.getInfo().getShape();
                boolean pooled = manifest.pooling() == Pooling.NONE;
                if (outShape.length != (pooled ? 2 : 3) || outShape[outShape.length - 1] != manifest.dims()) {
                    throw new IllegalStateException(
                        String.format(
                            Locale.ROOT,
                            "model [%s]: output [%s] has shape %s, expected [batch, %s%d]",
                            manifest.id(),
                            manifest.outputName(),
                            Arrays.toString(outShape),
                            pooled ? "" : "seq, ",
                            manifest.dims()
                        )
                    );
                }
                // getFloatBuffer() already copies the native output onto the heap: take its array rather than copy again
                FloatBuffer buffer = output.getFloatBuffer();
                if (buffer.hasArray() && buffer.arrayOffset() == 0 && buffer.position() == 0
                    && buffer.array().length == buffer.remaining()) {
                    return buffer.array();
                }
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
        } finally {
            tokenizer.close();
            spanTokenizer.close();
        }
    }
}
