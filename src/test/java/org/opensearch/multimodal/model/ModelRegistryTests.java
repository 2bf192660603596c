package org.opensearch.multimodal.model;

import org.apache.lucene.util.VectorUtil;
import org.junit.BeforeClass;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.ResourceNotFoundException;
import org.opensearch.common.xcontent.XContentFactory;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.multimodal.settings.InferenceDevice;
import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Models are described by files: a directory with a manifest, config.json, model.onnx and tokenizer.json. */
public final class ModelRegistryTests extends OpenSearchTestCase {

    private static final String TEXT = "Lucene is a search library.";

    @BeforeClass
    public static void configureNativeLibraries() {
        NativeLibraries.configure(createTempDir());
    }

    private static Path bge() {
        return BuiltinModels.root().resolve(BuiltinModels.BGE_SMALL);
    }

    /** A model directory under {@code root} with bge-small's files (copied: links out of the directory are refused). */
    private static Path modelDir(Path root, String dir, String manifest, boolean withModelFile) throws IOException {
        Path modelDir = Files.createDirectories(root.resolve(dir));
        Files.writeString(modelDir.resolve(ModelManifest.FILE_NAME), manifest);
        Files.writeString(modelDir.resolve("config.json"), "{\"hidden_size\": 384}");
        Files.copy(bge().resolve("tokenizer.json"), modelDir.resolve("tokenizer.json"));
        if (withModelFile) {
            Files.copy(bge().resolve("model.onnx"), modelDir.resolve("model.onnx"));
        }
        return modelDir;
    }

    private static String manifest(String id, String pooling, String description) {
        return String.format(
            Locale.ROOT,
            "{\"id\":\"%s\",\"kind\":\"text\",\"pooling\":\"%s\",\"normalize\":true,\"query_prefix\":\"\",\"document_prefix\":\"\"%s}",
            id,
            pooling,
            description.isEmpty() ? "" : ",\"description\":\"" + description + "\""
        );
    }

    private static ModelRegistry registry(Path... roots) {
        return new ModelRegistry(List.of(roots), new OnnxSessions(InferenceDevice.CPU));
    }

    private static ModelInfo info(ModelRegistry registry, String id) {
        return registry.list().stream().filter(i -> i.manifest().id().equals(id)).findFirst().orElseThrow();
    }

    private static List<String> ids(ModelRegistry registry) {
        return registry.list().stream().map(info -> info.manifest().id()).toList();
    }

    public void testModelAddedAsFilesIsListedLoadedAndEncodes() throws IOException {
        Path root = createTempDir();
        modelDir(root, "my-text-model", manifest("my-text-model", "mean", ""), true);
        try (ModelRegistry registry = registry(BuiltinModels.root(), root)) {
            assertEquals(
                List.of(BuiltinModels.BGE_SMALL, BuiltinModels.BGE_SMALL_FP32, BuiltinModels.FASHION_IMAGE_DEMO, "my-text-model"),
                ids(registry)
            );
            ModelManifest manifest = registry.manifest("my-text-model").orElseThrow();
            assertEquals(Pooling.MEAN, manifest.pooling());
            assertEquals("dims come from config.json hidden_size", 384, manifest.dims());
            assertFalse("models load on first use", info(registry, "my-text-model").loaded());

            float[] mine = registry.textModel("my-text-model").encode(List.of(TEXT), EncodingPurpose.DOCUMENT, false).vectors()[0];
            assertTrue(info(registry, "my-text-model").loaded());
            assertEquals(384, mine.length);
            assertEquals(1.0, VectorUtil.dotProduct(mine, mine), 1e-4);

            float[] cls = registry.textModel(BuiltinModels.BGE_SMALL).encode(List.of(TEXT), EncodingPurpose.DOCUMENT, false).vectors()[0];
            float cosine = VectorUtil.dotProduct(mine, cls);
            assertTrue("mean pooling must give another vector than bge's CLS pooling, cosine " + cosine, cosine < 0.99f);
        }
    }

    public void testMeanPoolingIgnoresThePaddingOfShorterTextsInABatch() throws IOException {
        Path root = createTempDir();
        modelDir(root, "mean-model", manifest("mean-model", "mean", ""), true);
        try (ModelRegistry registry = registry(root)) {
            TextModel model = registry.textModel("mean-model");
            String shortText = "red shoes";
            float[] alone = model.encode(List.of(shortText), EncodingPurpose.DOCUMENT, false).vectors()[0];
            float[] padded = model.encode(List.of(TEXT + " " + TEXT + " " + TEXT, shortText), EncodingPurpose.DOCUMENT, false).vectors()[1];
            float cosine = VectorUtil.dotProduct(alone, padded);
            assertTrue("padding rows must not enter the mean: cosine " + cosine, cosine > 0.995f);
        }
    }

