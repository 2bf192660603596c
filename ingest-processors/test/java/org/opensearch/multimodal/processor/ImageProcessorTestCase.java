package org.opensearch.multimodal.processor;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.opensearch.common.io.PathUtils;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.breaker.CircuitBreaker;
import org.opensearch.env.TestEnvironment;
import org.opensearch.ingest.IngestDocument;
import org.opensearch.ingest.IngestDocumentWrapper;
import org.opensearch.multimodal.image.ImageInputs;
import org.opensearch.multimodal.inference.InferenceService;
import org.opensearch.multimodal.inference.SingleExecutorInference;
import org.opensearch.multimodal.memory.TestBreakers;
import org.opensearch.multimodal.model.BuiltinModels;
import org.opensearch.multimodal.model.ModelRegistry;
import org.opensearch.multimodal.model.NativeLibraries;
import org.opensearch.multimodal.model.OnnxSessions;
import org.opensearch.multimodal.settings.InferenceDevice;
import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the image processors' tests share: the built-in models and the tiny-clip fixture in one registry, a two-thread
 * inference pool, the node's image input with default settings, and running a processor over a bulk of documents.
 */
public abstract class ImageProcessorTestCase extends OpenSearchTestCase {

    protected static ModelRegistry registry;

    private ExecutorService inferencePool;
    private ScheduledExecutorService scheduler;
    /** The node's {@code multimodal} breaker {@link #images} charges (256 MB). */
    protected CircuitBreaker breaker;
    protected ImageInputs images;
    protected InferenceService inference;

    @BeforeClass
    public static void loadModels() throws Exception {
        NativeLibraries.configure(createTempDir());
        Path clipRoot = PathUtils.get(ImageProcessorTestCase.class.getResource("/models/tiny-clip").toURI()).getParent();
        registry = new ModelRegistry(List.of(BuiltinModels.root(), clipRoot), new OnnxSessions(InferenceDevice.CPU));
    }

    @AfterClass
    public static void closeModels() {
        registry.close();
        registry = null;
    }

    @Override
    public void setUp() throws Exception {
        super.setUp();
        inferencePool = Executors.newFixedThreadPool(2);
        scheduler = Executors.newSingleThreadScheduledExecutor();
        breaker = TestBreakers.multimodal(256L << 20);
        images = newImages(breaker);
        inference = SingleExecutorInference.create(registry, inferencePool);
    }

    @Override
    public void tearDown() throws Exception {
        images.close();
        inferencePool.shutdownNow();
        scheduler.shutdownNow();
        assertTrue(inferencePool.awaitTermination(10, TimeUnit.SECONDS));
        assertTrue(scheduler.awaitTermination(10, TimeUnit.SECONDS));
        super.tearDown();
    }

    /** The node's image input with default settings, charging {@code charged}; the caller closes it. */
    protected ImageInputs newImages(CircuitBreaker charged) {
        return newImages(Settings.EMPTY, charged);
    }

    /** The node's image input with {@code nodeSettings}, charging {@code charged}; the caller closes it. */
    protected ImageInputs newImages(Settings nodeSettings, CircuitBreaker charged) {
        Settings settings = Settings.builder().put(nodeSettings).put("path.home", createTempDir()).build();
        return new ImageInputs(settings, TestEnvironment.newEnvironment(settings), scheduler, scheduler, charged);
    }

    protected static byte[] fixture(String name) throws IOException {
        try (InputStream in = ImageProcessorTestCase.class.getResourceAsStream("/images/" + name)) {
            return in.readAllBytes();
        }
    }

    protected static IngestDocumentWrapper doc(int slot, Map<String, Object> source) {
        return new IngestDocumentWrapper(slot, 0, new IngestDocument(new HashMap<>(source), new HashMap<>()), null);
    }

    /** The documents as the processor hands them back, once it has finished with all of them. */
    protected static List<IngestDocumentWrapper> run(EmbeddingProcessor processor, List<IngestDocumentWrapper> documents) throws Exception {
        AtomicReference<List<IngestDocumentWrapper>> results = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        processor.batchExecute(documents, batch -> {
            results.set(batch);
            done.countDown();
        });
        assertTrue("the handler was not called", done.await(60, TimeUnit.SECONDS));
        return results.get();
    }
}
