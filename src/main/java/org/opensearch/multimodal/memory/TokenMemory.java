package org.opensearch.multimodal.memory;

import org.opensearch.common.lease.Releasable;
import org.opensearch.core.common.breaker.CircuitBreaker;
import org.opensearch.core.common.breaker.NoopCircuitBreaker;
import org.opensearch.core.common.unit.ByteSizeValue;
import org.opensearch.multimodal.settings.MultimodalSettings;

import java.util.Locale;

/**
 * Bounds the document token vectors one query holds at once on a shard (GQR keeps its candidates' token matrices for
 * every step): charged to the node's {@code multimodal} circuit breaker while held (a 429 naming the breaker when the
 * node holds too much already) and within {@code plugins.multimodal.token_vectors.max_bytes_per_request} per query
 * (a 400 naming {@code pool_k}: the query itself asks for too much).
 */
public final class TokenMemory {

    public static final String SETTING = MultimodalSettings.TOKEN_VECTOR_BYTES_PER_REQUEST.getKey();

    /** No cap and no breaker: for retrievers that hold no token vectors. */
    public static final TokenMemory UNBOUNDED = new TokenMemory(
        new ByteSizeValue(Long.MAX_VALUE),
        new NoopCircuitBreaker(MultimodalSettings.BREAKER_NAME)
    );

    private final ByteSizeValue limit;
    private final CircuitBreaker breaker;

    public TokenMemory(ByteSizeValue limit, CircuitBreaker breaker) {
        this.limit = limit;
        this.breaker = breaker;
    }

    /** The node's current limit and its breaker. */
    public static TokenMemory of(RequestLimits limits) {
        return new TokenMemory(limits.tokenVectorBytesPerRequest(), limits.breaker());
    }

    public Reservation reservation() {
        return new Reservation();
    }

    /** One query's reservations on one shard: the bytes of the token vectors it holds, handed back on close. */
    public final class Reservation implements Releasable {

        private long reserved;

        private Reservation() {
        }

        public void reserve(long bytes, String field) {
            if (reserved + bytes > limit.getBytes()) {
                throw new IllegalArgumentException(
                    String.format(
                        Locale.ROOT,
                        "[fusion.gqr.pool_k] the GQR candidates' token vectors in [%s] would take more than [%s] (%s) on this shard; "
                            + "lower pool_k",
                        field,
                        limit,
                        SETTING
                    )
                );
            }
            breaker.addEstimateBytesAndMaybeBreak(bytes, "GQR candidates' token vectors in [" + field + "]");
            reserved += bytes;
        }

        @Override
        public void close() {
            if (reserved != 0) {
                breaker.addWithoutBreaking(-reserved);
                reserved = 0;
            }
        }
    }
}
