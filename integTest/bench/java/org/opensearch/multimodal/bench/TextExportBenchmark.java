package org.opensearch.multimodal.bench;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.multimodal.model.BuiltinModels;
import org.opensearch.multimodal.model.ProcessMemory;
import org.opensearch.multimodal.query.MultimodalQueryBuilder;
import org.opensearch.multimodal.query.retriever.DenseRetriever;
import org.opensearch.node.Node;
import org.opensearch.search.SearchHit;
import org.opensearch.transport.client.Client;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.DeflaterOutputStream;

/**
 * The two built-in exports of bge-small side by side in one run (issue 21): the dynamically quantized int8 export
 * ({@code bge-small-en-v1.5}) and the float32 one ({@code bge-small-en-v1.5-fp32}), each as the plugin runs it (one text
 * per ONNX call on a CPU):
 * 1. what batching would do to a text's vectors (ONNX Runtime called directly: each text alone, then in sorted batches
 *    of 16), and the texts per second of each way, one thread;
 * 2. through an embedded node: `embed_text` ingest docs/s of the corpus with dense vectors only, then of the first
 *    {@code --token-docs} documents with dense + int8 token vectors; the node's resident memory after each model's
 *    ingest (the quantized export runs first);
 * 3. nDCG@10 of the dense retriever (k 100) on the 270 held-out test queries and on all 300, with a paired bootstrap
 *    of float32 against int8;
 * 4. each export's bytes in the plugin's zip (its files deflated).
 * Arguments: {@code --data ../shared/data/scifact --models target/models --home target/bench [--docs N] [--token-docs N]}.
 */
public final class TextExportBenchmark {

    private static final List<String> EXPORTS = List.of(BuiltinModels.BGE_SMALL, BuiltinModels.BGE_SMALL_FP32);
    private static final int BULK_SIZE = 100;

    private TextExportBenchmark() {
    }

    public static void main(String[] rawArgs) throws Exception {
        BenchArgs args = BenchArgs.parse(rawArgs, Set.of("--token-docs"));
        SciFact sciFact = args.sciFact();
        if (sciFact == null) {
            return;
        }
        Path models = args.models();
        Path home = args.home();
        List<SciFact.Doc> corpus = args.corpus(sciFact);
        List<SciFact.Doc> tokenCorpus = corpus.subList(0, Math.min(args.intOf("--token-docs", 500), corpus.size()));

        System.out.println("## 1. Batched against alone, ONNX Runtime called directly (first 200 documents, one thread)");
        List<String> sample = corpus.subList(0, Math.min(200, corpus.size())).stream().map(SciFact.Doc::titleAndText).toList();
        for (String export : EXPORTS) {
            batchEffect(models.resolve(export), export, sample);
        }

        Path modelRoot = Files.createDirectories(home.toAbsolutePath().resolve("config/multimodal/models"));
        BuiltinModels.installInto(modelRoot, models.toAbsolutePath().resolve(BuiltinModels.BGE_SMALL_FP32));
        Node node = BenchNode.start(home, models, BuiltinModels.BGE_SMALL, "export-bench", 9253, 0, Settings.EMPTY);
        Map<String, Map<String, List<String>>> rankings = new LinkedHashMap<>();
        try {
            Client client = node.client();
            System.out.printf(
                Locale.ROOT,
                "%n## 2. Ingest through embed_text (%d docs dense; %d docs dense + int8 tokens)%n",
                corpus.size(),
                tokenCorpus.size()
            );
            System.out.printf(Locale.ROOT, "node resident memory at start: %d MB%n", ProcessMemory.readResidentBytes() >> 20);
            for (String export : EXPORTS) {
                String dense = "dense-" + export;
                String tokens = "tokens-" + export;
                createIndex(client, dense, export, false);
                createIndex(client, tokens, export, true);
                double denseSeconds = SciFactIngest.index(client, dense, corpus, BULK_SIZE);
                client.admin().indices().prepareRefresh(dense).get();
                double tokenSeconds = SciFactIngest.index(client, tokens, tokenCorpus, BULK_SIZE);
                System.out.printf(
                    Locale.ROOT,
                    "%-24s dense %.2f docs/s | dense + tokens %.2f docs/s | node resident memory after: %d MB%n",
                    export,
                    corpus.size() / denseSeconds,
                    tokenCorpus.size() / tokenSeconds,
                    ProcessMemory.readResidentBytes() >> 20
                );
                rankings.put(export, rank(client, dense, export, sciFact));
                client.admin().indices().prepareDelete(tokens).get();
            }
        } finally {
            node.close();
        }

        SciFact.Split split = sciFact.split();
        System.out.println("\n## 3. Dense retriever (k 100), nDCG@10");
        System.out.println("| export | held out (270) | all (300) | float32 - int8, held out (95% CI) |");
        System.out.println("|---|---|---|---|");
        double[] quantized = RankingMetrics.perQueryNdcg(sciFact.qrels(), split.test(), rankings.get(BuiltinModels.BGE_SMALL));
        for (String export : EXPORTS) {
            double[] test = RankingMetrics.perQueryNdcg(sciFact.qrels(), split.test(), rankings.get(export));
            double[] versus = RankingMetrics.pairedBootstrap(test, quantized, 10_000);
            System.out.printf(
                Locale.ROOT,
                "| %s | %.4f | %.4f | %+.4f [%+.4f, %+.4f] |%n",
                export,
                Arrays.stream(test).average().orElse(0),
                RankingMetrics.meanNdcg(sciFact.qrels(), split.all(), rankings.get(export)),
                versus[0],
                versus[1],
                versus[2]
            );
        }

        System.out.println("\n## 4. Bytes in the plugin's zip (the model directory's files, deflated)");
        for (String export : EXPORTS) {
            System.out.printf(Locale.ROOT, "%-24s %.1f MB%n", export, deflatedBytes(models.resolve(export)) / 1e6);
        }
    }

