package org.opensearch.multimodal.bench;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.io.IOException;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The ceiling for the pipeline: ONNX Runtime and the tokenizer called directly, no OpenSearch, on the same texts,
 * sorted by length, cut into the same batch size (1: a text per call, as the plugin runs a CPU node), on the same
 * number of threads with one intra-op thread each.
 */
final class RawOnnxBaseline {

    private RawOnnxBaseline() {
    }

    /** Returns texts per second. */
    static double throughput(Path modelDir, List<String> texts, int batchSize, int threads) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = session(env, modelDir); HuggingFaceTokenizer tokenizer = tokenizer(modelDir)) {
            List<String> sorted = new ArrayList<>(texts);
            sorted.sort(Comparator.comparingInt(String::length));
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            long start = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (int from = 0; from < sorted.size(); from += batchSize) {
                List<String> batch = sorted.subList(from, Math.min(from + batchSize, sorted.size()));
                futures.add(pool.submit(() -> {
                    runBatch(env, session, tokenizer, batch);
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            pool.shutdown();
            return texts.size() / seconds;
        }
    }

    /** The model's session as the plugin opens it on a CPU: one intra-op thread, every graph optimization. */
    static OrtSession session(OrtEnvironment env, Path modelDir) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        return env.createSession(modelDir.resolve("model.onnx").toString(), options);
    }

    /** The model's tokenizer: truncated at 512 tokens, no padding. */
    static HuggingFaceTokenizer tokenizer(Path modelDir) throws IOException {
        return HuggingFaceTokenizer.builder()
            .optTokenizerPath(modelDir.resolve("tokenizer.json"))
            .optTruncation(true)
            .optMaxLength(512)
            .optPadding(false)
            .build();
    }

    private static void runBatch(OrtEnvironment env, OrtSession session, HuggingFaceTokenizer tokenizer, List<String> batch)
        throws Exception {
        Encoding[] encodings = tokenizer.batchEncode(batch);
        int seq = 0;
        for (Encoding e : encodings) {
            seq = Math.max(seq, e.getIds().length);
        }
        long[] ids = new long[batch.size() * seq];
        long[] mask = new long[batch.size() * seq];
        long[] types = new long[batch.size() * seq];
        for (int row = 0; row < encodings.length; row++) {
            long[] rowIds = encodings[row].getIds();
            System.arraycopy(rowIds, 0, ids, row * seq, rowIds.length);
            System.arraycopy(encodings[row].getAttentionMask(), 0, mask, row * seq, rowIds.length);
        }
        long[] shape = {batch.size(), seq};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
        inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
        inputs.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape));
        try (OrtSession.Result result = session.run(inputs)) {
            ((OnnxTensor) result.get(0)).getFloatBuffer();
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }
}
