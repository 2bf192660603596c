package org.opensearch.multimodal.mapper;

import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.multimodal.math.FixedDimensionalEncoding;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code index_options} of a {@code multi_vector} field with {@code "index": true}: the fixed-dimensional encoding of
 * each document's stored rows (MUVERA: {@code repetitions} x 2^{@code bits} buckets x {@code projection} dimensions,
 * {@code projection} 0 keeping each bucket's whole vector; docs/notes/compact-multi-vectors.md) and the HNSW graph it goes into ({@code m},
 * {@code ef_construction}). The defaults, one repetition of one bucket without projection (the document's mean token
 * against the sum of the query's: as many dimensions as the tokens), measured best within 1,024 dimensions on SciFact
 * (MuveraRecallBenchmark): random projections cost more recall than buckets gain.
 */
public record CandidateIndexOptions(int repetitions, int bits, int projection, int m, int efConstruction) {

    public static final CandidateIndexOptions DEFAULT = new CandidateIndexOptions(
        1,
        0,
        0,
        Lucene99HnswVectorsFormat.DEFAULT_MAX_CONN,
        Lucene99HnswVectorsFormat.DEFAULT_BEAM_WIDTH
    );
    /** Index and query time draw the encoding's hyperplanes and projections from this one seed. */
    static final long SEED = 0x6d757665726aL;

    public CandidateIndexOptions {
        new HnswOptions(m, efConstruction); // the same bounds as a dense_vector's graph
        if (repetitions < 1 || bits < 0 || bits > 10 || projection < 0) {
            throw new IllegalArgumentException(
                String.format(
                    Locale.ROOT,
                    "[index_options] needs repetitions >= 1, bits 0-10 and projection >= 0 (0: none); got %d, %d, %d",
                    repetitions,
                    bits,
                    projection
                )
            );
        }
        // with projection 0 the width depends on the field's dims: checked when the mapping is built
        long dims = (long) repetitions * (1L << bits) * Math.max(1, projection);
        if (dims > FixedDimensionalEncoding.MAX_DIMENSIONS) {
            throw new IllegalArgumentException(
                String.format(
                    Locale.ROOT,
                    "[index_options] repetitions x 2^bits x projection = %d, more than the %d dimensions an HNSW graph takes",
                    dims,
                    FixedDimensionalEncoding.MAX_DIMENSIONS
                )
            );
        }
    }

    /** The encoding for token vectors of {@code dims} dimensions. */
    public FixedDimensionalEncoding encoding(int dims) {
        return new FixedDimensionalEncoding(dims, repetitions, bits, projection, SEED);
    }

    public HnswOptions hnsw() {
        return new HnswOptions(m, efConstruction);
    }

    static CandidateIndexOptions parse(Object value) {
        if (value instanceof Map<?, ?> == false) {
            throw new IllegalArgumentException(
                "[index_options] must be an object like {\"repetitions\": 16, \"bits\": 2, \"projection\": 16}"
            );
        }
        int repetitions = DEFAULT.repetitions;
        int bits = DEFAULT.bits;
        int projection = DEFAULT.projection;
        int m = DEFAULT.m;
        int ef = DEFAULT.efConstruction;
        for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
            String key = String.valueOf(entry.getKey());
            if (entry.getValue() instanceof Number == false) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "[index_options.%s] must be a number", key));
            }
            int number = ((Number) entry.getValue()).intValue();
            switch (key) {
                case "repetitions" -> repetitions = number;
                case "bits" -> bits = number;
                case "projection" -> projection = number;
                case "m" -> m = number;
                case "ef_construction" -> ef = number;
                default -> throw new IllegalArgumentException(
                    String.format(
                        Locale.ROOT,
                        "unknown parameter [index_options.%s], expected [repetitions], [bits], [projection], [m] or [ef_construction]",
                        key
                    )
                );
            }
        }
        return new CandidateIndexOptions(repetitions, bits, projection, m, ef);
    }

    void toXContent(XContentBuilder builder, String name) throws IOException {
        builder.startObject(name)
            .field("repetitions", repetitions)
            .field("bits", bits)
            .field("projection", projection)
            .field("m", m)
            .field("ef_construction", efConstruction)
            .endObject();
    }

    @Override
    public String toString() {
        return String.format(
            Locale.ROOT,
            "{repetitions=%d, bits=%d, projection=%d, m=%d, ef_construction=%d}",
            repetitions,
            bits,
            projection,
            m,
            efConstruction
        );
    }
}
