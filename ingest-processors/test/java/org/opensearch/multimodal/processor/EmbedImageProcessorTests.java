package org.opensearch.multimodal.processor;

import org.apache.lucene.util.VectorUtil;
import org.opensearch.ExceptionsHelper;
import org.opensearch.OpenSearchParseException;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.breaker.CircuitBreaker;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.ingest.IngestDocument;
import org.opensearch.ingest.IngestDocumentWrapper;
import org.opensearch.multimodal.image.ImageDecoder;
import org.opensearch.multimodal.image.ImageInputs;
import org.opensearch.multimodal.mapper.MultiVectorFormat;
import org.opensearch.multimodal.memory.TestBreakers;
import org.opensearch.multimodal.model.BuiltinModels;
import org.opensearch.multimodal.settings.MultimodalSettings;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code embed_image} with the tiny-clip fixture model: good images embedded, each bad one failing its document alone. */
public final class EmbedImageProcessorTests extends ImageProcessorTestCase {

    private static String base64(String name) throws IOException {
        return Base64.getEncoder().encodeToString(fixture(name));
    }

    private EmbedImageProcessor processor(Map<String, Object> config) {
        return processor(config, Settings.EMPTY);
    }

    private EmbedImageProcessor processor(Map<String, Object> config, Settings nodeSettings) {
        return processor(config, nodeSettings, images);
    }

    private EmbedImageProcessor processor(Map<String, Object> config, Settings nodeSettings, ImageInputs input) {
        return new EmbedImageProcessorFactory(() -> inference, () -> input, () -> TestLimits.of(nodeSettings))
            .create(Map.of(), "tag", null, new HashMap<>(config));
    }

    public void testLoadedAndDecodedImagesAreChargedToTheBreakerAndWhatDoesNotFitFailsWithA429() throws Exception {
        Map<String, Object> config = Map.of("model", "tiny-clip", "field_map", Map.of("photo", "photo_vec"), "batch_size", 2);
        byte[] png = fixture("upright.png");
        BufferedImage pixels = ImageDecoder.decode(png, Long.MAX_VALUE);
        long decodedBytes = (long) pixels.getWidth() * pixels.getHeight() * 8;
        List<IngestDocumentWrapper> plenty = run(
            processor(config),
            List.of(doc(0, Map.of("photo", base64("upright.png"))), doc(1, Map.of("photo", base64("gray.png"))))
        );
        plenty.forEach(result -> assertNull(result.getException()));
        assertEquals("every charge handed back", 0, breaker.getUsed());

        // room for one batch's loaded bytes, not for a decoded picture beside them; then not even for the bytes
        for (long limit : new long[]{2 * png.length + decodedBytes / 2, png.length}) {
            CircuitBreaker tight = TestBreakers.multimodal(limit);
            try (ImageInputs tightImages = newImages(tight)) {
                List<IngestDocumentWrapper> refused = run(
                    processor(config, Settings.EMPTY, tightImages),
                    List.of(doc(0, Map.of("photo", base64("upright.png"))), doc(1, Map.of("photo", base64("upright.png"))))
                );
                for (IngestDocumentWrapper result : refused) {
                    assertNotNull("limit " + limit, result.getException());
                    assertEquals(RestStatus.TOO_MANY_REQUESTS, ExceptionsHelper.status(result.getException()));
                    String message = result.getException().getMessage();
                    assertTrue(message, message.contains("[embed_image] field [photo]") && message.contains("[multimodal]"));
                    assertTrue(message, message.contains(limit == png.length ? "loaded images" : "decoded image"));
                }
                assertEquals("a refused request holds nothing", 0, tight.getUsed());
                assertTrue(tight.getTrippedCount() > 0);
            }
        }
    }

    public void testPatchVectorsPastTheRequestBudgetFailTheirDocumentWithA429AndTheRestAreKept() throws Exception {
        Map<String, Object> config = Map
            .of(
                "model",
                "tiny-clip",
                "field_map",
                Map.of("photo", "photo_vec"),
                "patch_field_map",
                Map.of("photo", "photo_patches"),
                "batch_size",
                1
            );
        IngestDocument one = run(processor(config), List.of(doc(0, Map.of("photo", base64("upright.png"))))).get(0).getIngestDocument();
        int bytesPerDocument = one.getFieldValue("photo_patches", String.class).length();
        // room for two documents' patch vectors, not three
        Settings tight = Settings.builder()
            .put(MultimodalSettings.TOKEN_VECTOR_BYTES_PER_REQUEST.getKey(), (bytesPerDocument * 5 / 2) + "b")
            .build();
        List<IngestDocumentWrapper> results = run(
            processor(config, tight),
            List.of(
                doc(0, Map.of("photo", base64("upright.png"))),
                doc(1, Map.of("photo", base64("gray.png"))),
                doc(2, Map.of("photo", base64("upright.png")))
            )
        );
        int kept = 0;
        for (IngestDocumentWrapper result : results) {
            if (result.getException() == null) {
                kept++;
                assertTrue(result.getIngestDocument().hasField("photo_patches"));
                continue;
            }
            assertEquals(RestStatus.TOO_MANY_REQUESTS, ExceptionsHelper.status(result.getException()));
            String message = result.getException().getMessage();
            assertTrue(message, message.contains("[embed_image] field [photo]"));
            assertTrue(message, message.contains(MultimodalSettings.TOKEN_VECTOR_BYTES_PER_REQUEST.getKey()));
        }
        assertEquals("two documents' patch vectors fit", 2, kept);
    }