    public void testBrokenModelDirectoryIsSkippedWithoutBreakingTheOthers() throws IOException {
        Path root = createTempDir();
        modelDir(root, "broken", manifest("broken", "mean", ""), false);
        Files.createDirectories(root.resolve("not-a-model"));
        try (ModelRegistry registry = registry(BuiltinModels.root(), root)) {
            assertEquals(BuiltinModels.ALL, ids(registry));
            float[] vector = registry.textModel(BuiltinModels.BGE_SMALL).encode(List.of(TEXT), EncodingPurpose.QUERY, false).vectors()[0];
            assertEquals(384, vector.length);
        }
    }

    public void testTokenizerLinkPointingOutsideTheModelDirectoryIsRefused() throws IOException {
        Path root = createTempDir();
        Path dir = Files.createDirectories(root.resolve("escaping"));
        Files.writeString(dir.resolve(ModelManifest.FILE_NAME), manifest("escaping", "cls", ""));
        Files.writeString(dir.resolve("config.json"), "{\"hidden_size\": 384}");
        Files.writeString(dir.resolve("model.onnx"), "not loaded: the directory is refused before");
        Path outside = Files.copy(bge().resolve("tokenizer.json"), createTempDir().resolve("tokenizer.json"));
        Files.createSymbolicLink(dir.resolve("tokenizer.json"), outside);

        IOException e = expectThrows(IOException.class, () -> ModelFiles.locate(dir, ModelKind.TEXT));
        assertTrue(e.getMessage(), e.getMessage().contains("resolves outside its model directory"));
        try (ModelRegistry registry = registry(root)) {
            assertEquals(List.of(), ids(registry));
        }
    }

    public void testModelDirectoryLinkedFromOutsideTheRootIsRefused() throws IOException {
        Path elsewhere = modelDir(createTempDir(), "elsewhere", manifest("elsewhere", "cls", ""), true);
        Path root = createTempDir();
        Files.createSymbolicLink(root.resolve("elsewhere"), elsewhere);
        try (ModelRegistry registry = registry(BuiltinModels.root(), root)) {
            assertEquals("models are read only from the configured roots", BuiltinModels.ALL, ids(registry));
        }
    }

    public void testConfigRootModelOverridesTheBuiltinOneWithTheSameId() throws IOException {
        Path configRoot = createTempDir();
        Path override = modelDir(configRoot, "my-bge", manifest(BuiltinModels.BGE_SMALL, "mean", "operator override"), true);
        try (ModelRegistry registry = registry(BuiltinModels.root(), configRoot)) {
            assertEquals(BuiltinModels.ALL, ids(registry));
            ModelInfo info = info(registry, BuiltinModels.BGE_SMALL);
            assertEquals("operator override", info.manifest().description());
            assertEquals(Pooling.MEAN, info.manifest().pooling());
            assertEquals(override.toRealPath().toString(), info.path());
        }
        try (ModelRegistry registry = registry(configRoot, BuiltinModels.root())) {
            assertEquals("the later root wins", Pooling.CLS, registry.manifest(BuiltinModels.BGE_SMALL).orElseThrow().pooling());
        }
    }

