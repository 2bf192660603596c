package org.opensearch.multimodal.processor;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.lucene.util.VectorUtil;
import org.opensearch.ExceptionsHelper;
import org.opensearch.common.settings.Settings;
import org.opensearch.ingest.IngestDocumentWrapper;
import org.opensearch.multimodal.FuzzScale;
import org.opensearch.multimodal.image.ImageInputs;
import org.opensearch.multimodal.settings.MultimodalSettings;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.zip.CRC32;

/**
 * Hostile images through {@code embed_image} (issue 16, part 4): a seeded, bounded set of image values per class
 * (truncated files, flipped bytes, wrong magic, decompression bombs, random bytes, malformed base64 and data URIs, odd
 * strings, and URLs to a loopback server that redirects forever, answers slowly, drips bytes, sends too much or
 * errors). Every document must come back embedded or failed alone with a 4xx naming the field, never a 5xx; the
 * breaker holds nothing afterwards and a good image still embeds. The counts per class are printed.
 */
public final class ImageFuzzTests extends ImageProcessorTestCase {

    private static final String[] FIXTURES = {"upright.png", "progressive.jpg", "cmyk.jpg", "gray.png", "alpha.png", "upright.webp",
        "upright.bmp", "animated.gif", "orientation6.jpg"};
    private static final int PER_CLASS = FuzzScale.times(24);
    /** The first bytes of PNG, JPEG, GIF, RIFF (WebP), BMP and of no format. */
    private static final List<byte[]> MAGICS = List.of(
        new byte[]{(byte) 0x89, 'P', 'N', 'G'},
        new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0},
        new byte[]{'G', 'I', 'F', '8'},
        new byte[]{'R', 'I', 'F', 'F'},
        new byte[]{'B', 'M'},
        new byte[]{0, 0, 0, 0}
    );

    private HttpServer server;
    private ExecutorService serverThreads;

    @Override
    public void setUp() throws Exception {
        super.setUp();
        byte[] png = fixture("upright.png");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 32);
        serverThreads = Executors.newFixedThreadPool(8);
        server.setExecutor(serverThreads);
        server.createContext("/photo.png", exchange -> reply(exchange, 200, png));
        server.createContext("/loop", exchange -> redirect(exchange, "/loop"));
        server.createContext("/hop", exchange -> redirect(exchange, "/hop" + exchange.getRequestURI().getPath().length()));
        server.createContext("/slow", exchange -> {
            sleep(1_500);
            reply(exchange, 200, png);
        });
        server.createContext("/drip", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 40; i++) {
                    out.write(png[i % png.length]);
                    out.flush();
                    sleep(50);
                }
            } catch (IOException e) {
                // the client gave up first
            }
        });
        server.createContext("/huge", exchange -> reply(exchange, 200, new byte[64 * 1024]));
        server.createContext("/html", exchange -> reply(exchange, 200, "<html>not an image</html>".getBytes(StandardCharsets.UTF_8)));
        server.createContext("/error", exchange -> reply(exchange, 500, new byte[0]));
        server.createContext("/cut", exchange -> {
            exchange.sendResponseHeaders(200, png.length); // promises the whole file, sends half and hangs up
            exchange.getResponseBody().write(png, 0, png.length / 2);
            exchange.close();
        });
        server.start();
    }

    @Override
    public void tearDown() throws Exception {
        server.stop(0);
        serverThreads.shutdownNow();
        assertTrue(serverThreads.awaitTermination(10, TimeUnit.SECONDS));
        super.tearDown();
    }

    public void testEveryHostileImageFailsItsDocumentAloneWithA4xx() throws Exception {
        Random random = new Random(randomLong());
        Map<String, List<String>> cases = new TreeMap<>();
        Map<String, byte[]> truncatedFrom = new HashMap<>();
        List<byte[]> fixtures = new ArrayList<>();
        for (String name : FIXTURES) {
            fixtures.add(fixture(name));
        }
        Function<Integer, byte[]> anyFixture = i -> fixtures.get(random.nextInt(fixtures.size())).clone();
        for (int i = 0; i < PER_CLASS; i++) {
            byte[] image = anyFixture.apply(i);
            String truncated = Base64.getEncoder().encodeToString(Arrays.copyOf(image, random.nextInt(image.length)));
            add(cases, "truncated", truncated);
            truncatedFrom.put(truncated, image);
            byte[] flipped = anyFixture.apply(i);
            for (int k = 1 + random.nextInt(8); k > 0; k--) {
                flipped[random.nextInt(flipped.length)] ^= (byte) (1 + random.nextInt(255));
            }
            add(cases, "flipped bytes", Base64.getEncoder().encodeToString(flipped));
            byte[] wrongMagic = anyFixture.apply(i);
            List<byte[]> otherFormats = MAGICS.stream().filter(magic -> magic[0] != wrongMagic[0]).toList();
            byte[] otherMagic = otherFormats.get(random.nextInt(otherFormats.size()));
            System.arraycopy(otherMagic, 0, wrongMagic, 0, otherMagic.length);
            add(cases, "wrong magic", Base64.getEncoder().encodeToString(wrongMagic));
            add(cases, "bomb", Base64.getEncoder().encodeToString(pngHeader(1 + random.nextInt(1 << 20), 1 + random.nextInt(1 << 20))));
            byte[] noise = new byte[1 + random.nextInt(4096)];
            random.nextBytes(noise);
            add(cases, "random bytes", Base64.getEncoder().encodeToString(noise));
            String good = Base64.getEncoder().encodeToString(anyFixture.apply(i));
            add(
                cases,
                "malformed base64 or data URI",
                List.of(
                    good.substring(0, 1 + random.nextInt(good.length() - 1)) + "!!",
                    "data:image/png;base64," + good.replace('A', '*'),
                    "data:image/png," + good,
                    "data:;base64,",
                    "data:image/png;base64," + good.substring(0, good.length() / 2)
                ).get(random.nextInt(5))
            );
            add(
                cases,
                "odd strings",
                List.of(
                    "",
                    " ",
                    "\u0000\u0001",
                    "🙂".repeat(1 + random.nextInt(50)),
                    "ftp://example.com/a.png",
                    "../../etc/passwd",
                    "file:///etc/passwd",
                    "http://",
                    "http://[::1]/x.png",
                    "x".repeat(1 + random.nextInt(10_000))
                ).get(random.nextInt(10))
            );
            add(
                cases,
                "hostile server",
                url(List.of("/loop", "/hop", "/slow", "/drip", "/huge", "/html", "/error", "/cut").get(random.nextInt(8)))
            );
        }

        Settings hostile = Settings.builder()
            .putList(MultimodalSettings.IMAGE_URL_ALLOWED_HOSTS.getKey(), "127.0.0.1")
            .put(MultimodalSettings.IMAGE_URL_READ_TIMEOUT.getKey(), "700ms")
            .put(MultimodalSettings.IMAGE_URL_MAX_REDIRECTS.getKey(), 3)
            .put(MultimodalSettings.IMAGE_MAX_BYTES.getKey(), "32kb")
            .build();
        Map<String, Object> config = Map.of("model", "tiny-clip", "field_map", Map.of("photo", "photo_vec"), "batch_size", 8);
        Map<String, Map<String, Integer>> outcomes = new TreeMap<>();
        List<String> wrong = new ArrayList<>(); // a 5xx, a failure not naming its field, gray-filled pixels
        try (ImageInputs input = newImages(hostile, breaker)) {
            EmbedImageProcessor processor = new EmbedImageProcessorFactory(() -> inference, () -> input, () -> TestLimits.of(hostile))
                .create(Map.of(), "fuzz", null, new HashMap<>(config));
            for (Map.Entry<String, List<String>> kind : cases.entrySet()) {
                List<IngestDocumentWrapper> documents = new ArrayList<>();
                for (String value : kind.getValue()) {
                    documents.add(doc(documents.size(), Map.of("photo", value)));
                }
                documents.add(doc(documents.size(), Map.of("photo", Base64.getEncoder().encodeToString(fixture("upright.png")))));
                List<IngestDocumentWrapper> results = run(processor, documents);
                assertEquals(documents.size(), results.size());
                assertNull("the good image beside them is embedded", results.get(results.size() - 1).getException());
                for (IngestDocumentWrapper result : results.subList(0, results.size() - 1)) {
                    Exception failure = result.getException();
                    String outcome;
                    if (failure == null) {
                        outcome = result.getIngestDocument().hasField("photo_vec") ? "embedded" : "blank: nothing to embed";
                        String value = result.getIngestDocument().getFieldValue("photo", String.class);
                        if (outcome.equals("embedded") && truncatedFrom.containsKey(value)) {
                            // only what it cut was after the picture (a trailer, a checksum): the same pixels, not gray fill
                            float cosine = VectorUtil
                                .dotProduct(vectorOf(processor, truncatedFrom.get(value)), floats(result, "photo_vec"));
                            if (cosine < 0.9999f) {
                                byte[] whole = truncatedFrom.get(value);
                                wrong.add(
                                    String.format(
                                        Locale.ROOT,
                                        "truncated, embedded as other pixels (cosine %.4f): %d of %d bytes of a file starting %s",
                                        cosine,
                                        Base64.getDecoder().decode(value).length,
                                        whole.length,
                                        new String(whole, 0, 4, StandardCharsets.ISO_8859_1).replaceAll("[^ -~]", "?")
                                    )
                                );
                            }
                        }
                    } else {
                        int status = ExceptionsHelper.status(failure).getStatus();
                        outcome = String.valueOf(status);
                        if (status >= 500 || failure.getMessage().contains("[embed_image] field [photo]") == false) {
                            wrong.add(kind.getKey() + ": " + status + " " + failure);
                        }
                    }
                    outcomes.computeIfAbsent(kind.getKey(), k -> new TreeMap<>()).merge(outcome, 1, Integer::sum);
                }
            }
        }
        logger.info("image fuzz outcomes by class: {}", outcomes);
        System.out.printf(Locale.ROOT, "image fuzz outcomes by class: %s%n", outcomes);
        assertEquals("every hostile image is a 4xx naming its field, or its intact pixels", List.of(), wrong);
        assertEquals("no charge left behind", 0, breaker.getUsed());
        for (String kind : List.of("bomb", "random bytes", "hostile server", "malformed base64 or data URI")) {
            assertFalse(kind + " never embeds: " + outcomes.get(kind), outcomes.get(kind).containsKey("embedded"));
        }
    }

    /** The vector {@code processor} gives an intact image. */
    private static float[] vectorOf(EmbedImageProcessor processor, byte[] image) throws Exception {
        IngestDocumentWrapper result = run(processor, List.of(doc(0, Map.of("photo", Base64.getEncoder().encodeToString(image))))).get(0);
        assertNull(result.getException());
        return floats(result, "photo_vec");
    }

    private static float[] floats(IngestDocumentWrapper result, String field) {
        List<?> values = result.getIngestDocument().getFieldValue(field, List.class);
        float[] floats = new float[values.size()];
        for (int i = 0; i < floats.length; i++) {
            floats[i] = ((Number) values.get(i)).floatValue();
        }
        return floats;
    }

    private static void add(Map<String, List<String>> cases, String kind, String value) {
        cases.computeIfAbsent(kind, k -> new ArrayList<>()).add(value);
    }

    /** A PNG signature and IHDR claiming {@code width x height} pixels, with a valid CRC and nothing after it. */
    private static byte[] pngHeader(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(17);
        ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(width).putInt(height).put((byte) 8).put((byte) 2).put(new byte[3]);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        out.writeBytes(ByteBuffer.allocate(4).putInt(13).array());
        out.writeBytes(ihdr.array());
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        return out.toByteArray();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        } catch (IOException e) {
            // the client may hang up early
        }
    }

    private static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().add("Location", location);
        exchange.sendResponseHeaders(302, -1);
        exchange.close();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
