package org.opensearch.multimodal.query.retriever;

import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.index.query.QueryRewriteContext;
import org.opensearch.multimodal.query.encoding.QueryVectors;

import java.io.IOException;
import java.util.Optional;

/**
 * One named retriever of the {@code multimodal} query. A kind ({@code dense}, {@code lexical}, {@code multi_vector},
 * ...) is one implementation of this interface plus its {@link RetrieverKind} registration: it owns its parameters, their
 * wire and JSON forms, the inputs it needs, the encodings it asks the coordinating node for, its shard-side scorer, and
 * whether GQR may refine it. The {@code multimodal} query only coordinates.
 */
public interface RetrieverSpec extends Writeable {

    /** Its kind's name, the key in {@code {"<type>": {...}}}. */
    String type();

    /** Its top k per shard, which join the candidate pool; 0 for a retriever that only scores the pool. */
    int k();

    /**
     * Itself proposing the query's {@code k} when it states no {@code k} of its own, so that every retriever of a
     * query proposes a pool of the same depth unless told otherwise (a lexical top 10 beside a dense top 100 makes
     * the fusion lose to the dense retriever alone).
     */
    default RetrieverSpec withQueryK(int queryK) {
        return this;
    }

    /** Writes {@code {"<type>": {...}}} into the retriever's object. */
    void toXContent(XContentBuilder builder) throws IOException;

    /** 400s naming {@code retrievers.<name>...} when the query lacks what this retriever searches with. */
    void checkInputs(String name, QueryInputs inputs);

    /** Adds to {@code plan} what the coordinating node must encode for it that {@code done} does not hold yet. */
    default void planEncodings(String name, QueryInputs inputs, QueryVectors done, EncodingPlan plan) {
    }

    /** The field whose mapping must name the model this retriever encodes the query with, when it names none itself. */
    default Optional<String> fieldNamingItsModel(QueryInputs inputs) {
        return Optional.empty();
    }

    /** Itself encoding with {@code model}, which the mapping of its field names. */
    default RetrieverSpec withModel(String model) {
        return this;
    }

    /** The field whose stored vector a {@code like} query reads for it, if any. */
    default Optional<String> likeField() {
        return Optional.empty();
    }

    /** Itself with any inner query rewritten; itself when nothing changed. */
    default RetrieverSpec rewrite(QueryRewriteContext context) throws IOException {
        return this;
    }

    /** Its part of a shard's hybrid retrieval: what proposes and scores pool documents (400s for a wrong field). */
    PoolRetriever onShard(String name, ShardInputs shard) throws IOException;

    /** How GQR may refine it as its primary: its default steps and learning rate, or why it cannot be a primary. */
    PrimaryRole gqrRole();
}