    private static float[] vector(Object value) {
        List<?> list = (List<?>) value;
        float[] vector = new float[list.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = ((Number) list.get(i)).floatValue();
        }
        return vector;
    }

    public void testBase64AndDataUriImagesGetTheModelsVectorAndPatches() throws Exception {
        EmbedImageProcessor processor = processor(
            Map.of(
                "model",
                "tiny-clip",
                "field_map",
                Map.of("photo", "photo_vec"),
                "patch_field_map",
                Map.of("photo", "photo_patches"),
                "batch_size",
                2
            )
        );
        List<IngestDocumentWrapper> results = run(
            processor,
            List.of(
                doc(0, Map.of("photo", base64("upright.png"))),
                doc(1, Map.of("photo", "data:image/jpeg;base64," + base64("progressive.jpg"))),
                doc(2, Map.of("photo", base64("gray.png")))
            )
        );
        for (IngestDocumentWrapper result : results) {
            assertNull(String.valueOf(result.getException()), result.getException());
            IngestDocument document = result.getIngestDocument();
            float[] vector = vector(document.getFieldValue("photo_vec", Object.class));
            assertEquals(6, vector.length);
            assertEquals(1.0, VectorUtil.dotProduct(vector, vector), 1e-5);
            String patches = document.getFieldValue("photo_patches", String.class);
            assertEquals("patch vectors handed on packed", 16, MultiVectorFormat.unpack(Base64.getDecoder().decode(patches)).length);
        }
        float[] direct = registry.imageModel("tiny-clip")
            .encode(List.of(ImageDecoder.decode(fixture("upright.png"), 1_000_000)), false)
            .vectors()[0];
        assertArrayEquals(
            "the pipeline's vector is the model's",
            direct,
            vector(results.get(0).getIngestDocument().getFieldValue("photo_vec", Object.class)),
            1e-5f
        );
    }

    public void testEachBadImageFailsItsDocumentAloneWithItsStatusAndField() throws Exception {
        EmbedImageProcessor processor = processor(Map.of("model", "tiny-clip", "field_map", Map.of("photo", "photo_vec")));
        List<IngestDocumentWrapper> documents = new ArrayList<>();
        documents.add(doc(0, Map.of("photo", base64("upright.png"))));
        documents.add(doc(1, Map.of("photo", base64("corrupt.png"))));
        documents.add(doc(2, Map.of("photo", base64("image.tiff"))));
        documents.add(doc(3, Map.of("photo", base64("bomb.png"))));
        documents.add(doc(4, Map.of("photo", base64("truncated.jpg"))));
        documents.add(doc(5, Map.of("photo", "http://169.254.169.254/latest/meta-data/")));
        documents.add(doc(6, Map.of("photo", "/etc/passwd.png")));
        documents.add(doc(7, Map.of("photo", 42)));
        documents.add(doc(8, Map.of("other", "no photo")));
        documents.add(doc(9, Map.of("photo", "")));
        List<IngestDocumentWrapper> results = run(processor, documents);
        RestStatus[] expected = {null, RestStatus.BAD_REQUEST, RestStatus.UNSUPPORTED_MEDIA_TYPE, RestStatus.REQUEST_ENTITY_TOO_LARGE,
            RestStatus.BAD_REQUEST, RestStatus.FORBIDDEN, RestStatus.FORBIDDEN, RestStatus.BAD_REQUEST, RestStatus.BAD_REQUEST, null};
        String[] cause = {null, "corrupt", "unsupported format", "too large", "truncated", "blocked", "blocked", "a number", "missing",
            null};
        for (int i = 0; i < expected.length; i++) {
            Exception e = results.get(i).getException();
            if (expected[i] == null) {
                assertNull("document " + i + ": " + e, e);
                continue;
            }
            assertNotNull("document " + i + " must fail", e);
            assertEquals("document " + i + ": " + e.getMessage(), expected[i], ExceptionsHelper.status(e));
            assertTrue("document " + i + ": " + e.getMessage(), e.getMessage().contains("field [photo]"));
            assertTrue("document " + i + ": " + e.getMessage(), e.getMessage().contains(cause[i]));
        }
        assertEquals(6, vector(results.get(0).getIngestDocument().getFieldValue("photo_vec", Object.class)).length);
        assertFalse("an empty value gets no vector", results.get(9).getIngestDocument().hasField("photo_vec"));
    }

    public void testFactoryRefusesModelsWithoutAnImageEncoderOrPatches() {
        OpenSearchParseException text = expectThrows(
            OpenSearchParseException.class,
            () -> processor(Map.of("model", BuiltinModels.BGE_SMALL, "field_map", Map.of("photo", "v")))
        );
        assertTrue(text.getMessage(), text.getMessage().contains("does not encode images"));
        OpenSearchParseException unknown = expectThrows(
            OpenSearchParseException.class,
            () -> processor(Map.of("model", "nope", "field_map", Map.of("photo", "v")))
        );
        assertTrue(unknown.getMessage(), unknown.getMessage().startsWith("[model] unknown model [nope]"));
    }
}
