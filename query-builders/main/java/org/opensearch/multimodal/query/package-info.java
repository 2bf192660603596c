/**
 * Query time: the {@code multimodal} query, which coordinates named retrievers (one class per kind, registered in
 * {@link org.opensearch.multimodal.query.RetrieverKinds}) over one candidate pool per shard and fuses them by RRF, linear
 * or Guided Query Refinement ({@link org.opensearch.multimodal.query.GqrSpec}); the {@code late_interaction} rescorer;
 * and query encoding on the coordinating node.
 */
package org.opensearch.multimodal.query;
