package org.opensearch.multimodal.processor;

import org.opensearch.ExceptionsHelper;
import org.opensearch.OpenSearchParseException;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.ingest.IngestDocumentWrapper;
import org.opensearch.multimodal.image.ImageDecoder;
import org.opensearch.multimodal.math.VectorMath;
import org.opensearch.multimodal.model.BuiltinModels;
import org.opensearch.multimodal.model.EncodingPurpose;

import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code embed_product} with tiny-clip's two towers: the weighted, normalized sum, and the text-only / image-only cases. */
public final class EmbedProductProcessorTests extends ImageProcessorTestCase {

    private EmbedProductProcessor processor(Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>(
            Map.of(
                "text_model",
                "tiny-clip",
                "image_model",
                "tiny-clip",
                "text_fields",
                List.of("title", "attributes.colour"),
                "image_field",
                "photo",
                "target_field",
                "product_vec",
                "weights",
                Map.of("text", 0.25, "image", 0.75)
            )
        );
        config.putAll(overrides);
        return new EmbedProductProcessorFactory(() -> inference, () -> images).create(Map.of(), "tag", null, config);
    }

    private static float[] vector(IngestDocumentWrapper document) {
        List<?> list = (List<?>) document.getIngestDocument().getFieldValue("product_vec", Object.class);
        float[] vector = new float[list.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = ((Number) list.get(i)).floatValue();
        }
        return vector;
    }

    public void testTheProductVectorIsTheNormalizedWeightedSumAndItsSourceIsRecorded() throws Exception {
        String photo = Base64.getEncoder().encodeToString(fixture("upright.png"));
        Map<String, Object> both = Map.of("title", "red shirt", "attributes", Map.of("colour", "red"), "photo", photo);
        List<IngestDocumentWrapper> results = run(
            processor(Map.of()),
            List.of(
                doc(0, both),
                doc(1, Map.of("title", "red shirt", "attributes", Map.of("colour", "red"))),
                doc(2, Map.of("photo", photo))
            )
        );
        float[] text = registry.textModel("tiny-clip").encode(List.of("red shirt. red"), EncodingPurpose.DOCUMENT, false).vectors()[0];
        float[] image = registry.imageModel("tiny-clip")
            .encode(List.of(ImageDecoder.decode(fixture("upright.png"), 1_000_000)), false)
            .vectors()[0];
        float[] expected = new float[6];
        for (int d = 0; d < 6; d++) {
            expected[d] = 0.25f * text[d] + 0.75f * image[d];
        }
        VectorMath.l2NormalizeInPlace(expected);
        assertArrayEquals(expected, vector(results.get(0)), 1e-5f);
        assertEquals("text+image", results.get(0).getIngestDocument().getFieldValue("product_vec_source", String.class));
        assertArrayEquals("no image: the text vector alone", text, vector(results.get(1)), 1e-5f);
        assertEquals("text", results.get(1).getIngestDocument().getFieldValue("product_vec_source", String.class));
        assertArrayEquals("no text: the image vector alone", image, vector(results.get(2)), 1e-5f);
        assertEquals("image", results.get(2).getIngestDocument().getFieldValue("product_vec_source", String.class));
    }

    public void testABadImageOrNothingToEmbedFailsTheProductAlone() throws Exception {
        List<IngestDocumentWrapper> results = run(
            processor(Map.of()),
            List.of(
                doc(0, Map.of("title", "blue dress", "photo", Base64.getEncoder().encodeToString(fixture("corrupt.png")))),
                doc(1, Map.of("sku", "123")),
                doc(2, Map.of("title", Map.of("nested", "object"))),
                doc(3, Map.of("title", "black watch"))
            )
        );
        Exception corrupt = results.get(0).getException();
        assertEquals(RestStatus.BAD_REQUEST, ExceptionsHelper.status(corrupt));
        assertTrue(corrupt.getMessage(), corrupt.getMessage().contains("field [photo]") && corrupt.getMessage().contains("corrupt"));
        assertTrue(
            results.get(1).getException().getMessage(),
            results.get(1).getException().getMessage().contains("none of the text fields")
        );
        assertTrue(results.get(2).getException().getMessage(), results.get(2).getException().getMessage().contains("field [title]"));
        assertNull(results.get(3).getException());
        assertEquals(6, vector(results.get(3)).length);
    }

    public void testFactoryRefusesModelsOfDifferentSpacesAndBadWeights() {
        OpenSearchParseException dims = expectThrows(
            OpenSearchParseException.class,
            () -> processor(Map.of("text_model", BuiltinModels.BGE_SMALL))
        );
        assertTrue(dims.getMessage(), dims.getMessage().contains("must share one space"));
        OpenSearchParseException imageless = expectThrows(
            OpenSearchParseException.class,
            () -> processor(Map.of("image_model", BuiltinModels.BGE_SMALL))
        );
        assertTrue(imageless.getMessage(), imageless.getMessage().contains("does not encode images"));
        OpenSearchParseException negative = expectThrows(
            OpenSearchParseException.class,
            () -> processor(Map.of("weights", Map.of("text", -1, "image", 1)))
        );
        assertTrue(negative.getMessage(), negative.getMessage().contains("[weights.text]"));
        OpenSearchParseException zero = expectThrows(
            OpenSearchParseException.class,
            () -> processor(Map.of("weights", Map.of("text", 0, "image", 0)))
        );
        assertTrue(zero.getMessage(), zero.getMessage().contains("must not both be 0"));
    }
}
