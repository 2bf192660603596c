package org.opensearch.multimodal.query;

import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.multimodal.math.GuidedQueryRefinement;
import org.opensearch.multimodal.math.ScoreNormalization;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code {"gqr": {"primary": "tokens", "complementary": ["bm25", "text"], "pool_k": 10, "steps": 50,
 * "learning_rate": 1e-4, "temperature": 1, "alpha": 0.5, "normalization": "min_max"}}}: Guided Query Refinement
 * (docs/DESIGN.md §5). Unset {@code steps} and {@code learning_rate} take the defaults for the primary's kind: 10 steps at
 * 1e-3 for a single vector, 50 steps at 1e-4 for a multi-vector primary. Unset {@code complementary}: every other
 * retriever.
 */
public record GqrSpec(
    String primary,
    List<String> complementary,
    int poolK,
    Integer steps,
    Float learningRate,
    float temperature,
    float alpha,
    ScoreNormalization normalization
) {

    static final int DEFAULT_POOL_K = 10;

    public GqrSpec {
        if (primary == null || primary.isBlank()) {
            throw new IllegalArgumentException("[fusion.gqr.primary] is required: the dense or multi_vector retriever to refine");
        }
        complementary = complementary == null ? List.of() : List.copyOf(complementary);
        Set<String> seen = new HashSet<>();
        for (String name : complementary) {
            if (seen.add(name) == false) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "[fusion.gqr.complementary] names [%s] twice", name));
            }
            if (name.equals(primary)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "[fusion.gqr.complementary] [%s] is the primary", name));
            }
        }
        if (poolK < 1 || poolK > DenseRetriever.MAX_K) {
            throw new IllegalArgumentException(
                String.format(Locale.ROOT, "[fusion.gqr.pool_k] must be between 1 and %d, got [%d]", DenseRetriever.MAX_K, poolK)
            );
        }
        try {
            // the same checks as the refinement itself, with any defaults
            new GuidedQueryRefinement.Parameters(
                steps == null ? 0 : steps,
                learningRate == null ? 1e-3f : learningRate,
                temperature,
                alpha,
                normalization
            );
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("[fusion.gqr." + e.getMessage().substring(1), e);
        }
    }

    /** The refinement's parameters, with the defaults of a single- or multi-vector primary where unset. */
    GuidedQueryRefinement.Parameters parameters(boolean multiVectorPrimary) {
        int n = steps != null ? steps : multiVectorPrimary ? 50 : 10;
        float lr = learningRate != null ? learningRate : multiVectorPrimary ? 1e-4f : 1e-3f;
        return new GuidedQueryRefinement.Parameters(n, lr, temperature, alpha, normalization);
    }

    /** The complementary retrievers: those named, or every retriever but the primary. */
    List<String> complementaryOf(Iterable<String> retrievers) {
        if (complementary.isEmpty() == false) {
            return complementary;
        }
        List<String> others = new ArrayList<>();
        for (String name : retrievers) {
            if (name.equals(primary) == false) {
                others.add(name);
            }
        }
        return others;
    }

    static GqrSpec parse(Map<?, ?> options) {
        String primary = null;
        List<String> complementary = null;
        int poolK = DEFAULT_POOL_K;
        Integer steps = null;
        Float learningRate = null;
        float temperature = 1f;
        float alpha = 0.5f;
        ScoreNormalization normalization = ScoreNormalization.MIN_MAX;
        for (Map.Entry<?, ?> option : options.entrySet()) {
            String key = String.valueOf(option.getKey());
            Object value = option.getValue();
            switch (key) {
                case "primary" -> primary = String.valueOf(value);
                case "complementary" -> {
                    if (value instanceof List<?> list) {
                        complementary = list.stream().map(String::valueOf).toList();
                    } else {
                        throw new IllegalArgumentException("[fusion.gqr.complementary] must be an array of retriever names");
                    }
                }
                case "pool_k" -> poolK = number(value, key).intValue();
                case "steps" -> steps = number(value, key).intValue();
                case "learning_rate" -> learningRate = number(value, key).floatValue();
                case "temperature" -> temperature = number(value, key).floatValue();
                case "alpha" -> alpha = number(value, key).floatValue();
                case "normalization" -> normalization = ScoreNormalization.parse(String.valueOf(value));
                default -> throw new IllegalArgumentException(String.format(Locale.ROOT, "[fusion.gqr] unknown parameter [%s]", key));
            }
        }
        return new GqrSpec(primary, complementary, poolK, steps, learningRate, temperature, alpha, normalization);
    }

    private static Number number(Object value, String key) {
        if (value instanceof Number number) {
            return number;
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT, "[fusion.gqr.%s] must be a number, got [%s]", key, value));
    }

    GqrSpec(StreamInput in) throws IOException {
        this(
            in.readString(),
            in.readStringList(),
            in.readVInt(),
            in.readOptionalVInt(),
            in.readOptionalFloat(),
            in.readFloat(),
            in.readFloat(),
            ScoreNormalization.valueOf(in.readString())
        );
    }

    void writeTo(StreamOutput out) throws IOException {
        out.writeString(primary);
        out.writeStringCollection(complementary);
        out.writeVInt(poolK);
        out.writeOptionalVInt(steps);
        out.writeOptionalFloat(learningRate);
        out.writeFloat(temperature);
        out.writeFloat(alpha);
        out.writeString(normalization.name());
    }

    void toXContent(XContentBuilder builder) throws IOException {
        builder.field("primary", primary);
        if (complementary.isEmpty() == false) {
            builder.field("complementary", complementary);
        }
        builder.field("pool_k", poolK);
        if (steps != null) {
            builder.field("steps", steps);
        }
        if (learningRate != null) {
            builder.field("learning_rate", learningRate);
        }
        builder.field("temperature", temperature).field("alpha", alpha).field("normalization", normalization.toString());
    }
}