    private static void createIndex(Client client, String index, String model, boolean withTokens) {
        if (client.admin().indices().prepareExists(index).get().isExists()) {
            client.admin().indices().prepareDelete(index).get();
        }
        String pipeline = String.format(
            Locale.ROOT,
            """
                {"processors": [{"embed_text": {"model": "%s", "field_map": {"title_text": "vec"}%s}}]}""",
            model,
            withTokens ? ", \"token_field_map\": {\"title_text\": \"tokens\"}" : ""
        );
        client.admin().cluster().preparePutPipeline("embed-" + index, new BytesArray(pipeline), XContentType.JSON).get();
        String mapping = """
            {"properties": {
              "title": {"type": "text", "analyzer": "english"},
              "text": {"type": "text", "analyzer": "english"},
              "title_text": {"type": "text", "index": false},
              "vec": {"type": "dense_vector", "dims": 384, "similarity": "cosine"},
              "tokens": {"type": "multi_vector", "dims": 384, "encoding": "int8"}}}""";
        client.admin()
            .indices()
            .prepareCreate(index)
            .setSettings(
                Settings.builder()
                    .put("index.number_of_shards", 1)
                    .put("index.number_of_replicas", 0)
                    .put("index.refresh_interval", "-1")
                    .put("index.default_pipeline", "embed-" + index)
            )
            .setMapping(mapping)
            .get();
    }

    private static Map<String, List<String>> rank(Client client, String index, String model, SciFact sciFact) {
        Map<String, List<String>> ranking = new HashMap<>();
        for (String id : sciFact.split().all()) {
            SearchResponse response = client.prepareSearch(index)
                .setQuery(
                    new MultimodalQueryBuilder(
                        sciFact.queries().get(id),
                        null,
                        Map.of("dense", new DenseRetriever("vec", model, 100)),
                        null
                    )
                )
                .setSize(100)
                .setFetchSource(false)
                .get();
            List<String> ranked = new ArrayList<>();
            for (SearchHit hit : response.getHits().getHits()) {
                ranked.add(hit.getId());
            }
            ranking.put(id, ranked);
        }
        return ranking;
    }

