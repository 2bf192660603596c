package org.opensearch.multimodal.query.fusion;

import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.multimodal.math.GuidedQueryRefinement;
import org.opensearch.multimodal.math.ScoreNormalization;
import org.opensearch.multimodal.query.retriever.PoolRetriever;
import org.opensearch.multimodal.query.retriever.PrimaryRole;
import org.opensearch.multimodal.query.retriever.RetrieverParams;
import org.opensearch.multimodal.query.retriever.RetrieverSpec;
import org.opensearch.multimodal.stats.MultimodalStats;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code {"gqr": {"primary": "tokens", "complementary": ["bm25", "text"], "pool_k": 10, "steps": 50,
 * "learning_rate": 1e-4, "temperature": 1, "alpha": 0.5, "normalization": "min_max", "search_again": false}}}: Guided
 * Query Refinement
 * (docs/DESIGN.md §6). Everything about GQR's parameters lives here: parsing, defaults, validation and which retrievers
 * may be the primary. Unset {@code steps} and {@code learning_rate} take the primary's {@link PrimaryRole} defaults: 10
 * steps at 1e-3 for a single vector, 50 steps at 1e-4 for a multi-vector primary. Unset {@code complementary}: every
 * other retriever. {@code search_again} (the paper's second variant): after refining, the primary searches the shard again
 * with the refined query and its top {@code pool_k} join the candidates.
 */
public record GqrSpec(
    String primary,
    List<String> complementary,
    int poolK,
    Integer steps,
    Float learningRate,
    float temperature,
    float alpha,
    ScoreNormalization normalization,
    boolean searchAgain
) {

    static final int DEFAULT_POOL_K = 10;
    static final int MAX_STEPS = 1_000;

    /** Without {@code search_again}. */
    public GqrSpec(
        String primary,
        List<String> complementary,
        int poolK,
        Integer steps,
        Float learningRate,
        float temperature,
        float alpha,
        ScoreNormalization normalization
    ) {
        this(primary, complementary, poolK, steps, learningRate, temperature, alpha, normalization, false);
    }

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
        if (poolK < 1 || poolK > RetrieverParams.MAX_K) {
            throw invalid("pool_k", String.format(Locale.ROOT, "must be between 1 and %d, got [%d]", RetrieverParams.MAX_K, poolK));
        }
        if (steps != null && (steps < 0 || steps > MAX_STEPS)) {
            throw invalid("steps", String.format(Locale.ROOT, "must be between 0 and %d, got [%d]", MAX_STEPS, steps));
        }
        if (learningRate != null && (learningRate > 0 && Float.isFinite(learningRate)) == false) {
            throw invalid("learning_rate", String.format(Locale.ROOT, "must be > 0, got [%s]", learningRate));
        }
        if ((temperature > 0 && Float.isFinite(temperature)) == false) {
            throw invalid("temperature", String.format(Locale.ROOT, "must be > 0, got [%s]", temperature));
        }
        if ((alpha >= 0 && alpha <= 1) == false) {
            throw invalid("alpha", String.format(Locale.ROOT, "must be between 0 and 1, got [%s]", alpha));
        }
        if (normalization != ScoreNormalization.MIN_MAX && normalization != ScoreNormalization.NONE) {
            throw invalid("normalization", String.format(Locale.ROOT, "must be [min_max] or [none], got [%s]", normalization));
        }
    }

    private static IllegalArgumentException invalid(String parameter, String problem) {
        return new IllegalArgumentException(String.format(Locale.ROOT, "[fusion.gqr.%s] %s", parameter, problem));
    }

    /** 400s for a primary or complementary retriever the query does not have, and for a primary GQR cannot refine. */
    void checkRetrievers(Map<String, ? extends RetrieverSpec> retrievers) {
        RetrieverSpec primarySpec = retrievers.get(primary);
        if (primarySpec == null) {
            throw notARetriever("primary", primary, retrievers);
        }
        String refusal = primarySpec.gqrRole().refusal();
        if (refusal != null) {
            throw invalid("primary", String.format(Locale.ROOT, "retriever [%s] %s", primary, refusal));
        }
        String searchAgainRefusal = primarySpec.gqrRole().searchAgainRefusal();
        if (searchAgain && searchAgainRefusal != null) {
            throw invalid("search_again", String.format(Locale.ROOT, "primary [%s] %s", primary, searchAgainRefusal));
        }
        for (String name : complementary) {
            if (retrievers.containsKey(name) == false) {
                throw notARetriever("complementary", name, retrievers);
            }
        }
    }

    private static IllegalArgumentException notARetriever(String parameter, String name, Map<String, ? extends RetrieverSpec> retrievers) {
        return invalid(
            parameter,
            String.format(Locale.ROOT, "names retriever [%s], which [retrievers] does not have %s", name, retrievers.keySet())
        );
    }

    /** The refinement's parameters, with the primary's defaults where unset. */
    GuidedQueryRefinement.Parameters parameters(PrimaryRole role) {
        return new GuidedQueryRefinement.Parameters(
            steps != null ? steps : role.defaultSteps(),
            learningRate != null ? learningRate : role.defaultLearningRate(),
            temperature,
            alpha,
            normalization
        );
    }

    /** The shard's fusion: refines {@code onShard}'s primary, which must be refinable on this shard's field too. */
    PoolFusion fusion(Map<String, RetrieverSpec> retrievers, List<PoolRetriever> onShard, MultimodalStats stats) {
        for (PoolRetriever retriever : onShard) {
            if (retriever.name().equals(primary)) {
                String refusal = retriever instanceof PoolRetriever.Refinable refinable ? refinable.cannotRefine() : "cannot be refined";
                if (refusal != null) {
                    throw invalid("primary", String.format(Locale.ROOT, "retriever [%s] %s", primary, refusal));
                }
            }
        }
        return fusion(retrievers, searchAgain, stats);
    }

    /** The coordinating node's refinement over the whole index's pool (the shards checked the primary as they gathered). */
    PoolFusion coordinatorFusion(Map<String, RetrieverSpec> retrievers, MultimodalStats stats) {
        return fusion(retrievers, false, stats);
    }

    private GqrFusion fusion(Map<String, RetrieverSpec> retrievers, boolean searchingAgain, MultimodalStats stats) {
        return new GqrFusion(
            primary,
            complementaryOf(retrievers.keySet()),
            poolK,
            parameters(retrievers.get(primary).gqrRole()),
            searchingAgain,
            stats
        );
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
        boolean searchAgain = false;
        for (Map.Entry<?, ?> option : options.entrySet()) {
            String key = String.valueOf(option.getKey());
            Object value = option.getValue();
            switch (key) {
                case "primary" -> primary = String.valueOf(value);
                case "complementary" -> {
                    if (value instanceof List<?> list) {
                        complementary = list.stream().map(String::valueOf).toList();
                    } else {
                        throw invalid("complementary", "must be an array of retriever names");
                    }
                }
                case "pool_k" -> poolK = number(value, key).intValue();
                case "steps" -> steps = number(value, key).intValue();
                case "learning_rate" -> learningRate = number(value, key).floatValue();
                case "temperature" -> temperature = number(value, key).floatValue();
                case "alpha" -> alpha = number(value, key).floatValue();
                case "normalization" -> normalization = ScoreNormalization.parse(String.valueOf(value));
                case "search_again" -> {
                    if (value instanceof Boolean == false) {
                        throw invalid(key, String.format(Locale.ROOT, "must be true or false, got [%s]", value));
                    }
                    searchAgain = (Boolean) value;
                }
                default -> throw new IllegalArgumentException(String.format(Locale.ROOT, "[fusion.gqr] unknown parameter [%s]", key));
            }
        }
        return new GqrSpec(primary, complementary, poolK, steps, learningRate, temperature, alpha, normalization, searchAgain);
    }

    private static Number number(Object value, String key) {
        if (value instanceof Number number) {
            return number;
        }
        throw invalid(key, String.format(Locale.ROOT, "must be a number, got [%s]", value));
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
            ScoreNormalization.valueOf(in.readString()),
            in.readBoolean()
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
        out.writeBoolean(searchAgain);
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
        if (searchAgain) {
            builder.field("search_again", true);
        }
    }
}