    public void testUnknownModelIdNamesTheIdAndListsTheModels() {
        try (ModelRegistry registry = registry(BuiltinModels.root())) {
            IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> registry.textModel("no-such-model"));
            assertTrue(e.getMessage(), e.getMessage().contains("[no-such-model]"));
            assertTrue(e.getMessage(), e.getMessage().contains(BuiltinModels.BGE_SMALL));

            IllegalArgumentException required = expectThrows(
                IllegalArgumentException.class,
                () -> registry.requireManifest("no-such-model", "model")
            );
            assertTrue(required.getMessage(), required.getMessage().startsWith("[model] unknown model [no-such-model]"));
            assertTrue(required.getMessage(), required.getMessage().contains(BuiltinModels.BGE_SMALL));
        }
    }

    public void testMissingRootIsNotAnError() {
        try (ModelRegistry registry = registry(createTempDir().resolve("does-not-exist"), BuiltinModels.root())) {
            assertEquals(BuiltinModels.ALL, ids(registry));
        }
    }

    public void testLoadFindsADirectoryDroppedInAfterStartAndUnloadFreesIt() throws IOException {
        Path root = createTempDir();
        try (ModelRegistry registry = registry(root)) {
            assertEquals(List.of(), ids(registry));
            modelDir(root, "late", manifest("late", "cls", ""), true);
            ModelInfo loaded = registry.load("late");
            assertTrue("loaded with no restart", loaded.loaded());
            assertTrue(loaded.loadedBytes() > 1_000_000);
            TextModel model = registry.textModel("late");
            assertTrue(registry.unload("late"));
            assertFalse(info(registry, "late").loaded());
            OpenSearchStatusException gone = expectThrows(
                OpenSearchStatusException.class,
                () -> model.encode(List.of(TEXT), EncodingPurpose.DOCUMENT, false)
            );
            assertEquals("a call after unloading is a clear 503, not a freed session", 503, gone.status().getStatus());
            assertEquals(
                "used again, it loads again",
                384,
                registry.textModel("late").encode(List.of(TEXT), EncodingPurpose.DOCUMENT, false).vectors()[0].length
            );
            expectThrows(ResourceNotFoundException.class, () -> registry.unload("nope"));
            expectThrows(ResourceNotFoundException.class, () -> registry.load("nope"));
        }
    }

    public void testBadModelDirectoriesFailToLoadNamingTheFileAndLeaveTheRestWorking() throws IOException {
        Path root = createTempDir();
        modelDir(root, "good", manifest("good", "cls", ""), true);
        try (ModelRegistry registry = registry(root)) {
            Path noTokenizer = modelDir(root, "no-tokenizer", manifest("no-tokenizer", "cls", ""), true);
            Files.delete(noTokenizer.resolve("tokenizer.json"));
            assertMessage(expectThrows(IllegalArgumentException.class, () -> registry.load("no-tokenizer")), "tokenizer.json");

            Path notOnnx = modelDir(root, "not-onnx", manifest("not-onnx", "cls", ""), false);
            Files.writeString(notOnnx.resolve("model.onnx"), "this is not an ONNX graph");
            assertMessage(expectThrows(IllegalArgumentException.class, () -> registry.load("not-onnx")), "model.onnx");

            modelDir(root, "wrong-dims", manifest("wrong-dims", "cls", "").replace("}", ",\"dims\":100}"), true);
            IllegalArgumentException wrongDims = expectThrows(IllegalArgumentException.class, () -> registry.load("wrong-dims"));
            assertMessage(wrongDims, "[model.onnx]");
            assertMessage(wrongDims, "has shape [1, 5, 384], expected [batch, seq, 100]");
            assertFalse("a failed load holds nothing", info(registry, "wrong-dims").loaded());
            assertTrue("the other models are untouched", registry.load("good").loaded());
        }
    }

    public void testATokenizerForAnotherVocabularyIsRefusedAtLoadNamingTheFile() throws IOException {
        Path root = createTempDir();
        try (ModelRegistry registry = registry(root)) {
            // bge's tokenizer with every vocabulary id moved past the end of bge's 30,522-row embedding table
            Path declared = modelDir(root, "other-vocab", manifest("other-vocab", "cls", ""), true);
            Files.writeString(declared.resolve("config.json"), "{\"hidden_size\": 384, \"vocab_size\": 30522}");
            shiftVocabulary(declared.resolve("tokenizer.json"), 40_000);
            IllegalArgumentException refused = expectThrows(IllegalArgumentException.class, () -> registry.load("other-vocab"));
            assertMessage(refused, "[tokenizer.json] gives token ids up to 70521, but [config.json] gives the model a vocabulary of 30522");
            assertFalse(info(registry, "other-vocab").loaded());

            // without vocab_size in config.json the probe sentence is the check: ONNX Runtime refuses the ids
            Path undeclared = modelDir(root, "other-vocab-2", manifest("other-vocab-2", "cls", ""), true);
            shiftVocabulary(undeclared.resolve("tokenizer.json"), 40_000);
            IllegalArgumentException probed = expectThrows(IllegalArgumentException.class, () -> registry.load("other-vocab-2"));
            assertMessage(probed, "[model.onnx] with [tokenizer.json] fails on a probe sentence");
            assertFalse(info(registry, "other-vocab-2").loaded());
        }
    }

    @SuppressWarnings("unchecked")
    private static void shiftVocabulary(Path tokenizerJson, int by) throws IOException {
        Map<String, Object> tokenizer;
        try (var in = Files.newInputStream(tokenizerJson)) {
            tokenizer = XContentHelper
                .convertToMap(JsonXContent.jsonXContent, in, true);
        }
        Map<String, Object> vocab = (Map<String, Object>) ((Map<String, Object>) tokenizer.get("model")).get("vocab");
        vocab.replaceAll((token, id) -> ((Number) id).intValue() + by);
        try (var builder = XContentFactory.jsonBuilder()) {
            Files.writeString(tokenizerJson, builder.map(tokenizer).toString());
        }
    }

    public void testUnloadWaitsForCallsInFlight() {
        int[] released = {0};
        UseGate gate = new UseGate("m", () -> released[0]++);
        gate.enter();
        gate.close();
        assertEquals("still in use: not freed yet", 0, released[0]);
        gate.exit();
        assertEquals("freed when the last call is done", 1, released[0]);
        gate.close();
        assertEquals("once", 1, released[0]);
        expectThrows(OpenSearchStatusException.class, gate::enter);
    }

    private static void assertMessage(Exception e, String expected) {
        assertTrue(e.getMessage() + " should contain " + expected, e.getMessage().contains(expected));
    }
}
