package org.opensearch.multimodal.memory;

import org.opensearch.OpenSearchStatusException;
import org.opensearch.core.common.breaker.CircuitBreaker;
import org.opensearch.core.common.unit.ByteSizeValue;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.multimodal.settings.MultimodalSettings;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The token vectors one request holds. Token vectors are what makes a request's memory grow far past its own size (a
 * 2 KB paragraph becomes about 2 MB as floats), so each request reserves their bytes before it keeps them: in the
 * node's {@code multimodal} circuit breaker, which {@code _nodes/stats/breaker} shows and the parent breaker counts,
 * and within the per-request cap {@code plugins.multimodal.token_vectors.max_bytes_per_request}. What does not fit
 * fails with a 429 naming the breaker or the setting instead of exhausting the heap; {@link #release} hands every
 * reserved byte back once the request no longer holds them. Thread-safe: batches finish on several threads.
 */
public final class TokenVectorBudget {

    /** Per value: a float in the vector arrays (4 bytes) and its JSON text in the response (about 12). */
    static final long BYTES_PER_VALUE = 16;

    private final ByteSizeValue limit;
    private final CircuitBreaker breaker;
    private final AtomicLong reserved = new AtomicLong();

    public TokenVectorBudget(ByteSizeValue limit, CircuitBreaker breaker) {
        this.limit = limit;
        this.breaker = breaker;
    }

    /** The estimated bytes of {@code rows} token vectors of {@code dims} values, as JSON numbers. */
    public static long estimateBytes(long rows, int dims) {
        return rows * dims * BYTES_PER_VALUE;
    }

    /**
     * Reserves {@code bytes} of token vectors the request now holds; a 429 when they would pass the per-request cap
     * ({@link OpenSearchStatusException}) or the breaker's limit (the breaker's own {@code CircuitBreakingException}),
     * reserving nothing.
     */
    public void reserve(long bytes) {
        long total = reserved.addAndGet(bytes);
        if (total > limit.getBytes()) {
            reserved.addAndGet(-bytes);
            throw new OpenSearchStatusException(
                String.format(
                    Locale.ROOT,
                    "the token vectors of this request would take more than [%s] (%s) on this node",
                    MultimodalSettings.TOKEN_VECTOR_BYTES_PER_REQUEST.getKey(),
                    limit
                ),
                RestStatus.TOO_MANY_REQUESTS
            );
        }
        try {
            breaker.addEstimateBytesAndMaybeBreak(bytes, "token vectors");
        } catch (RuntimeException e) {
            reserved.addAndGet(-bytes);
            throw e;
        }
    }

    /** Hands every reserved byte back to the breaker; the request holds no token vectors any more. */
    public void release() {
        long held = reserved.getAndSet(0);
        if (held != 0) {
            breaker.addWithoutBreaking(-held);
        }
    }

    public ByteSizeValue limit() {
        return limit;
    }
}
