package org.opensearch.multimodal.rest;

import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.common.xcontent.XContentFactory;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.multimodal.model.EncodingPurpose;
import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** The {@code _embed} body: defaults, and a 400-style error naming the parameter for each malformed part. */
public final class EmbedRequestTests extends OpenSearchTestCase {

    private static final int MAX_TEXTS = 3;

    private static String error(Map<String, Object> body) {
        return expectThrows(IllegalArgumentException.class, () -> EmbedRequest.parse(body, MAX_TEXTS)).getMessage();
    }

    public void testDefaultsAreDocumentPurposeWithoutTokenVectors() {
        EmbedRequest request = EmbedRequest.parse(Map.of("model", "m", "texts", List.of("a", "b")), MAX_TEXTS);
        assertEquals("m", request.model());
        assertEquals(List.of("a", "b"), request.texts());
        assertEquals(EncodingPurpose.DOCUMENT, request.purpose());
        assertFalse(request.tokenVectors());
    }

    public void testQueryPurposeAndTokenVectors() {
        EmbedRequest request = EmbedRequest
            .parse(Map.of("model", "m", "texts", List.of("a"), "purpose", "query", "token_vectors", true), MAX_TEXTS);
        assertEquals(EncodingPurpose.QUERY, request.purpose());
        assertTrue(request.tokenVectors());
    }

    public void testEachMalformedPartIsNamed() {
        assertTrue(error(Map.of("texts", List.of("a"))).contains("[model]"));
        assertTrue(error(Map.of("model", 7, "texts", List.of("a"))).contains("[model]"));
        assertTrue(error(Map.of("model", "m")).contains("exactly one of [texts] and [images]"));
        assertTrue(error(Map.of("model", "m", "images", List.of("a", 3))).contains("[images][1]"));
        EmbedRequest images = EmbedRequest.parse(Map.of("model", "m", "images", List.of("aGk=")), MAX_TEXTS);
        assertEquals(List.of("aGk="), images.images());
        assertNull(images.texts());
        assertTrue(error(Map.of("model", "m", "texts", "a")).contains("[texts]"));
        assertTrue(error(Map.of("model", "m", "texts", List.of())).contains("[texts]"));
        assertTrue(error(Map.of("model", "m", "texts", List.of("a", 2))).contains("[texts][1]"));
        assertTrue(error(Map.of("model", "m", "texts", List.of("a"), "token_vectors", "yes")).contains("[token_vectors]"));
        assertTrue(error(Map.of("model", "m", "texts", List.of("a"), "purpose", "both")).contains("[purpose]"));
        assertTrue(error(Map.of("model", "m", "texts", List.of("a"), "text", "a")).contains("unknown parameter [text]"));
    }

    public void testMoreTextsThanTheSettingAllowsNamesTheSetting() {
        String message = error(Map.of("model", "m", "texts", Collections.nCopies(MAX_TEXTS + 1, "a")));
        assertTrue(message, message.contains("plugins.multimodal.embed.max_texts"));
        assertTrue(message, message.contains("at most " + MAX_TEXTS));
    }

    public void testRequestAndResponseCrossTheTransportLayerIntact() throws IOException {
        EmbedRequest images = EmbedRequest
            .parse(Map.of("model", "m", "images", List.of("aGk=", "https://example.com/a.jpg"), "token_vectors", true), MAX_TEXTS);
        try (BytesStreamOutput out = new BytesStreamOutput()) {
            new EmbedAction.Request(images).writeTo(out);
            assertEquals(images, new EmbedAction.Request(out.bytes().streamInput()).embed());
        }
        float[][] vectors = {{1f, 2f}, {3f, 4f}};
        float[][][] patches = {{{0.5f, 0.5f}}, {{1f, 0f}, {0f, 1f}}};
        try (BytesStreamOutput out = new BytesStreamOutput()) {
            new EmbedAction.Response("m", true, vectors, patches).writeTo(out);
            EmbedAction.Response read = new EmbedAction.Response(out.bytes().streamInput());
            assertArrayEquals(vectors, read.vectors());
            XContentBuilder json = XContentFactory.jsonBuilder();
            read.render(json);
            assertEquals(
                "{\"model\":\"m\",\"embeddings\":[{\"vector\":[1.0,2.0],\"patch_vectors\":[[0.5,0.5]]},"
                    + "{\"vector\":[3.0,4.0],\"patch_vectors\":[[1.0,0.0],[0.0,1.0]]}]}",
                json.toString()
            );
        }
    }
}
