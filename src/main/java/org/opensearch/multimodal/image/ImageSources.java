package org.opensearch.multimodal.image;

import java.net.URI;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * Turns an image value from a document or a request into its bytes: a {@code data:} URI, an {@code http(s)} URL, a
 * {@code file:} URI or a path (a value with a {@code .} in it: base64 has none, while it may well start with {@code /},
 * as every JPEG's does), or else base64. Only URLs wait on the network; the others complete at once.
 */
public final class ImageSources {

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private final ImageFetcher fetcher;
    private final ImagePaths paths;
    private final ImageLimits limits;

    public ImageSources(ImageFetcher fetcher, ImagePaths paths, ImageLimits limits) {
        this.fetcher = fetcher;
        this.paths = paths;
        this.limits = limits;
    }

    public ImageLimits limits() {
        return limits;
    }

    public CompletableFuture<byte[]> load(String value) {
        try {
            String trimmed = value.strip();
            String lower = trimmed.toLowerCase(Locale.ROOT);
            if (lower.startsWith("http://") || lower.startsWith("https://")) {
                return fetcher.fetch(trimmed);
            }
            if (lower.startsWith("data:")) {
                return CompletableFuture.completedFuture(dataUri(trimmed));
            }
            if (lower.startsWith("file:")) {
                return CompletableFuture.completedFuture(paths.read(URI.create(trimmed).getPath(), limits.maxBytes()));
            }
            if (trimmed.contains(".") || trimmed.contains("\\")) {
                return CompletableFuture.completedFuture(paths.read(trimmed, limits.maxBytes()));
            }
            return CompletableFuture.completedFuture(base64(trimmed));
        } catch (ImageException e) {
            return CompletableFuture.failedFuture(e);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new ImageException(ImageProblem.INVALID_VALUE, e.getMessage(), e));
        }
    }

    private byte[] dataUri(String value) {
        int comma = value.indexOf(',');
        if (comma < 0 || value.substring(0, comma).toLowerCase(Locale.ROOT).endsWith(";base64") == false) {
            throw new ImageException(ImageProblem.INVALID_VALUE, "a data: URI must be data:<type>;base64,<data>");
        }
        return base64(value.substring(comma + 1));
    }

    private byte[] base64(String value) {
        if (value.isEmpty()) {
            throw new ImageException(ImageProblem.INVALID_VALUE, "empty value");
        }
        // base64 takes 4 characters for 3 bytes: refuse an oversized value before decoding it
        if ((long) value.length() / 4 * 3 > limits.maxBytes() + 3) {
            throw new ImageException(
                ImageProblem.TOO_LARGE,
                String.format(
                    Locale.ROOT,
                    "base64 value of about %d bytes, more than plugins.multimodal.image.max_bytes [%d]",
                    value.length() / 4 * 3,
                    limits.maxBytes()
                )
            );
        }
        try {
            return Base64.getDecoder().decode(WHITESPACE.matcher(value).replaceAll(""));
        } catch (IllegalArgumentException e) {
            throw new ImageException(ImageProblem.INVALID_VALUE, "not a URL, a path or base64: " + e.getMessage(), e);
        }
    }
}
