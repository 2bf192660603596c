package org.opensearch.multimodal.image;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Downloads images over http(s) without blocking the caller: at most {@code maxConcurrent} downloads run at once
 * (the rest wait in a queue, not on a thread), every host is checked by the {@link AddressGuard} before it is
 * contacted, redirects are followed by hand so each hop is checked too, bodies stop at the byte limit, and the
 * whole download has a deadline. The JVM caches each resolution (30 s by default), so the connection goes to the
 * address that was checked.
 */
public final class ImageFetcher implements Closeable {

    private final HttpClient client;
    private final ScheduledExecutorService scheduler;
    private final AddressGuard guard;
    private final ImageLimits limits;
    private final int maxConcurrent;
    private final AtomicInteger running = new AtomicInteger();
    private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();

    /** {@code executor} runs the HTTP client's work, {@code scheduler} the download deadlines (the node's own). */
    public ImageFetcher(AddressGuard guard, ImageLimits limits, int maxConcurrent, Executor executor, ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
        this.guard = guard;
        this.limits = limits;
        this.maxConcurrent = maxConcurrent;
        this.client = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(limits.connectTimeout())
            .executor(executor)
            .build();
    }

    /** The image bytes at {@code url}; fails with an {@link ImageException} that says why. */
    public CompletableFuture<byte[]> fetch(String url) {
        URI uri;
        try {
            uri = checkedUri(URI.create(url), url);
        } catch (IllegalArgumentException e) {
            return CompletableFuture
                .failedFuture(new ImageException(ImageProblem.INVALID_VALUE, String.format(Locale.ROOT, "[%s] is not a URL", url), e));
        } catch (ImageException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        waiting.add(() -> download(uri, url, 0).whenComplete((bytes, e) -> {
            running.decrementAndGet();
            startWaiting();
            if (e == null) {
                result.complete(bytes);
            } else {
                result.completeExceptionally(unwrap(e, url));
            }
        }));
        startWaiting();
        return result;
    }

    /** Stops the HTTP client's own threads; downloads still running fail. */
    @Override
    public void close() {
        client.shutdownNow();
        client.close();
    }

    /** Starts queued downloads while fewer than {@code maxConcurrent} run. */
    private void startWaiting() {
        while (true) {
            int now = running.get();
            if (now >= maxConcurrent || waiting.isEmpty()) {
                return;
            }
            if (running.compareAndSet(now, now + 1)) {
                Runnable next = waiting.poll();
                if (next == null) {
                    running.decrementAndGet();
                    return;
                }
                next.run();
            }
        }
    }

    private CompletableFuture<byte[]> download(URI uri, String original, int redirects) {
        try {
            guard.resolve(uri.getHost());
        } catch (ImageException e) {
            return CompletableFuture.failedFuture(e);
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(limits.readTimeout()).header("Accept", "image/*").GET().build();
        long deadline = limits.connectTimeout().toMillis() + limits.readTimeout().toMillis();
        CompletableFuture<HttpResponse<byte[]>> sent = client.sendAsync(request, info -> bodyFor(info, uri));
        // a deadline for the whole download, body included: cancelling aborts the exchange
        ScheduledFuture<?> deadlineTimer = scheduler.schedule(() -> sent.cancel(true), deadline, TimeUnit.MILLISECONDS);
        sent.whenComplete((response, e) -> deadlineTimer.cancel(false));
        return sent.thenCompose(response -> {
            int status = response.statusCode();
            if (status >= 300 && status < 400) {
                if (redirects >= limits.maxRedirects()) {
                    throw new ImageException(
                        ImageProblem.UNAVAILABLE,
                        String.format(
                            Locale.ROOT,
                            "[%s] redirects more than plugins.multimodal.image.url.max_redirects [%d] times",
                            original,
                            limits.maxRedirects()
                        )
                    );
                }
                String location = response.headers()
                    .firstValue("Location")
                    .orElseThrow(
                        () -> new ImageException(
                            ImageProblem.UNAVAILABLE,
                            String.format(Locale.ROOT, "[%s] redirects without a Location", uri)
                        )
                    );
                URI next = checkedUri(uri.resolve(location), location);
                return download(next, original, redirects + 1);
            }
            return CompletableFuture.completedFuture(response.body());
        });
    }

    private static URI checkedUri(URI uri, String value) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if ((scheme.equals("http") || scheme.equals("https")) == false || uri.getHost() == null) {
            throw new ImageException(
                ImageProblem.INVALID_VALUE,
                String.format(Locale.ROOT, "[%s] is not an http(s) URL with a host", value)
            );
        }
        return uri;
    }

    /** Redirects carry no body we need; errors fail at once; a body past the byte limit is cut off. */
    private HttpResponse.BodySubscriber<byte[]> bodyFor(HttpResponse.ResponseInfo info, URI uri) {
        int status = info.statusCode();
        if (status >= 300 && status < 400) {
            return HttpResponse.BodySubscribers.replacing(null);
        }
        if (status != 200) {
            return failing(new ImageException(ImageProblem.UNAVAILABLE, String.format(Locale.ROOT, "[%s] answered HTTP %d", uri, status)));
        }
        OptionalLong length = info.headers().firstValueAsLong("Content-Length");
        if (length.isPresent() && length.getAsLong() > limits.maxBytes()) {
            return failing(tooLarge(uri, length.getAsLong() + " bytes"));
        }
        return new LimitedBody(limits.maxBytes(), () -> tooLarge(uri, "more bytes"));
    }

    private ImageException tooLarge(URI uri, String size) {
        return new ImageException(
            ImageProblem.TOO_LARGE,
            String.format(Locale.ROOT, "[%s] sends %s than plugins.multimodal.image.max_bytes [%d] allows", uri, size, limits.maxBytes())
        );
    }

    private static HttpResponse.BodySubscriber<byte[]> failing(ImageException e) {
        return HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.discarding(), ignored -> {
            throw e;
        });
    }

    private static ImageException unwrap(Throwable e, String url) {
        Throwable cause = e;
        while ((cause instanceof CompletionException || cause instanceof IOException) && cause.getCause() != null
            && cause instanceof HttpTimeoutException == false) {
            if (cause.getCause() instanceof ImageException image) {
                return image;
            }
            cause = cause.getCause();
        }
        if (cause instanceof ImageException image) {
            return image;
        }
        if (cause instanceof HttpConnectTimeoutException || cause instanceof HttpTimeoutException
            || cause instanceof CancellationException) {
            return new ImageException(ImageProblem.TIMEOUT, String.format(Locale.ROOT, "[%s] did not answer in time", url), cause);
        }
        return new ImageException(ImageProblem.UNAVAILABLE, String.format(Locale.ROOT, "cannot download [%s]: %s", url, cause), cause);
    }

    /** Collects a body, cancelling the download as soon as it passes {@code maxBytes}. */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {

        private final long maxBytes;
        private final Supplier<ImageException> tooLarge;
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        LimitedBody(long maxBytes, Supplier<ImageException> tooLarge) {
            this.maxBytes = maxBytes;
            this.tooLarge = tooLarge;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (body.isDone()) {
                return;
            }
            for (ByteBuffer buffer : buffers) {
                if (bytes.size() + (long) buffer.remaining() > maxBytes) {
                    subscription.cancel();
                    body.completeExceptionally(tooLarge.get());
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            body.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            body.complete(bytes.toByteArray());
        }
    }
}
