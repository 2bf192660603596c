package org.opensearch.multimodal.inference;

import org.opensearch.core.common.unit.ByteSizeValue;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How many token vectors one request may still produce. Token vectors are what makes a request's memory grow far past
 * its own size (a 2 KB paragraph becomes about 2 MB), so each request reserves their estimated bytes before it keeps
 * them, and whatever does not fit fails instead of exhausting the heap. Thread-safe: batches finish on several threads.
 */
public final class TokenVectorBudget {

    /** Per value: a float in the vector arrays (4 bytes) and its JSON text in the document's source (about 12). */
    static final long BYTES_PER_VALUE = 16;

    private final ByteSizeValue limit;
    private final AtomicLong reserved = new AtomicLong();

    public TokenVectorBudget(ByteSizeValue limit) {
        this.limit = limit;
    }

    /** The estimated bytes of {@code rows} token vectors of {@code dims} values. */
    public static long estimateBytes(long rows, int dims) {
        return rows * dims * BYTES_PER_VALUE;
    }

    /** Reserves room for {@code rows} token vectors; false, reserving nothing, when they do not fit. */
    public boolean tryReserve(int rows, int dims) {
        return tryReserveBytes(estimateBytes(rows, dims));
    }

    /** Reserves {@code bytes} the request holds; false (nothing reserved) when they would pass the limit. */
    public boolean tryReserveBytes(long bytes) {
        long total = reserved.addAndGet(bytes);
        if (total > limit.getBytes()) {
            reserved.addAndGet(-bytes);
            return false;
        }
        return true;
    }

    public ByteSizeValue limit() {
        return limit;
    }
}
