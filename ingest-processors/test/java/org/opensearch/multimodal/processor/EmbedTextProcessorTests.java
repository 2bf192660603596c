package org.opensearch.multimodal.processor;

import org.apache.lucene.util.VectorUtil;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.opensearch.ExceptionsHelper;
import org.opensearch.OpenSearchParseException;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.ingest.IngestDocument;
import org.opensearch.ingest.IngestDocumentWrapper;
import org.opensearch.multimodal.inference.InferenceService;
import org.opensearch.multimodal.inference.SingleExecutorInference;
import org.opensearch.multimodal.mapper.MultiVectorFormat;
import org.opensearch.multimodal.memory.RequestLimits;
import org.opensearch.multimodal.model.BuiltinModels;
import org.opensearch.multimodal.model.EncodingPurpose;
import org.opensearch.multimodal.model.ModelRegistry;
import org.opensearch.multimodal.model.NativeLibraries;
import org.opensearch.multimodal.model.TextModel;
import org.opensearch.multimodal.settings.MultimodalSettings;
import org.opensearch.test.OpenSearchTestCase;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** The {@code embed_text} processor with the real bge-small model, on a counting two-thread inference pool. */
public final class EmbedTextProcessorTests extends OpenSearchTestCase {

    private static ModelRegistry registry;

    @BeforeClass
    public static void loadModels() {
        NativeLibraries.configure(createTempDir());
        registry = BuiltinModels.registry();
    }

    @AfterClass
    public static void closeModels() {
        registry.close();
        registry = null;
    }

    /** Counts the tasks handed to the inference pool: one per ONNX call. */
    private static final class CountingExecutor extends AbstractExecutorService {

        private final ExecutorService delegate;
        private final AtomicInteger executed = new AtomicInteger();

        private CountingExecutor(ExecutorService delegate) {
            this.delegate = delegate;
        }

        @Override
        public void execute(Runnable command) {
            executed.incrementAndGet();
            delegate.execute(command);
        }

        @Override
        public void shutdown() {
            delegate.shutdown();
        }

        @Override
        public List<Runnable> shutdownNow() {
            return delegate.shutdownNow();
        }

        @Override
        public boolean isShutdown() {
            return delegate.isShutdown();
        }

        @Override
        public boolean isTerminated() {
            return delegate.isTerminated();
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
            return delegate.awaitTermination(timeout, unit);
        }
    }

    /** What one {@code batchExecute} did, read after the pool has finished all its work. */
    private record Run(List<IngestDocumentWrapper> results, int handlerCalls, int inferenceCalls) {
    }

    private static EmbedTextProcessor processor(InferenceService inference, Map<String, Object> config) throws Exception {
        return processor(inference, config, Settings.EMPTY);
    }

    private static EmbedTextProcessor processor(InferenceService inference, Map<String, Object> config, Settings nodeSettings)
        throws Exception {
        RequestLimits limits = TestLimits.of(nodeSettings);
        return new EmbedTextProcessorFactory(() -> inference, () -> limits).create(Map.of(), "tag", null, new HashMap<>(config));
    }

    private static Run run(Map<String, Object> config, List<IngestDocumentWrapper> documents) throws Exception {
        return run(config, documents, Settings.EMPTY);
    }

    private static Run run(Map<String, Object> config, List<IngestDocumentWrapper> documents, Settings nodeSettings) throws Exception {
        CountingExecutor executor = new CountingExecutor(Executors.newFixedThreadPool(2));
        try {
            EmbedTextProcessor processor = processor(SingleExecutorInference.create(registry, executor), config, nodeSettings);
            AtomicInteger handlerCalls = new AtomicInteger();
            AtomicReference<List<IngestDocumentWrapper>> results = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            processor.batchExecute(documents, batch -> {
                handlerCalls.incrementAndGet();
                results.set(batch);
                done.countDown();
            });
            assertTrue("the handler was not called", done.await(60, TimeUnit.SECONDS));
            executor.shutdown();
            assertTrue(executor.awaitTermination(60, TimeUnit.SECONDS));
            return new Run(results.get(), handlerCalls.get(), executor.executed.get());
        } finally {
            executor.shutdownNow();
        }
    }

    private static IngestDocumentWrapper doc(int slot, Map<String, Object> source) {
        return new IngestDocumentWrapper(slot, 0, new IngestDocument(new HashMap<>(source), new HashMap<>()), null);
    }

