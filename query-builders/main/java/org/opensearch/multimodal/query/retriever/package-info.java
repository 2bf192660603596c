/**
 * The retrievers of the {@code multimodal} query. A kind is one
 * {@link org.opensearch.multimodal.query.retriever.RetrieverSpec} (its parameters, JSON and wire forms, the inputs it
 * needs, the encodings it asks the coordinating node for, and how GQR may refine it,
 * {@link org.opensearch.multimodal.query.retriever.PrimaryRole}) registered as a
 * {@link org.opensearch.multimodal.query.retriever.RetrieverKind} in
 * {@link org.opensearch.multimodal.query.retriever.RetrieverKinds}, plus its shard-side
 * {@link org.opensearch.multimodal.query.retriever.PoolRetriever}, which proposes its top k for a shard's pool and scores
 * every pool document exactly. Also here: what the query searches with
 * ({@link org.opensearch.multimodal.query.retriever.QueryInputs}, {@link org.opensearch.multimodal.query.retriever.ShardInputs})
 * and the encodings it asks for ({@link org.opensearch.multimodal.query.retriever.EncodingPlan}). It knows
 * {@code query.encoding} and {@code query.common} only.
 */
package org.opensearch.multimodal.query.retriever;
