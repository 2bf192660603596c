package org.opensearch.multimodal.query;

import org.opensearch.core.common.unit.ByteSizeValue;
import org.opensearch.multimodal.settings.MultimodalSettings;
import org.opensearch.multimodal.settings.RequestLimits;

import java.util.Locale;

/**
 * Bounds the document token vectors one query holds at once on a shard (GQR keeps its candidates' token matrices for
 * every step), with the node's {@code plugins.multimodal.token_vectors.max_bytes_per_request}: a query asking for more
 * fails with a 400 naming {@code pool_k} instead of filling the heap.
 */
final class TokenMemory {

    static final String SETTING = MultimodalSettings.TOKEN_VECTOR_BYTES_PER_REQUEST.getKey();

    private final ByteSizeValue limit;

    TokenMemory(ByteSizeValue limit) {
        this.limit = limit;
    }

    /** The node's current limit. */
    static TokenMemory of(RequestLimits limits) {
        return new TokenMemory(limits.tokenVectorBytesPerRequest());
    }

    Reservation reservation() {
        return new Reservation();
    }

    /** One query's reservations on one shard: the bytes of the token vectors it holds. */
    final class Reservation {

        private long reserved;

        private Reservation() {
        }

        void reserve(long bytes, String field) {
            reserved += bytes;
            if (reserved > limit.getBytes()) {
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
        }
    }
}
