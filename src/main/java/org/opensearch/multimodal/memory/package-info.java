/**
 * The memory a request holds, in one place: the node's {@code multimodal} circuit breaker and the per-request limits
 * ({@link org.opensearch.multimodal.memory.RequestLimits}), the token vectors an ingest or {@code _embed} request
 * produces ({@link org.opensearch.multimodal.memory.TokenVectorBudget}), the candidates' token vectors a query holds on
 * a shard ({@link org.opensearch.multimodal.memory.TokenMemory}), and decoded pixels until they become a model's input
 * ({@link org.opensearch.multimodal.memory.ChargedImage}). Every charge shows in {@code _nodes/stats/breaker} and counts
 * toward the parent breaker. Knows the settings, nothing else of the plugin.
 */
package org.opensearch.multimodal.memory;
