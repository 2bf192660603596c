package org.opensearch.multimodal.image;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Downloads from an HTTP server on loopback, which the guard blocks unless 127.0.0.1 is allow-listed. Redirects to
 * private addresses are refused before any connection is made, so no traffic leaves loopback.
 */
public final class ImageFetcherTests extends OpenSearchTestCase {

    private static final ImageLimits LIMITS = new ImageLimits(2048, 1_000_000, Duration.ofSeconds(2), Duration.ofMillis(700), 2);

    private HttpServer server;
    private ExecutorService serverThreads;
    private ExecutorService clientThreads;
    private ScheduledExecutorService timers;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger concurrent = new AtomicInteger();
    private final AtomicInteger maxConcurrent = new AtomicInteger();
    private byte[] png;

    @Override
    public void setUp() throws Exception {
        super.setUp();
        png = ImageDecoderTests.fixture("upright.png");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        serverThreads = Executors.newFixedThreadPool(8);
        clientThreads = Executors.newFixedThreadPool(2);
        timers = Executors.newSingleThreadScheduledExecutor();
        server.setExecutor(serverThreads);
        server.createContext("/photo.png", exchange -> reply(exchange, 200, png));
        server.createContext("/missing.png", exchange -> reply(exchange, 404, new byte[0]));
        server.createContext("/big.png", exchange -> reply(exchange, 200, new byte[4096]));
        server.createContext("/chunked.png", exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(200, 0); // chunked: no Content-Length to check up front
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 8; i++) {
                    out.write(new byte[1024]);
                }
            } catch (IOException e) {
                // the client hung up once it had enough
            }
        });
        server.createContext("/slow.png", exchange -> {
            sleep(2_000);
            reply(exchange, 200, png);
        });
        server.createContext("/busy.png", exchange -> {
            int now = concurrent.incrementAndGet();
            maxConcurrent.accumulateAndGet(now, Math::max);
            sleep(150);
            concurrent.decrementAndGet();
            reply(exchange, 200, png);
        });
        server.createContext("/to-photo", exchange -> redirect(exchange, "/photo.png"));
        server.createContext("/to-private", exchange -> redirect(exchange, "http://10.0.0.1/photo.png"));
        server.createContext("/to-metadata", exchange -> redirect(exchange, "http://169.254.169.254/latest/meta-data/"));
        server.createContext("/loop", exchange -> redirect(exchange, "/loop"));
        server.start();
    }

    @Override
    public void tearDown() throws Exception {
        server.stop(0);
        serverThreads.shutdownNow();
        clientThreads.shutdownNow();
        timers.shutdownNow();
        assertTrue(timers.awaitTermination(10, TimeUnit.SECONDS));
        assertTrue(serverThreads.awaitTermination(10, TimeUnit.SECONDS));
        assertTrue(clientThreads.awaitTermination(10, TimeUnit.SECONDS));
        super.tearDown();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
        requests.incrementAndGet();
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        } catch (IOException e) {
            // the client may hang up early
        }
    }

    private void redirect(HttpExchange exchange, String location) throws IOException {
        requests.incrementAndGet();
        exchange.getResponseHeaders().add("Location", location);
        exchange.sendResponseHeaders(302, -1);
        exchange.close();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private ImageFetcher fetcher(Set<String> allowedHosts, int maxConcurrentFetches) {
        return new ImageFetcher(new AddressGuard(allowedHosts), LIMITS, maxConcurrentFetches, clientThreads, timers);
    }

    private static ImageException failure(CompletableFuture<byte[]> future) throws InterruptedException {
        try {
            future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertTrue(e.getCause().toString(), e.getCause() instanceof ImageException);
            return (ImageException) e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("no answer within 30 s", e);
        }
        throw new AssertionError("expected the download to fail");
    }

    public void testAllowListedHostIsDownloadedAndRedirectsAreFollowed() throws Exception {
        try (ImageFetcher fetcher = fetcher(Set.of("127.0.0.1"), 4)) {
            assertArrayEquals(png, fetcher.fetch(url("/photo.png")).get(30, TimeUnit.SECONDS));
            assertArrayEquals(png, fetcher.fetch(url("/to-photo")).get(30, TimeUnit.SECONDS));
        }
    }

    public void testLoopbackIsBlockedBeforeAnyRequestUnlessAllowListed() throws Exception {
        try (ImageFetcher fetcher = fetcher(Set.of(), 4)) {
            assertEquals(ImageProblem.BLOCKED, failure(fetcher.fetch(url("/photo.png"))).problem());
            assertEquals(
                ImageProblem.BLOCKED,
                failure(fetcher.fetch("http://localhost:" + server.getAddress().getPort() + "/photo.png")).problem()
            );
            assertEquals(
                ImageProblem.BLOCKED,
                failure(fetcher.fetch("http://[::1]:" + server.getAddress().getPort() + "/photo.png")).problem()
            );
            assertEquals("the server was never contacted", 0, requests.get());
        }
    }

    public void testRedirectsToPrivateOrMetadataAddressesAreBlocked() throws Exception {
        try (ImageFetcher fetcher = fetcher(Set.of("127.0.0.1"), 4)) {
            ImageException privateHop = failure(fetcher.fetch(url("/to-private")));
            assertEquals(ImageProblem.BLOCKED, privateHop.problem());
            assertTrue(privateHop.getMessage(), privateHop.getMessage().contains("10.0.0.1"));
            assertEquals(ImageProblem.BLOCKED, failure(fetcher.fetch(url("/to-metadata"))).problem());
        }
    }

    public void testRedirectLoopsStopAtTheLimit() throws Exception {
        try (ImageFetcher fetcher = fetcher(Set.of("127.0.0.1"), 4)) {
            ImageException loop = failure(fetcher.fetch(url("/loop")));
            assertEquals(ImageProblem.UNAVAILABLE, loop.problem());
            assertTrue(loop.getMessage(), loop.getMessage().contains("plugins.multimodal.image.url.max_redirects"));
            assertEquals("the first request and two redirects", 3, requests.get());
        }
    }

    public void testErrorsSizeAndTimeAreNamed() throws Exception {
        try (ImageFetcher fetcher = fetcher(Set.of("127.0.0.1"), 4)) {
            ImageException missing = failure(fetcher.fetch(url("/missing.png")));
            assertEquals(ImageProblem.UNAVAILABLE, missing.problem());
            assertTrue(missing.getMessage(), missing.getMessage().contains("HTTP 404"));
            assertEquals("Content-Length past the limit", ImageProblem.TOO_LARGE, failure(fetcher.fetch(url("/big.png"))).problem());
            assertEquals("a chunked body past the limit", ImageProblem.TOO_LARGE, failure(fetcher.fetch(url("/chunked.png"))).problem());
            assertEquals(ImageProblem.TIMEOUT, failure(fetcher.fetch(url("/slow.png"))).problem());
            assertEquals(ImageProblem.INVALID_VALUE, failure(fetcher.fetch("ftp://127.0.0.1/photo.png")).problem());
            assertEquals(ImageProblem.INVALID_VALUE, failure(fetcher.fetch("http:///photo.png")).problem());
        }
    }

    public void testAtMostTheConfiguredNumberOfDownloadsRunAtOnce() throws Exception {
        try (ImageFetcher fetcher = fetcher(Set.of("127.0.0.1"), 2)) {
            List<CompletableFuture<byte[]>> downloads = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                downloads.add(fetcher.fetch(url("/busy.png")));
            }
            for (CompletableFuture<byte[]> download : downloads) {
                assertArrayEquals(png, download.get(30, TimeUnit.SECONDS));
            }
            assertEquals("six downloads, never more than two at once", 2, maxConcurrent.get());
        }
    }
}