    private static Map<String, Object> nested(String key, Object value) {
        Map<String, Object> map = new HashMap<>();
        map.put(key, value);
        return map;
    }

    /** The vector the processor wrote, whether it is kept as a float[] or as a list of numbers. */
    private static float[] vector(Object value) {
        if (value instanceof float[] array) {
            return array;
        }
        List<?> list = (List<?>) value;
        float[] vector = new float[list.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = ((Number) list.get(i)).floatValue();
        }
        return vector;
    }

    /** Token vectors as a processor hands them to the multi_vector field: base64 of the packed form. */
    private static float[][] tokenRows(Object value) {
        return MultiVectorFormat.unpack(Base64.getDecoder().decode((String) value));
    }

    private static float[] directVector(String text) {
        TextModel model = registry.textModel(BuiltinModels.BGE_SMALL);
        return model.encode(List.of(text), EncodingPurpose.DOCUMENT, false).vectors()[0];
    }

    private static void assertFailedNaming(IngestDocumentWrapper document, String field) {
        assertNotNull("document should have failed on field " + field, document.getException());
        String message = document.getException().getMessage();
        assertTrue(message, message.contains(String.format(Locale.ROOT, "field [%s]", field)));
    }

    // ---- factory

    public void testFactoryRejectsAnUnknownModelNamingTheParameterAndTheModels() {
        InferenceService inference = SingleExecutorInference.create(registry, null);
        OpenSearchParseException e = expectThrows(
            OpenSearchParseException.class,
            () -> processor(inference, Map.of("model", "no-such-model", "field_map", Map.of("text", "vec")))
        );
        assertTrue(e.getMessage(), e.getMessage().startsWith("[model] unknown model [no-such-model]"));
        assertTrue(e.getMessage(), e.getMessage().contains(BuiltinModels.BGE_SMALL));
    }

    public void testFactoryRequiresAFieldMap() {
        InferenceService inference = SingleExecutorInference.create(registry, null);
        OpenSearchParseException missing = expectThrows(
            OpenSearchParseException.class,
            () -> processor(inference, Map.of("model", BuiltinModels.BGE_SMALL))
        );
        assertTrue(missing.getMessage(), missing.getMessage().startsWith("[field_map]"));
        OpenSearchParseException empty = expectThrows(
            OpenSearchParseException.class,
            () -> processor(inference, Map.of("model", BuiltinModels.BGE_SMALL, "field_map", Map.of()))
        );
        assertTrue(empty.getMessage(), empty.getMessage().startsWith("[field_map]"));
    }

    public void testFactoryRejectsBatchSizeOutOfRange() {
        InferenceService inference = SingleExecutorInference.create(registry, null);
        for (int batchSize : new int[]{0, 5000}) {
            OpenSearchParseException e = expectThrows(
                OpenSearchParseException.class,
                () -> processor(
                    inference,
                    Map.of("model", BuiltinModels.BGE_SMALL, "field_map", Map.of("text", "vec"), "batch_size", batchSize)
                )
            );
            assertTrue(e.getMessage(), e.getMessage().startsWith("[batch_size]"));
            assertTrue(e.getMessage(), e.getMessage().contains("[" + batchSize + "]"));
        }
    }

    public void testFactoryRejectsANonStringTarget() {
        InferenceService inference = SingleExecutorInference.create(registry, null);
        OpenSearchParseException e = expectThrows(
            OpenSearchParseException.class,
            () -> processor(inference, Map.of("model", BuiltinModels.BGE_SMALL, "field_map", Map.of("text", 5)))
        );
        assertTrue(e.getMessage(), e.getMessage().startsWith("[field_map] [text] must map to a target field name"));
        OpenSearchParseException tokens = expectThrows(
            OpenSearchParseException.class,
            () -> processor(
                inference,
                Map.of("model", BuiltinModels.BGE_SMALL, "field_map", Map.of("text", "vec"), "token_field_map", Map.of("text", List.of()))
            )
        );
        assertTrue(tokens.getMessage(), tokens.getMessage().startsWith("[token_field_map]"));
    }

    // ---- batch execution

