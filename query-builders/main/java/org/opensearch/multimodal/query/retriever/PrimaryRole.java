package org.opensearch.multimodal.query.retriever;

/**
 * How Guided Query Refinement may refine a kind of retriever as its primary: the defaults of its steps and learning
 * rate, or why it cannot be refined (a lexical retriever has no query vector). Each kind states its own
 * ({@link RetrieverSpec#gqrRole()}); GQR's parameters ({@code GqrSpec}) read it.
 */
public record PrimaryRole(int defaultSteps, float defaultLearningRate, String refusal, String searchAgainRefusal) {

    /** A single query vector, scored by inner product: 10 steps at 1e-3; its HNSW graph can be searched again. */
    public static final PrimaryRole SINGLE_VECTOR = new PrimaryRole(10, 1e-3f, null, null);
    /** A query token matrix, scored by MaxSim: 50 steps at 1e-4 (larger steps hurt, docs/DESIGN.md §6). */
    public static final PrimaryRole MULTI_VECTOR = new PrimaryRole(50, 1e-4f, null, null);

    /** Not refinable, for the reason given (completes "retriever [name] ..."). */
    public static PrimaryRole refused(String reason) {
        return new PrimaryRole(0, 0f, reason, reason);
    }
}
