package org.opensearch.multimodal.integ;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code embed_image} on a real node: a CLIP-layout model (tiny-clip) dropped into the node's config, images given as
 * base64 and as URLs of a small HTTP server on loopback that the operator allow-listed
 * ({@code plugins.multimodal.image.url.allowed_hosts: 127.0.0.1}), bad images mixed in; each bad one fails alone
 * with its 4xx and field, the rest are indexed and searchable by their vectors.
 */
public final class ImageIngestIT {

    private static final String INDEX = "products";
    private static DistributionCluster cluster;
    private static RestClientHelper client;
    private static HttpServer images;
    private static final AtomicInteger imageRequests = new AtomicInteger();

    @BeforeClass
    public static void startNodeAndImageServer() throws IOException, URISyntaxException {
        images = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        images.createContext("/images/", ImageIngestIT::serveFixture);
        images.createContext("/to-private", exchange -> {
            imageRequests.incrementAndGet();
            exchange.getResponseHeaders().add("Location", "http://10.0.0.1/photo.png");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        images.start();
        Path tinyClip = Path.of(ImageIngestIT.class.getResource("/models/tiny-clip").toURI());
        cluster = DistributionCluster.start(
            "it-images",
            1,
            Map.of("plugins.multimodal.image.url.allowed_hosts", List.of("127.0.0.1")),
            (node, config) -> {
                Path dir = Files.createDirectories(config.resolve("multimodal").resolve("models").resolve("tiny-clip"));
                for (String file : List.of(
                    "vision_model.onnx",
                    "text_model.onnx",
                    "tokenizer.json",
                    "config.json",
                    "preprocessor_config.json",
                    "multimodal-model.json"
                )) {
                    Files.copy(tinyClip.resolve(file), dir.resolve(file));
                }
            }
        );
        client = cluster.client(0);
    }

    @AfterClass
    public static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (images != null) {
            images.stop(0);
        }
    }

    private static void serveFixture(HttpExchange exchange) throws IOException {
        imageRequests.incrementAndGet();
        String name = exchange.getRequestURI().getPath().substring("/images/".length());
        try (InputStream in = ImageIngestIT.class.getResourceAsStream("/images/" + name)) {
            if (in == null || name.contains("/")) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            byte[] body = in.readAllBytes();
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + images.getAddress().getPort() + path;
    }

    private static String base64(String fixture) throws IOException {
        try (InputStream in = ImageIngestIT.class.getResourceAsStream("/images/" + fixture)) {
            return Base64.getEncoder().encodeToString(in.readAllBytes());
        }
    }

    @Test
    public void embedApiTakesImagesUnderTheSameGuard() throws IOException {
        Map<String, Object> embedded = client.post(
            "/_plugins/_multimodal/_embed",
            Map.of(
                "model",
                "tiny-clip",
                "images",
                List.of(base64("upright.png"), url("/images/upright.webp")),
                "token_vectors",
                true
            )
        ).assertSuccess().map();
        List<?> embeddings = (List<?>) embedded.get("embeddings");
        assertEquals(2, embeddings.size());
        for (Object embedding : embeddings) {
            assertEquals(6, ((List<?>) ((Map<?, ?>) embedding).get("vector")).size());
            assertFalse("patch vectors asked for", ((List<?>) ((Map<?, ?>) embedding).get("patch_vectors")).isEmpty());
        }
        RestClientHelper.Response blocked = client.post(
            "/_plugins/_multimodal/_embed",
            Map.of(
                "model",
                "tiny-clip",
                "images",
                List.of(base64("upright.png"), "http://169.254.169.254/latest/meta-data/")
            )
        );
        assertEquals(blocked.body(), 403, blocked.status());
        assertTrue(blocked.body(), blocked.body().contains("[images][1]"));
        RestClientHelper.Response corrupt = client
            .post("/_plugins/_multimodal/_embed", Map.of("model", "tiny-clip", "images", List.of(base64("corrupt.png"))));
        assertEquals(corrupt.body(), 400, corrupt.status());
        RestClientHelper.Response both = client
            .post("/_plugins/_multimodal/_embed", Map.of("model", "tiny-clip", "images", List.of("x"), "texts", List.of("y")));
        assertEquals(both.body(), 400, both.status());
        assertTrue(both.body(), both.body().contains("exactly one of [texts] and [images]"));
    }

    @Test
    public void imagesByBase64AndUrlAreEmbeddedAndBadOnesFailAlone() throws IOException {
        client.put("/_ingest/pipeline/photos", """
            {"processors": [{"embed_image": {"model": "tiny-clip", "field_map": {"photo": "photo_vec"},
              "patch_field_map": {"photo": "photo_patches"}, "batch_size": 4}}]}""").assertSuccess();
        client.put(
            "/" + INDEX,
            Map.of(
                "settings",
                Map.of("index.number_of_shards", 1, "index.number_of_replicas", 0, "index.default_pipeline", "photos"),
                "mappings",
                RestClientHelper.parseMap("""
                    {"properties": {
                      "photo": {"type": "keyword", "index": false, "doc_values": false},
                      "photo_vec": {"type": "dense_vector", "dims": 6, "similarity": "cosine"},
                      "photo_patches": {"type": "multi_vector", "dims": 8}}}""")
            )
        ).assertSuccess();

        Map<String, String> photos = new LinkedHashMap<>();
        photos.put("base64", base64("upright.png"));
        photos.put("url-jpeg", url("/images/progressive.jpg"));
        photos.put("url-webp", url("/images/upright.webp"));
        photos.put("data-uri", "data:image/gif;base64," + base64("animated.gif"));
        Map<String, Object[]> bad = new LinkedHashMap<>();
        bad.put("url-missing", new Object[]{url("/images/missing.png"), 400, "HTTP 404"});
        bad.put("url-to-private", new Object[]{url("/to-private"), 403, "10.0.0.1"});
        bad.put("metadata", new Object[]{"http://169.254.169.254/latest/meta-data/", 403, "blocked"});
        bad.put("corrupt", new Object[]{base64("corrupt.png"), 400, "corrupt"});
        bad.put("tiff", new Object[]{base64("image.tiff"), 415, "unsupported format"});
        bad.put("bomb", new Object[]{base64("bomb.png"), 413, "too large"});
        StringBuilder bulk = new StringBuilder();
        photos.forEach((id, photo) -> bulk.append(DemoCorpus.indexAction(INDEX, id)).append('\n').append(photoDoc(photo)).append('\n'));
        bad.forEach(
            (id, spec) -> bulk.append(DemoCorpus.indexAction(INDEX, id)).append('\n').append(photoDoc((String) spec[0])).append('\n')
        );

        List<?> items = (List<?>) client.post("/_bulk?refresh=true", bulk.toString()).assertSuccess().map().get("items");
        for (Object item : items) {
            Map<?, ?> result = (Map<?, ?>) ((Map<?, ?>) item).get("index");
            Object[] expected = bad.get((String) result.get("_id"));
            if (expected == null) {
                assertEquals(result.toString(), 201, result.get("status"));
                continue;
            }
            assertEquals(result.toString(), expected[1], result.get("status"));
            String reason = String.valueOf(((Map<?, ?>) result.get("error")).get("reason"));
            assertTrue(result.get("_id") + ": " + reason, reason.contains("field [photo]") && reason.contains((String) expected[2]));
        }
        assertEquals(photos.size(), client.get("/" + INDEX + "/_count").assertSuccess().map().get("count"));

        Map<?, ?> stored = (Map<?, ?>) client.get("/" + INDEX + "/_doc/url-jpeg").assertSuccess().map().get("_source");
        assertEquals(6, ((List<?>) stored.get("photo_vec")).size());
        assertEquals("16 patches of the 32 x 32 input", 16, packedInt8Rows(stored.get("photo_patches"), 8));
        String byVector = String.format(
            Locale.ROOT,
            "{\"query\": {\"multimodal\": {\"query_vector\": %s, \"retrievers\": {\"image\": {\"dense\": {\"field\": \"photo_vec\", \"k\": 1}}}}}}",
            RestClientHelper.toJson(stored.get("photo_vec"))
        );
        assertEquals(List.of("url-jpeg"), DemoCorpus.hitIds(client.post("/" + INDEX + "/_search", byVector)));
    }

    private static String photoDoc(String photo) {
        try {
            return RestClientHelper.toJson(Map.of("photo", photo));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The rows of an int8 multi_vector value (a field mapped without {@code encoding} in a new index) as {@code _source}
     * gives it back: base64 of the packed form (4 header bytes, then a row's float scale and {@code dims} signed bytes;
     * docs/field-types.md).
     */
    static int packedInt8Rows(Object value, int dims) {
        byte[] packed = Base64.getDecoder().decode((String) value);
        assertEquals("format version", 1, packed[0]);
        assertEquals("int8, a new index's default encoding", 2, packed[1]);
        assertEquals(dims, (packed[2] & 0xFF) | ((packed[3] & 0xFF) << 8));
        assertEquals("whole rows", 0, (packed.length - 4) % (4 + dims));
        return (packed.length - 4) / (4 + dims);
    }
}
