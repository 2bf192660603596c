package org.opensearch.multimodal.mapper;

import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;

/** The HNSW graph parameters of a {@code dense_vector} field's {@code index_options}. */
public record HnswOptions(int m, int efConstruction) {

    public static final HnswOptions DEFAULT = new HnswOptions(
        Lucene99HnswVectorsFormat.DEFAULT_MAX_CONN,
        Lucene99HnswVectorsFormat.DEFAULT_BEAM_WIDTH
    );

    public HnswOptions {
        if (m < 2 || m > 512) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "[index_options.m] must be between 2 and 512, got [%d]", m));
        }
        if (efConstruction < 1 || efConstruction > 3200) {
            throw new IllegalArgumentException(
                String.format(Locale.ROOT, "[index_options.ef_construction] must be between 1 and 3200, got [%d]", efConstruction)
            );
        }
    }

    static HnswOptions parse(Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("[index_options] must be an object like {\"m\": 16, \"ef_construction\": 100}");
        }
        int m = DEFAULT.m;
        int ef = DEFAULT.efConstruction;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String key = String.valueOf(entry.getKey());
            if (!(entry.getValue() instanceof Number number)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "[index_options.%s] must be a number", key));
            }
            switch (key) {
                case "m" -> m = number.intValue();
                case "ef_construction" -> ef = number.intValue();
                default -> throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "unknown parameter [index_options.%s], expected [m] or [ef_construction]", key)
                );
            }
        }
        return new HnswOptions(m, ef);
    }

    void toXContent(XContentBuilder builder, String name) throws IOException {
        builder.startObject(name).field("m", m).field("ef_construction", efConstruction).endObject();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "{m=%d, ef_construction=%d}", m, efConstruction);
    }
}
