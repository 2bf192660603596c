package org.opensearch.multimodal.image;

import org.opensearch.common.lease.Releasable;
import org.opensearch.common.lease.Releasables;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.breaker.CircuitBreaker;
import org.opensearch.env.Environment;
import org.opensearch.multimodal.memory.ChargedImage;
import org.opensearch.multimodal.settings.MultimodalSettings;

import java.awt.image.BufferedImage;
import java.io.Closeable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The node's image input: where image values may come from and what they may cost, from the
 * {@code plugins.multimodal.image.*} settings. {@link #load} gives the bytes, {@link #decode} the RGB pixels. What a
 * request holds of them is charged to the node's {@code multimodal} circuit breaker: loaded bytes from when they are in
 * hand until their batch is encoded ({@link #chargeLoaded}), decoded pixels until they become the model's input.
 */
public final class ImageInputs implements Closeable {

    private final ImageSources sources;
    private final ImageFetcher fetcher;
    /**
     * Bytes a decoded pixel may take while it is held: the decoder's raster (3-4 bytes) and its opaque RGB or rotated
     * copy (4 bytes).
     */
    static final long DECODED_BYTES_PER_PIXEL = 8;

    private final ImageLimits limits;
    private final CircuitBreaker breaker;

    public ImageInputs(
        Settings settings,
        Environment environment,
        ExecutorService executor,
        ScheduledExecutorService scheduler,
        CircuitBreaker breaker
    ) {
        this.breaker = breaker;
        this.limits = new ImageLimits(
            MultimodalSettings.IMAGE_MAX_BYTES.get(settings).getBytes(),
            MultimodalSettings.IMAGE_MAX_PIXELS.get(settings),
            Duration.ofMillis(MultimodalSettings.IMAGE_URL_CONNECT_TIMEOUT.get(settings).millis()),
            Duration.ofMillis(MultimodalSettings.IMAGE_URL_READ_TIMEOUT.get(settings).millis()),
            MultimodalSettings.IMAGE_URL_MAX_REDIRECTS.get(settings)
        );
        AddressGuard guard = new AddressGuard(new HashSet<>(MultimodalSettings.IMAGE_URL_ALLOWED_HOSTS.get(settings)));
        this.fetcher = new ImageFetcher(guard, limits, MultimodalSettings.IMAGE_URL_MAX_CONCURRENT.get(settings), executor, scheduler);
        // relative directories are taken from the node's config directory, as OpenSearch does for its own paths
        List<Path> dirs = MultimodalSettings.IMAGE_FILE_ALLOWED_DIRS.get(settings)
            .stream()
            .map(dir -> environment.configDir().resolve(dir))
            .toList();
        this.sources = new ImageSources(fetcher, new ImagePaths(dirs), limits);
    }

    public ImageLimits limits() {
        return limits;
    }

    /** The encoded bytes of an image value (base64, data URI, URL or path). */
    public CompletableFuture<byte[]> load(String value) {
        return sources.load(value);
    }

    /** Upright RGB pixels, within the pixel limit. */
    public ChargedImage decode(byte[] bytes) {
        long[] charged = new long[1];
        try {
            BufferedImage pixels = ImageDecoder.decode(bytes, limits.maxPixels(), count -> {
                long decodedBytes = count * DECODED_BYTES_PER_PIXEL;
                breaker.addEstimateBytesAndMaybeBreak(decodedBytes, "decoded image");
                charged[0] = decodedBytes;
            });
            return new ChargedImage(pixels, Releasables.releaseOnce(() -> breaker.addWithoutBreaking(-charged[0])));
        } catch (RuntimeException e) {
            breaker.addWithoutBreaking(-charged[0]);
            throw e;
        }
    }

    /**
     * Charges the loaded bytes of {@code images} to the breaker until the returned handle is closed; a
     * {@code CircuitBreakingException} (429) when they do not fit, charging nothing.
     */
    public Releasable chargeLoaded(List<byte[]> images) {
        long charged = images.stream().mapToLong(image -> image.length).sum();
        breaker.addEstimateBytesAndMaybeBreak(charged, "loaded images");
        return Releasables.releaseOnce(() -> breaker.addWithoutBreaking(-charged));
    }

    @Override
    public void close() {
        fetcher.close();
    }
}
