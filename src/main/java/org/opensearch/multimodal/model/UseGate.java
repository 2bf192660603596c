package org.opensearch.multimodal.model;

import org.opensearch.OpenSearchStatusException;
import org.opensearch.core.rest.RestStatus;

import java.util.Locale;

/**
 * Keeps a loaded encoder's native resources alive until its last call is done: unloading waits for the calls in flight
 * instead of freeing a session under them, and calls that start after it fail with a clear 503.
 */
final class UseGate {

    private final String modelId;
    private final Runnable release;
    private int users;
    private boolean closed;

    UseGate(String modelId, Runnable release) {
        this.modelId = modelId;
        this.release = release;
    }

    synchronized void enter() {
        if (closed) {
            throw new OpenSearchStatusException(
                String.format(Locale.ROOT, "model [%s] was unloaded; load it again to use it", modelId),
                RestStatus.SERVICE_UNAVAILABLE
            );
        }
        users++;
    }

    void exit() {
        boolean last;
        synchronized (this) {
            users--;
            last = closed && users == 0;
        }
        if (last) {
            release.run();
        }
    }

    void close() {
        boolean now;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            now = users == 0;
        }
        if (now) {
            release.run();
        }
    }
}
