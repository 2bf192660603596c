package org.opensearch.multimodal.query.fusion;

import org.opensearch.core.common.ParsingException;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.multimodal.math.ScoreNormalization;
import org.opensearch.multimodal.query.retriever.PoolRetriever;
import org.opensearch.multimodal.query.retriever.RetrieverSpec;
import org.opensearch.multimodal.stats.MultimodalStats;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the retrievers' scores of the pool become one score:
 * {@code {"rrf": {"rank_constant": 60, "weights": {"bm25": 1, "text": 1}}}},
 * {@code {"linear": {"normalization": "min_max", "weights": {...}}}} (a retriever without a weight weighs 1), or
 * {@code {"gqr": {...}}} ({@link GqrSpec}).
 */
public record FusionSpec(String method, int rankConstant, ScoreNormalization normalization, Map<String, Float> weights, GqrSpec gqr) {

    public static final String RRF = "rrf";
    public static final String LINEAR = "linear";
    public static final String GQR = "gqr";
    public static final int DEFAULT_RANK_CONSTANT = 60;

    public FusionSpec {
        if (RRF.equals(method) == false && LINEAR.equals(method) == false && GQR.equals(method) == false) {
            throw new IllegalArgumentException(
                String.format(Locale.ROOT, "[fusion] unknown method [%s], expected one of [rrf, linear, gqr]", method)
            );
        }
        if (GQR.equals(method) != (gqr != null)) {
            throw new IllegalArgumentException("[fusion.gqr] needs its parameters, and only gqr has them");
        }
        if (rankConstant < 1) {
            throw new IllegalArgumentException(
                String.format(Locale.ROOT, "[fusion.rrf.rank_constant] must be at least 1, got [%d]", rankConstant)
            );
        }
        for (Map.Entry<String, Float> weight : weights.entrySet()) {
            if ((weight.getValue() >= 0) == false || Float.isInfinite(weight.getValue())) {
                throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "[fusion.%s.weights.%s] must be a number >= 0", method, weight.getKey())
                );
            }
        }
        weights = Map.copyOf(weights);
    }

    /** Reciprocal rank or linear fusion. */
    public FusionSpec(String method, int rankConstant, ScoreNormalization normalization, Map<String, Float> weights) {
        this(method, rankConstant, normalization, weights, null);
    }

    /** Guided Query Refinement. */
    public static FusionSpec gqr(GqrSpec gqr) {
        return new FusionSpec(GQR, DEFAULT_RANK_CONSTANT, gqr.normalization(), Map.of(), gqr);
    }

    /** Reciprocal rank fusion with rank constant 60 and equal weights: the default when several retrievers are given. */
    public static FusionSpec defaultRrf() {
        return new FusionSpec(RRF, DEFAULT_RANK_CONSTANT, ScoreNormalization.MIN_MAX, Map.of());
    }

    /** An error naming a retriever that the query does not have, or a primary that cannot be refined. */
    public void checkRetrievers(Map<String, ? extends RetrieverSpec> retrievers) {
        for (String name : weights.keySet()) {
            if (retrievers.containsKey(name) == false) {
                throw new IllegalArgumentException(
                    String.format(
                        Locale.ROOT,
                        "[fusion.%s.weights] names retriever [%s], which [retrievers] does not have %s",
                        method,
                        name,
                        retrievers.keySet()
                    )
                );
            }
        }
        if (gqr != null) {
            gqr.checkRetrievers(retrievers);
        }
    }

    /** The shard's fusion of {@code onShard}, the query's retrievers as built on this shard. */
    PoolFusion onShard(Map<String, RetrieverSpec> retrievers, List<PoolRetriever> onShard, MultimodalStats stats) {
        if (gqr != null) {
            return gqr.fusion(retrievers, onShard, stats);
        }
        return new ScoreFusion(RRF.equals(method), rankConstant, normalization, weights);
    }

    /** The coordinating node's fusion of the whole index's pool (the shards checked the primary when they gathered it). */
    PoolFusion onCoordinator(Map<String, RetrieverSpec> retrievers, MultimodalStats stats) {
        if (gqr != null) {
            return gqr.coordinatorFusion(retrievers, stats);
        }
        return new ScoreFusion(RRF.equals(method), rankConstant, normalization, weights);
    }

    /** Whether it fuses on the coordinating node; GQR's {@code search_again} searches each shard again, so it fuses there. */
    public boolean fusesOnCoordinator() {
        return gqr == null || gqr.searchAgain() == false;
    }

    public FusionSpec(StreamInput in) throws IOException {
        this(
            in.readString(),
            in.readVInt(),
            ScoreNormalization.valueOf(in.readString()),
            in.readMap(StreamInput::readString, StreamInput::readFloat),
            in.readBoolean() ? new GqrSpec(in) : null
        );
    }

    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(method);
        out.writeVInt(rankConstant);
        out.writeString(normalization.name());
        out.writeMap(weights, StreamOutput::writeString, StreamOutput::writeFloat);
        out.writeBoolean(gqr != null);
        if (gqr != null) {
            gqr.writeTo(out);
        }
    }

    public void toXContent(XContentBuilder builder) throws IOException {
        builder.startObject("fusion").startObject(method);
        if (gqr != null) {
            gqr.toXContent(builder);
        } else if (RRF.equals(method)) {
            builder.field("rank_constant", rankConstant);
        } else {
            builder.field("normalization", normalization.toString());
        }
        if (weights.isEmpty() == false) {
            builder.field("weights", new TreeMap<>(weights));
        }
        builder.endObject().endObject();
    }

    /** Parses the object after {@code "fusion":}; the parser is on its START_OBJECT. */
    public static FusionSpec parse(XContentParser parser) throws IOException {
        Map<String, Object> body = parser.map();
        if (body.size() != 1) {
            throw new ParsingException(parser.getTokenLocation(), "[fusion] must name exactly one method: [rrf], [linear] or [gqr]");
        }
        String method = body.keySet().iterator().next();
        Map<?, ?> options = body.get(method) instanceof Map<?, ?> map ? map : null;
        if (options == null) {
            throw new ParsingException(parser.getTokenLocation(), String.format(Locale.ROOT, "[fusion.%s] must be an object", method));
        }
        if (GQR.equals(method)) {
            try {
                return gqr(GqrSpec.parse(options));
            } catch (IllegalArgumentException e) {
                throw new ParsingException(parser.getTokenLocation(), e.getMessage());
            }
        }
        int rankConstant = DEFAULT_RANK_CONSTANT;
        ScoreNormalization normalization = ScoreNormalization.MIN_MAX;
        Map<String, Float> weights = new LinkedHashMap<>();
        try {
            for (Map.Entry<?, ?> option : options.entrySet()) {
                String key = String.valueOf(option.getKey());
                Object value = option.getValue();
                switch (key) {
                    case "rank_constant" -> rankConstant = number(value, method, key).intValue();
                    case "normalization" -> normalization = ScoreNormalization.parse(String.valueOf(value));
                    case "weights" -> {
                        if ((value instanceof Map<?, ?>) == false) {
                            throw new IllegalArgumentException(
                                String.format(Locale.ROOT, "[fusion.%s.weights] must be an object of retriever names to numbers", method)
                            );
                        }
                        for (Map.Entry<?, ?> weight : ((Map<?, ?>) value).entrySet()) {
                            weights.put(
                                String.valueOf(weight.getKey()),
                                number(weight.getValue(), method, "weights." + weight.getKey()).floatValue()
                            );
                        }
                    }
                    default ->
                        throw new IllegalArgumentException(String.format(Locale.ROOT, "[fusion.%s] unknown parameter [%s]", method, key));
                }
            }
            if (RRF.equals(method) && options.containsKey("normalization")) {
                throw new IllegalArgumentException("[fusion.rrf] fuses ranks: [normalization] belongs to [linear]");
            }
            return new FusionSpec(method, rankConstant, normalization, weights);
        } catch (IllegalArgumentException e) {
            throw new ParsingException(parser.getTokenLocation(), e.getMessage());
        }
    }

    private static Number number(Object value, String method, String key) {
        if (value instanceof Number number) {
            return number;
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT, "[fusion.%s.%s] must be a number, got [%s]", method, key, value));
    }
}