    public void testEachDocumentGetsTheVectorOfItsOwnTextIncludingNestedPaths() throws Exception {
        List<String> texts = List.of("a long sentence about the history of the printing press in europe", "shoes", "how to bake bread");
        List<IngestDocumentWrapper> documents = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            documents.add(doc(i, Map.of("a", nested("b", texts.get(i)))));
        }
        Run run = run(Map.of("model", BuiltinModels.BGE_SMALL, "field_map", Map.of("a.b", "x.y")), documents);
        assertEquals(1, run.handlerCalls());
        for (int i = 0; i < texts.size(); i++) {
            IngestDocumentWrapper document = run.results().get(i);
            assertNull(document.getException());
            float[] vector = vector(document.getIngestDocument().getFieldValue("x.y", Object.class));
            assertEquals(384, vector.length);
            assertEquals(1.0, VectorUtil.dotProduct(vector, vector), 1e-4);
            float cosine = VectorUtil.dotProduct(vector, directVector(texts.get(i)));
            assertTrue(String.format(Locale.ROOT, "document %d got another text's vector (cosine %f)", i, cosine), cosine > 0.99f);
        }
    }

    public void testTokenFieldMapWritesOneUnitVectorPerContentToken() throws Exception {
        String text = "red running shoes";
        int tokens = registry.textModel(BuiltinModels.BGE_SMALL).tokenCount(text, EncodingPurpose.DOCUMENT) - 2;
        Run run = run(
            Map.of("model", BuiltinModels.BGE_SMALL, "field_map", Map.of("text", "vec"), "token_field_map", Map.of("text", "tokens")),
            List.of(doc(0, Map.of("text", text)))
        );
        IngestDocument document = run.results().get(0).getIngestDocument();
        assertEquals(384, vector(document.getFieldValue("vec", Object.class)).length);
        float[][] tokenVectors = tokenRows(document.getFieldValue("tokens", Object.class));
        assertEquals(tokens, tokenVectors.length);
        float[] token = tokenVectors[0];
        assertEquals(384, token.length);
        assertEquals(1.0, VectorUtil.dotProduct(token, token), 1e-4);
    }

    public void testDocumentsWhoseTokenVectorsExceedTheRequestBudgetFailWithA429AndTheRestAreKept() throws Exception {
        String text = "red running shoes";
        int rowsPerDocument = registry.textModel(BuiltinModels.BGE_SMALL).tokenCount(text, EncodingPurpose.DOCUMENT) - 2;
        // what a document holds until it is indexed: base64 of the packed float32 form (4-byte header, 4 bytes a value)
        long bytesPerDocument = (4L + (long) rowsPerDocument * 384 * 4 + 2) / 3 * 4;
        Settings node = Settings.builder()
            .put(MultimodalSettings.TOKEN_VECTOR_BYTES_PER_REQUEST.getKey(), (bytesPerDocument * 5 / 2) + "b")
            .build();
        List<IngestDocumentWrapper> documents = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            documents.add(doc(i, Map.of("text", text)));
        }
        Run run = run(
            Map.of(
                "model",
                BuiltinModels.BGE_SMALL,
                "field_map",
                Map.of("text", "vec"),
                "token_field_map",
                Map.of("text", "tokens"),
                "batch_size",
                2
            ),
            documents,
            node
        );
        int kept = 0;
        for (IngestDocumentWrapper document : run.results()) {
            if (document.getException() == null) {
                kept++;
                assertEquals(rowsPerDocument, tokenRows(document.getIngestDocument().getFieldValue("tokens", Object.class)).length);
                continue;
            }
            assertEquals(RestStatus.TOO_MANY_REQUESTS, ExceptionsHelper.status(document.getException()));
            String message = document.getException().getMessage();
            assertTrue(message, message.contains("field [text]"));
            assertTrue(message, message.contains(MultimodalSettings.TOKEN_VECTOR_BYTES_PER_REQUEST.getKey()));
        }
        assertEquals("as many documents as the budget holds are kept, whole", 2, kept);
    }

    public void testEmbeddedDocumentCanBeCopiedAsSimulateVerboseDoes() throws Exception {
        Run run = run(
            Map.of("model", BuiltinModels.BGE_SMALL, "field_map", Map.of("text", "vec"), "token_field_map", Map.of("text", "tokens")),
            List.of(doc(0, Map.of("text", "red running shoes")))
        );
        IngestDocument copy = new IngestDocument(run.results().get(0).getIngestDocument());
        assertEquals(384, vector(copy.getFieldValue("vec", Object.class)).length);
    }

    public void testBadDocumentsFailAloneWithAnErrorNamingTheField() throws Exception {
        List<IngestDocumentWrapper> documents = List.of(
            doc(0, Map.of("text", "a good document")),
            doc(1, Map.of("other", "no text field")),
            doc(2, Map.of("text", Map.of("inner", "object"))),
            doc(3, Map.of("text", 42)),
            doc(4, Map.of("text", true)),
            doc(5, Map.of("text", "another good document"))
        );
        Run run = run(Map.of("model", BuiltinModels.BGE_SMALL, "field_map", Map.of("text", "vec")), documents);
        assertEquals(1, run.handlerCalls());
        assertEquals(6, run.results().size());
        for (int good : new int[]{0, 5}) {
            assertNull(run.results().get(good).getException());
            assertEquals(384, vector(run.results().get(good).getIngestDocument().getFieldValue("vec", Object.class)).length);
        }
        for (int bad = 1; bad <= 4; bad++) {
            assertFailedNaming(run.results().get(bad), "text");
            assertFalse(run.results().get(bad).getIngestDocument().hasField("vec"));
        }
        assertTrue(run.results().get(1).getException().getMessage().contains("ignore_missing"));
    }

    public void testIgnoreMissingLetsADocumentWithoutTheFieldThrough() throws Exception {
        Run run = run(
            Map.of("model", BuiltinModels.BGE_SMALL, "field_map", Map.of("text", "vec"), "ignore_missing", true),
            List.of(doc(0, Map.of("other", "x")), doc(1, Map.of("text", "present")))
        );
        assertNull(run.results().get(0).getException());
        assertFalse(run.results().get(0).getIngestDocument().hasField("vec"));
        assertEquals(384, vector(run.results().get(1).getIngestDocument().getFieldValue("vec", Object.class)).length);
    }

    public void testEmptyTextGetsNoVectorAndNoError() throws Exception {
        Run run = run(Map.of("model", BuiltinModels.BGE_SMALL, "field_map", Map.of("text", "vec")), List.of(doc(0, Map.of("text", ""))));
        assertEquals(1, run.handlerCalls());
        assertNull(run.results().get(0).getException());
        assertFalse(run.results().get(0).getIngestDocument().hasField("vec"));
        assertEquals("nothing to embed, no inference call", 0, run.inferenceCalls());
    }

    public void testTenTextsInBatchesOfFourTakeThreeInferenceCallsAndOneHandlerCall() throws Exception {
        List<IngestDocumentWrapper> documents = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            documents.add(doc(i, Map.of("text", "document number " + i + " " + "word ".repeat(i))));
        }
        Run run = run(Map.of("model", BuiltinModels.BGE_SMALL, "field_map", Map.of("text", "vec"), "batch_size", 4), documents);
        assertEquals(3, run.inferenceCalls());
        assertEquals(1, run.handlerCalls());
        assertEquals(10, run.results().size());
        for (IngestDocumentWrapper document : run.results()) {
            assertNull(document.getException());
            assertEquals(384, vector(document.getIngestDocument().getFieldValue("vec", Object.class)).length);
        }
    }

    public void testSingleDocumentExecuteWritesTheVectorOrThrowsNamingTheField() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            EmbedTextProcessor processor = processor(
                SingleExecutorInference.create(registry, executor),
                Map.of("model", BuiltinModels.BGE_SMALL, "field_map", Map.of("text", "vec"))
            );
            IngestDocument document = new IngestDocument(nested("text", "one document"), new HashMap<>());
            assertEquals(384, vector(processor.execute(document).getFieldValue("vec", Object.class)).length);
            IllegalArgumentException e = expectThrows(
                IllegalArgumentException.class,
                () -> processor.execute(new IngestDocument(nested("text", 7), new HashMap<>()))
            );
            assertTrue(e.getMessage(), e.getMessage().contains("field [text]"));
        } finally {
            executor.shutdown();
            assertTrue(executor.awaitTermination(60, TimeUnit.SECONDS));
        }
    }

    // ---- long texts (issue 24)

    /** About 1,300 tokens: past the window, with sentences to end passages at. */
    private static final String LONG_TEXT = "Photosynthesis converts light into chemical energy in green plants. ".repeat(120)
        + "The final sentence mentions zebrafish regeneration of heart tissue.";

    private static Map<String, Object> chunkingConfig(Map<String, Object> chunking, boolean tokens) {
        Map<String, Object> config = new HashMap<>();
        config.put("model", BuiltinModels.BGE_SMALL);
        config.put("field_map", Map.of("text", "vec"));
        if (tokens) {
            config.put("token_field_map", Map.of("text", "tokens"));
        }
        config.put("chunking", chunking);
        return config;
    }

    public void testFactoryRejectsBadChunkingNamingTheProcessorAndTheOption() throws Exception {
        InferenceService inference = SingleExecutorInference.create(registry, Executors.newSingleThreadExecutor());
        for (Map<String, Object> bad : List.<Map<String, Object>>of(
            Map.of("max_tokens", 511),
            Map.of("max_tokens", 100, "overlap_tokens", 100),
            Map.of("max_tokens", -1),
            Map.of("max_tokens", 1.5),
            Map.of("boundary", "word"),
            Map.of("max_chunks", 0)
        )) {
            OpenSearchParseException e = expectThrows(
                OpenSearchParseException.class,
                () -> processor(inference, chunkingConfig(bad, false))
            );
            String option = "chunking."
                + bad.keySet().stream().filter(k -> k.equals("overlap_tokens")).findFirst().orElse(bad.keySet().iterator().next());
            assertTrue(e.getMessage(), e.getMessage().contains("[" + option + "]"));
        }
        assertEquals(510, processor(inference, chunkingConfig(Map.of(), false)).chunking().maxTokens());
    }

    public void testAShortTextIsOnePassageWithTheVectorItGetsWithoutChunking() throws Exception {
        Run run = run(chunkingConfig(Map.of(), false), List.of(doc(0, Map.of("text", "red running shoes"))));
        assertNull(run.results().get(0).getException());
        assertArrayEquals(
            directVector("red running shoes"),
            vector(run.results().get(0).getIngestDocument().getFieldValue("vec", Object.class)),
            0f
        );
    }

    public void testTokenVectorsHoldEveryPassagesRowsAndAOneVectorFieldRefusesSeveralPassages() throws Exception {
        Map<String, Object> config = chunkingConfig(Map.of("max_tokens", 256, "overlap_tokens", 16), true);
        config.put("field_map", Map.of());
        Run run = run(config, List.of(doc(0, Map.of("text", LONG_TEXT))));
        assertNull(run.results().get(0).getException());
        float[][] rows = tokenRows(run.results().get(0).getIngestDocument().getFieldValue("tokens", Object.class));
        TextModel model = registry.textModel(BuiltinModels.BGE_SMALL);
        int tokens = model.tokenSpans(LONG_TEXT, 10_000).count();
        assertTrue("rows of every passage, overlap included: " + rows.length + " for " + tokens + " tokens", rows.length >= tokens);
        assertTrue("more than one window holds", rows.length > 510);

        Run refused = run(chunkingConfig(Map.of("max_tokens", 256), false), List.of(doc(0, Map.of("text", LONG_TEXT))));
        IngestDocumentWrapper document = refused.results().get(0);
        assertFailedNaming(document, "text");
        assertEquals(RestStatus.BAD_REQUEST, ExceptionsHelper.status(document.getException()));
        assertTrue(
            document.getException().getMessage(),
            document.getException().getMessage().contains("[vec], which holds one vector per document; map it with [\"chunked\": true]")
        );
    }

    public void testPassagesPastMaxChunksAreCountedOrFailTheDocument() throws Exception {
        Map<String, Object> kept = chunkingConfig(Map.of("max_tokens", 64, "max_chunks", 2), true);
        kept.put("field_map", Map.of());
        CountingExecutor executor = new CountingExecutor(Executors.newFixedThreadPool(2));
        InferenceService inference = SingleExecutorInference.create(registry, executor);
        try {
            EmbedTextProcessor processor = processor(inference, kept);
            IngestDocument document = processor.execute(doc(0, Map.of("text", LONG_TEXT)).getIngestDocument());
            float[][] rows = tokenRows(document.getFieldValue("tokens", Object.class));
            assertTrue("two passages of at most 64 tokens: " + rows.length, rows.length <= 128);
            assertEquals(1L, inference.stats().snapshot().entrySet().stream().count() > 0 ? cutCount(inference) : 0L);
        } finally {
            executor.shutdownNow();
        }
        Run failed = run(
            chunkingConfig(Map.of("max_tokens", 64, "max_chunks", 2, "on_max_chunks", "fail"), true),
            List.of(doc(0, Map.of("text", LONG_TEXT)), doc(1, Map.of("text", "a short one")))
        );
        assertFailedNaming(failed.results().get(0), "text");
        assertTrue(failed.results().get(0).getException().getMessage().contains("[chunking.max_chunks] [2]"));
        assertEquals(RestStatus.BAD_REQUEST, ExceptionsHelper.status(failed.results().get(0).getException()));
        assertNull("the rest of the bulk is indexed", failed.results().get(1).getException());
    }

    @SuppressWarnings("unchecked")
    private static long cutCount(InferenceService inference) {
        Map<String, Object> ingest = (Map<String, Object>) inference.stats().snapshot().get("ingest");
        Map<String, Object> byProcessor = (Map<String, Object>) ingest.get("texts_cut_at_max_chunks");
        return ((Number) ((Map<String, Object>) byProcessor.get(EmbedTextProcessor.TYPE)).get("text")).longValue();
    }

    @SuppressWarnings("unchecked")
    public void testTextsCutAtTheWindowAreCountedPerProcessorAndField() throws Exception {
        CountingExecutor executor = new CountingExecutor(Executors.newFixedThreadPool(2));
        InferenceService inference = SingleExecutorInference.create(registry, executor);
        try {
            EmbedTextProcessor processor = processor(
                inference,
                Map.of("model", BuiltinModels.BGE_SMALL, "field_map", Map.of("text", "vec", "title", "title_vec"))
            );
            processor.execute(doc(0, Map.of("text", LONG_TEXT, "title", "short")).getIngestDocument());
            processor.execute(doc(1, Map.of("text", LONG_TEXT, "title", "short")).getIngestDocument());
            Map<String, Object> ingest = (Map<String, Object>) inference.stats().snapshot().get("ingest");
            assertEquals(Map.of(EmbedTextProcessor.TYPE, Map.of("text", 2L)), ingest.get("texts_truncated"));
        } finally {
            executor.shutdownNow();
        }
    }

    public void testAnArrayIsPassagesTheClientCut() throws Exception {
        Map<String, Object> config = chunkingConfig(Map.of(), true);
        config.put("field_map", Map.of());
        Run run = run(config, List.of(doc(0, Map.of("text", List.of("first passage", "", "second passage")))));
        assertNull(run.results().get(0).getException());
        float[][] rows = tokenRows(run.results().get(0).getIngestDocument().getFieldValue("tokens", Object.class));
        assertEquals("2 + 2 tokens, the blank passage skipped", 4, rows.length);
        Run bad = run(config, List.of(doc(0, Map.of("text", List.of("fine", 3)))));
        assertFailedNaming(bad.results().get(0), "text");
        assertTrue(bad.results().get(0).getException().getMessage().contains("element [1]"));
    }

    public void testATextWithoutTokensFailsAloneWithA400() throws Exception {
        Run run = run(chunkingConfig(Map.of(), false), List.of(doc(0, Map.of("text", "\u200b\u200b")), doc(1, Map.of("text", "fine"))));
        assertFailedNaming(run.results().get(0), "text");
        assertTrue(run.results().get(0).getException().getMessage().contains("no tokens"));
        assertEquals(RestStatus.BAD_REQUEST, ExceptionsHelper.status(run.results().get(0).getException()));
        assertNull(run.results().get(1).getException());
    }

    public void testATenMegabyteTextCostsOnlyTheWindowsItFills() throws Exception {
        String huge = "Search engines index text. ".repeat(400_000);
        Map<String, Object> config = chunkingConfig(Map.of("max_tokens", 64, "max_chunks", 3), true);
        config.put("field_map", Map.of());
        long start = System.nanoTime();
        Run run = run(config, List.of(doc(0, Map.of("text", huge)), doc(1, Map.of("text", "a short one"))));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertNull(run.results().get(0).getException());
        float[][] rows = tokenRows(run.results().get(0).getIngestDocument().getFieldValue("tokens", Object.class));
        assertTrue("three passages of at most 64 tokens: " + rows.length, rows.length > 64 && rows.length <= 3 * 64);
        assertNull(run.results().get(1).getException());
        logger.info("a 10 MB text in passages: {} ms", millis);
    }
}
