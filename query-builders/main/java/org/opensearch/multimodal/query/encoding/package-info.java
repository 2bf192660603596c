/**
 * A query's inputs as vectors: encoded once, on the coordinating node's query-time pool
 * ({@link org.opensearch.multimodal.query.encoding.QueryEncoder}), into
 * {@link org.opensearch.multimodal.query.encoding.QueryVectors} that travel to the shards with the identity of the model
 * that made them ({@link org.opensearch.multimodal.query.encoding.EncoderIdentity}); the model a field's mapping names
 * when a request leaves it out ({@link org.opensearch.multimodal.query.encoding.MappedModels}); and what a shard checks
 * before it uses them ({@link org.opensearch.multimodal.query.encoding.ShardFields},
 * {@link org.opensearch.multimodal.query.encoding.ModelCompatibility}). The retrievers and the {@code late_interaction}
 * rescorer use it alike. It knows only {@code query.common}.
 */
package org.opensearch.multimodal.query.encoding;
