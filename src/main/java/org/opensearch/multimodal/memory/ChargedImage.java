package org.opensearch.multimodal.memory;

import org.opensearch.common.lease.Releasable;

import java.awt.image.BufferedImage;

/**
 * Decoded pixels and the circuit-breaker charge that pays for them: whoever holds the picture closes this once it has
 * become the model's (small) input, handing the bytes back.
 */
public record ChargedImage(BufferedImage pixels, Releasable charge) implements Releasable {

    @Override
    public void close() {
        charge.close();
    }
}
