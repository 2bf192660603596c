package org.opensearch.multimodal.image;

import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
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
 * {@code plugins.multimodal.image.*} settings. {@link #load} gives the bytes, {@link #decode} the RGB pixels.
 */
public final class ImageInputs implements Closeable {

    private final ImageSources sources;
    private final ImageFetcher fetcher;
    private final ImageLimits limits;

    public ImageInputs(Settings settings, Environment environment, ExecutorService executor, ScheduledExecutorService scheduler) {
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
    public BufferedImage decode(byte[] bytes) {
        return ImageDecoder.decode(bytes, limits.maxPixels());
    }

    @Override
    public void close() {
        fetcher.close();
    }
}
