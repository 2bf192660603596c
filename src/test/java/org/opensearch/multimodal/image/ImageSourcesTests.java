package org.opensearch.multimodal.image;

import org.opensearch.common.io.PathUtils;
import org.opensearch.test.OpenSearchTestCase;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Which kind of value is which: base64, data URI, path, URL; the URL cases themselves are in ImageFetcherTests. */
public final class ImageSourcesTests extends OpenSearchTestCase {

    private static final ImageLimits LIMITS = new ImageLimits(4096, 1_000_000, Duration.ofSeconds(1), Duration.ofSeconds(1), 1);

    private ScheduledExecutorService threads;
    private ImageFetcher fetcher;
    private Path dir;
    private byte[] png;

    @Override
    public void setUp() throws Exception {
        super.setUp();
        threads = Executors.newSingleThreadScheduledExecutor();
        fetcher = new ImageFetcher(new AddressGuard(Set.of()), LIMITS, 2, threads, threads);
        png = ImageDecoderTests.fixture("upright.png");
        dir = Files.createTempDirectory(PathUtils.get(System.getProperty("java.io.tmpdir")), "image-sources");
        Files.write(dir.resolve("photo.png"), png);
    }

    @Override
    public void tearDown() throws Exception {
        fetcher.close();
        threads.shutdownNow();
        assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS));
        super.tearDown();
    }

    private ImageSources sources() {
        return new ImageSources(fetcher, new ImagePaths(List.of(dir)), LIMITS);
    }

    private static ImageProblem problem(CompletableFuture<byte[]> future) throws Exception {
        ExecutionException e = expectThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS));
        return ((ImageException) e.getCause()).problem();
    }

    public void testBase64DataUriAndPathsGiveTheSameBytes() throws Exception {
        String base64 = Base64.getEncoder().encodeToString(png);
        assertArrayEquals(png, sources().load(base64).get());
        byte[] jpeg = ImageDecoderTests.fixture("progressive.jpg");
        assertTrue("JPEG base64 starts with a slash", Base64.getEncoder().encodeToString(jpeg).startsWith("/9j/"));
        assertArrayEquals(jpeg, sources().load(Base64.getEncoder().encodeToString(jpeg)).get());
        assertArrayEquals(
            "line breaks in base64 are ignored",
            png,
            sources().load(base64.substring(0, 20) + "\n" + base64.substring(20)).get()
        );
        assertArrayEquals(png, sources().load("data:image/png;base64," + base64).get());
        assertArrayEquals(png, sources().load("photo.png").get());
        assertArrayEquals(png, sources().load(dir.resolve("photo.png").toString()).get());
        assertArrayEquals(png, sources().load(dir.resolve("photo.png").toUri().toString()).get());
    }

    public void testBadValuesAreNamed() throws Exception {
        assertEquals(ImageProblem.INVALID_VALUE, problem(sources().load("not base64 at all!")));
        assertEquals(ImageProblem.INVALID_VALUE, problem(sources().load("data:image/png,rawbytes")));
        assertEquals(ImageProblem.INVALID_VALUE, problem(sources().load("")));
        assertEquals(ImageProblem.TOO_LARGE, problem(sources().load("A".repeat(8000))));
        assertEquals(ImageProblem.BLOCKED, problem(sources().load("/etc/hosts.png")));
        byte[] notAnImage = sources().load("/etc/passwd").get();
        assertEquals(
            "no dot: read as base64, whose bytes are no image",
            ImageProblem.UNSUPPORTED_FORMAT,
            expectThrows(ImageException.class, () -> ImageDecoder.decode(notAnImage, 1000)).problem()
        );
        assertEquals(ImageProblem.BLOCKED, problem(sources().load("http://169.254.169.254/latest/meta-data/")));
    }
}
