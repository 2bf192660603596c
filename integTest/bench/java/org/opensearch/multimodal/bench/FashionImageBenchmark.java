package org.opensearch.multimodal.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import org.opensearch.action.bulk.BulkRequestBuilder;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.multimodal.image.ImageDecoder;
import org.opensearch.multimodal.image.ImagePreprocessor;
import org.opensearch.multimodal.image.PreprocessorConfig;
import org.opensearch.multimodal.math.VectorMath;
import org.opensearch.multimodal.model.BuiltinModels;
import org.opensearch.node.Node;
import org.opensearch.transport.client.Client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Images per second through {@code embed_image} against the ceiling, side by side in one run: the same photos, model
 * (fashion-image-demo), batch size and thread count, first with the plugin's decoder and preprocessing feeding an ONNX
 * Runtime session directly (no OpenSearch), then through an embedded node's ingest pipeline (photos as file paths,
 * bulks of 256 sent by as many client threads as cores, indexing into HNSW included). Both run once to warm up first.
 * Arguments: {@code --data ../shared/data/fashion --models target/models --home target/bench-images}.
 */
public final class FashionImageBenchmark {

    private static final String MODEL = BuiltinModels.FASHION_IMAGE_DEMO;
    private static final int BATCH_SIZE = 32;
    private static final int BULK_SIZE = 256;

