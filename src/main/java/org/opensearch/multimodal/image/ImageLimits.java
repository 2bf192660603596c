package org.opensearch.multimodal.image;

import java.time.Duration;

/**
 * What one image may cost a node: encoded bytes, decoded pixels (checked from the header before decoding, against
 * decompression bombs), and for URLs the connect and read timeouts and the number of redirects followed.
 */
public record ImageLimits(long maxBytes, long maxPixels, Duration connectTimeout, Duration readTimeout, int maxRedirects) {

    public ImageLimits {
        if (maxBytes < 1 || maxPixels < 1 || maxRedirects < 0) {
            throw new IllegalArgumentException("image limits must be positive");
        }
    }
}