    /** Encodes {@code texts} alone and in sorted batches of 16 with ONNX Runtime directly; prints the largest difference. */
    private static void batchEffect(Path modelDir, String label, List<String> texts) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (
            OrtSession session = RawOnnxBaseline.session(env, modelDir);
            HuggingFaceTokenizer tokenizer = RawOnnxBaseline.tokenizer(modelDir)
        ) {
            List<String> sorted = new ArrayList<>(texts);
            sorted.sort(Comparator.comparingInt(String::length));
            Encoding[] encodings = tokenizer.batchEncode(sorted);
            runBatch(env, session, encodings, 0, 4); // warm-up
            long start = System.nanoTime();
            float[][][] alone = new float[encodings.length][][];
            for (int i = 0; i < encodings.length; i++) {
                alone[i] = runBatch(env, session, encodings, i, i + 1)[0];
            }
            long aloneNanos = System.nanoTime() - start;
            start = System.nanoTime();
            double maxCls = 0;
            double maxToken = 0;
            for (int from = 0; from < encodings.length; from += 16) {
                float[][][] batch = runBatch(env, session, encodings, from, Math.min(from + 16, encodings.length));
                for (int row = 0; row < batch.length; row++) {
                    float[][] expected = alone[from + row];
                    for (int t = 0; t < expected.length; t++) {
                        for (int d = 0; d < expected[t].length; d++) {
                            double difference = Math.abs(expected[t][d] - batch[row][t][d]);
                            if (t == 0) {
                                maxCls = Math.max(maxCls, difference);
                            } else {
                                maxToken = Math.max(maxToken, difference);
                            }
                        }
                    }
                }
            }
            long batchNanos = System.nanoTime() - start;
            System.out.printf(
                Locale.ROOT,
                "%-24s alone %.2f texts/s, batches of 16 %.2f texts/s; batched vs alone, max |difference| of a hidden state: "
                    + "[CLS] %.3g, other tokens %.3g%n",
                label,
                texts.size() / (aloneNanos / 1e9),
                texts.size() / (batchNanos / 1e9),
                maxCls,
                maxToken
            );
        }
    }

    /** The hidden states of {@code encodings[from, to)}, padded to the longest: [row][token][dim], each row's real tokens only. */
    private static float[][][] runBatch(OrtEnvironment env, OrtSession session, Encoding[] encodings, int from, int to) throws Exception {
        int rows = to - from;
        int seq = 0;
        for (int i = from; i < to; i++) {
            seq = Math.max(seq, encodings[i].getIds().length);
        }
        long[] ids = new long[rows * seq];
        long[] mask = new long[rows * seq];
        for (int row = 0; row < rows; row++) {
            long[] rowIds = encodings[from + row].getIds();
            System.arraycopy(rowIds, 0, ids, row * seq, rowIds.length);
            System.arraycopy(encodings[from + row].getAttentionMask(), 0, mask, row * seq, rowIds.length);
        }
        long[] shape = {rows, seq};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
        inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
        inputs.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[rows * seq]), shape));
        try (OrtSession.Result result = session.run(inputs)) {
            FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
            int dims = hidden.remaining() / (rows * seq);
            float[][][] out = new float[rows][][];
            for (int row = 0; row < rows; row++) {
                int length = encodings[from + row].getIds().length;
                out[row] = new float[length][dims];
                for (int t = 0; t < length; t++) {
                    hidden.position((row * seq + t) * dims);
                    hidden.get(out[row][t]);
                }
            }
            return out;
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private static long deflatedBytes(Path dir) throws IOException {
        long total = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, Files::isRegularFile)) {
            for (Path file : files) {
                CountingStream counter = new CountingStream();
                try (OutputStream deflated = new DeflaterOutputStream(counter)) {
                    Files.copy(file, deflated);
                }
                total += counter.count;
            }
        }
        return total;
    }

    private static final class CountingStream extends OutputStream {

        private long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