    private FashionImageBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[1]).toAbsolutePath();
        Path models = Path.of(args[3]).toAbsolutePath();
        Path home = Path.of(args[5]).toAbsolutePath().resolve("images");
        if (Files.isDirectory(data) == false) {
            System.out.println("fashion data not found at " + data + "; nothing to measure.");
            return;
        }
        List<FashionCatalog.Product> products = FashionCatalog.load(data).products().stream().filter(p -> {
            try {
                return Files.size(p.image()) > 0;
            } catch (IOException e) {
                return false;
            }
        }).toList();
        int threads = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "fashion: %d photos; model %s, batch %d, %d threads%n", products.size(), MODEL, BATCH_SIZE, threads);
        rawThroughput(models.resolve(MODEL), products, threads); // warm-up: both sides are measured with a warm JIT
        double raw = rawThroughput(models.resolve(MODEL), products, threads);
        System.out.printf(Locale.ROOT, "raw ONNX Runtime (decode + preprocess + run): %.1f images/s%n", raw);
        double[] pipeline = pipelineThroughput(home, models, data, products, threads);
        System.out.printf(
            Locale.ROOT,
            "embed_image pipeline, vectors stored only:    %.1f images/s (ratio to raw %.3f)%n",
            pipeline[0],
            pipeline[0] / raw
        );
        System.out.printf(
            Locale.ROOT,
            "embed_image pipeline + HNSW indexing:         %.1f images/s (ratio to raw %.3f)%n",
            pipeline[1],
            pipeline[1] / raw
        );
        System.out.printf(Locale.ROOT, "for scale, the same bulks with vectors given (no pipeline, HNSW): %.1f docs/s%n", pipeline[2]);
    }

    private static double rawThroughput(Path modelDir, List<FashionCatalog.Product> products, int threads) throws Exception {
        PreprocessorConfig config;
        try (InputStream in = Files.newInputStream(modelDir.resolve("preprocessor_config.json"))) {
            config = PreprocessorConfig.parse(XContentHelper.convertToMap(JsonXContent.jsonXContent, in, false));
        }
        ImagePreprocessor preprocessor = new ImagePreprocessor(config);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (OrtSession session = env.createSession(modelDir.resolve("vision_model.onnx").toString(), options)) {
            long start = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (int from = 0; from < products.size(); from += BATCH_SIZE) {
                List<FashionCatalog.Product> batch = products.subList(from, Math.min(from + BATCH_SIZE, products.size()));
                futures.add(pool.submit(() -> {
                    FloatBuffer pixels = FloatBuffer.allocate(batch.size() * 3 * 80 * 60);
                    for (FashionCatalog.Product product : batch) {
                        pixels.put(preprocessor.toTensor(ImageDecoder.decode(Files.readAllBytes(product.image()), 16_777_216)));
                    }
                    pixels.flip();
                    try (
                        OnnxTensor input = OnnxTensor.createTensor(env, pixels, new long[]{batch.size(), 3, 80, 60});
                        OrtSession.Result result = session.run(Map.of("pixel_values", input))
                    ) {
                        ((OnnxTensor) result.get(0)).getFloatBuffer();
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
            return products.size() / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdown();
        }
    }

    /** Images/s with the vector field not indexed ({@code "index": false}), then indexed into HNSW. */
    private static double[] pipelineThroughput(Path home, Path models, Path data, List<FashionCatalog.Product> products, int threads)
        throws Exception {
        Settings allowPhotos = Settings.builder().putList("plugins.multimodal.image.file.allowed_dirs", data.toString()).build();
        Node node = BenchNode.start(home, models, MODEL, "image-bench", 9251, threads, allowPhotos);
        try {
            Client client = node.client();
            client.admin()
                .cluster()
                .preparePutPipeline(
                    "photos",
                    new BytesArray(
                        """
                            {"processors": [{"embed_image": {"model": "fashion-image-demo", "field_map": {"image": "image_vec"}, "batch_size": 32}}]}"""
                    ),
                    XContentType.JSON
                )
                .get();
            ingest(client, "photos-warmup", data, products, threads, true);
            double stored = ingest(client, "photos-stored", data, products, threads, false);
            double indexed = ingest(client, "photos", data, products, threads, true);
            double plain = ingest(client, "vectors-given", data, products, threads, true);
            return new double[]{stored, indexed, plain};
        } finally {
            node.close();
        }
    }

    private static float[] randomUnitVector(long seed) {
        Random random = new Random(seed);
        float[] vector = new float[384];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = (float) random.nextGaussian();
        }
        return VectorMath.l2NormalizeInPlace(vector);
    }

    /** Sends the photos as bulks from {@code clients} threads at once, as an indexing client would; returns images/s. */
    private static double ingest(
        Client client,
        String index,
        Path data,
        List<FashionCatalog.Product> products,
        int clients,
        boolean indexed
    )
        throws Exception {
        if (client.admin().indices().prepareExists(index).get().isExists()) {
            client.admin().indices().prepareDelete(index).get();
        }
        client.admin()
            .indices()
            .prepareCreate(index)
            .setSettings(
                Settings.builder()
                    .put("index.number_of_shards", 1)
                    .put("index.number_of_replicas", 0)
                    .put("index.refresh_interval", "-1")
                    .put("index.default_pipeline", index.equals("vectors-given") ? "_none" : "photos")
            )
            .setMapping(
                """
                    {"properties": {"image": {"type": "keyword", "index": false},
                      "image_vec": {"type": "dense_vector", "dims": 384, "similarity": "cosine", "index": INDEXED}}}"""
                    .replace("INDEXED", Boolean.toString(indexed))
            )
            .get();
        ExecutorService senders = Executors.newFixedThreadPool(clients);
        try {
            long start = System.nanoTime();
            List<Future<?>> bulks = new ArrayList<>();
            for (int from = 0; from < products.size(); from += BULK_SIZE) {
                List<FashionCatalog.Product> part = products.subList(from, Math.min(from + BULK_SIZE, products.size()));
                bulks.add(senders.submit(() -> {
                    BulkRequestBuilder bulk = client.prepareBulk().setTimeout(TimeValue.timeValueMinutes(10));
                    for (FashionCatalog.Product product : part) {
                        Map<String, Object> source = new HashMap<>(Map.of("image", data.relativize(product.image()).toString()));
                        if (index.equals("vectors-given")) {
                            source.put("image_vec", randomUnitVector(product.id().hashCode()));
                        }
                        bulk.add(client.prepareIndex(index).setId(product.id()).setSource(source));
                    }
                    BulkResponse response = bulk.get();
                    if (response.hasFailures()) {
                        throw new IllegalStateException(response.buildFailureMessage());
                    }
                    return null;
                }));
            }
            for (Future<?> bulk : bulks) {
                bulk.get();
            }
            return products.size() / ((System.nanoTime() - start) / 1e9);
        } finally {
            senders.shutdown();
        }
    }
}
