package org.opensearch.multimodal.query;

import org.opensearch.core.common.unit.ByteSizeUnit;
import org.opensearch.core.common.unit.ByteSizeValue;
import org.opensearch.multimodal.settings.MultimodalSettings;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * Bounds the document token vectors one query holds at once on a shard (GQR keeps its candidates' token matrices for
 * every step), with the node's {@code plugins.multimodal.token_vectors.max_bytes_per_request}: a query asking for more
 * fails with a 400 naming {@code pool_k} instead of filling the heap.
 */
public final class TokenMemory {

    static final String SETTING = MultimodalSettings.TOKEN_VECTOR_BYTES_PER_REQUEST.getKey();
    private static volatile Supplier<ByteSizeValue> nodeLimit = () -> new ByteSizeValue(64, ByteSizeUnit.MB);

    private final ByteSizeValue limit;

    TokenMemory(ByteSizeValue limit) {
        this.limit = limit;
    }

    /** Called once by the plugin with the node's current limit. */
    public static void initialize(Supplier<ByteSizeValue> limit) {
        nodeLimit = limit;
    }

    static TokenMemory ofNode() {
        return new TokenMemory(nodeLimit.get());
    }

    Reservation reservation() {
        return new Reservation();
    }

    /** One query's reservations on one shard: decoded rows are float arrays, 4 bytes a value. */
    final class Reservation {

        private long reserved;

        private Reservation() {
        }

        void reserve(int rows, int dims, String field) {
            reserved += (long) rows * dims * Float.BYTES;
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
