package org.opensearch.multimodal.model;

import org.apache.lucene.util.VectorUtil;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.opensearch.common.io.PathUtils;
import org.opensearch.multimodal.image.ImageDecoder;
import org.opensearch.multimodal.settings.InferenceDevice;
import org.opensearch.test.OpenSearchTestCase;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A CLIP-family model directory (tiny-clip: the shapes of a real export, random weights; make_tiny_clip.py beside it)
 * loads through the registry like any model, and both towers encode into one space of the manifest's dims.
 */
public final class ImageModelTests extends OpenSearchTestCase {

    private static ModelRegistry registry;

    @BeforeClass
    public static void loadModels() throws URISyntaxException {
        NativeLibraries.configure(createTempDir());
        Path root = PathUtils.get(ImageModelTests.class.getResource("/models/tiny-clip").toURI()).getParent();
        registry = new ModelRegistry(List.of(BuiltinModels.root(), root), new OnnxSessions(InferenceDevice.CPU));
    }

    @AfterClass
    public static void closeModels() {
        registry.close();
        registry = null;
    }

    private static BufferedImage image(String name) throws IOException {
        try (InputStream in = ImageModelTests.class.getResourceAsStream("/images/" + name)) {
            return ImageDecoder.decode(in.readAllBytes(), 1_000_000);
        }
    }

    public void testTheClipDirectoryIsListedWithItsKindAndDims() {
        ModelManifest manifest = registry.manifest("tiny-clip").orElseThrow();
        assertEquals(ModelKind.CLIP, manifest.kind());
        assertEquals(6, manifest.dims());
        assertEquals(8, manifest.patchDims());
    }

    public void testImagesGiveUnitVectorsOfTheModelDimsAndBatchingChangesNothing() throws IOException {
        ImageModel model = registry.imageModel("tiny-clip");
        BufferedImage upright = image("upright.png");
        BufferedImage gray = image("gray.png");
        ImageEmbeddings both = model.encode(List.of(upright, gray), false);
        assertEquals(2, both.size());
        for (float[] vector : both.vectors()) {
            assertEquals(6, vector.length);
            assertEquals(1.0, VectorUtil.dotProduct(vector, vector), 1e-5);
        }
        float[] alone = model.encode(List.of(gray), false).vectors()[0];
        assertArrayEquals("float32 model: the same vector alone and in a batch", alone, both.vectors()[1], 1e-5f);
        assertTrue("different pictures, different vectors", VectorUtil.dotProduct(both.vectors()[0], both.vectors()[1]) < 0.999f);
    }

    public void testPatchVectorsLeaveOutTheClassToken() throws IOException {
        ImageEmbeddings embeddings = registry.imageModel("tiny-clip").encode(List.of(image("upright.png")), true);
        float[][] patches = embeddings.patchVectors()[0];
        assertEquals("32 x 32 pixels in 8 x 8 patches, the pooled token skipped", 16, patches.length);
        for (float[] patch : patches) {
            assertEquals(8, patch.length);
            assertEquals(1.0, VectorUtil.dotProduct(patch, patch), 1e-5);
        }
    }

    public void testTheTextTowerIsATextModelWithPooledOutput() {
        TextModel text = registry.textModel("tiny-clip");
        float[][] vectors = text.encode(List.of("red shirt for men", "blue dress"), EncodingPurpose.QUERY, false).vectors();
        assertEquals(6, vectors[0].length);
        assertEquals(1.0, VectorUtil.dotProduct(vectors[0], vectors[0]), 1e-5);
        assertTrue(VectorUtil.dotProduct(vectors[0], vectors[1]) < 0.999f);
        IllegalArgumentException tokens = expectThrows(
            IllegalArgumentException.class,
            () -> text.encode(List.of("red shirt"), EncodingPurpose.DOCUMENT, true)
        );
        assertTrue(tokens.getMessage(), tokens.getMessage().contains("not token vectors"));
    }

    public void testAClipExportAsOneModelFileGivesTheSameVectorsAsTwoFiles() throws IOException {
        ModelManifest manifest = registry.manifest("tiny-clip-combined").orElseThrow();
        assertEquals(ModelKind.CLIP, manifest.kind());
        List<BufferedImage> photos = List.of(image("upright.png"), image("gray.png"));
        ImageEmbeddings separate = registry.imageModel("tiny-clip").encode(photos, true);
        ImageEmbeddings combined = registry.imageModel("tiny-clip-combined").encode(photos, true);
        for (int i = 0; i < photos.size(); i++) {
            assertArrayEquals(separate.vectors()[i], combined.vectors()[i], 1e-6f);
            assertArrayEquals(separate.patchVectors()[i][3], combined.patchVectors()[i][3], 1e-6f);
        }
        List<String> texts = List.of("white shoes for women", "a black bag");
        float[][] separateText = registry.textModel("tiny-clip").encode(texts, EncodingPurpose.QUERY, false).vectors();
        float[][] combinedText = registry.textModel("tiny-clip-combined").encode(texts, EncodingPurpose.QUERY, false).vectors();
        for (int i = 0; i < texts.size(); i++) {
            assertArrayEquals(separateText[i], combinedText[i], 1e-6f);
        }
    }

    public void testAskingATextModelForImagesIsAClearError() {
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> registry.imageModel(BuiltinModels.BGE_SMALL));
        assertTrue(e.getMessage(), e.getMessage().contains("does not encode images"));
    }

    public void testAClipDirectoryWithoutItsPreprocessorConfigIsSkipped() throws IOException, URISyntaxException {
        Path source = PathUtils.get(ImageModelTests.class.getResource("/models/tiny-clip").toURI());
        Path root = Files.createTempDirectory(PathUtils.get(System.getProperty("java.io.tmpdir")), "broken-clip");
        Path copy = Files.createDirectories(root.resolve("tiny-clip"));
        for (String file : List.of("vision_model.onnx", "text_model.onnx", "tokenizer.json", "config.json", "multimodal-model.json")) {
            Files.copy(source.resolve(file), copy.resolve(file));
        }
        try (ModelRegistry broken = new ModelRegistry(List.of(root), new OnnxSessions(InferenceDevice.CPU))) {
            assertTrue("a model without preprocessor_config.json is not offered", broken.manifest("tiny-clip").isEmpty());
        }
    }
}
