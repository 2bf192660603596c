/**
 * The {@code late_interaction} rescorer: its rescore section, whose query tokens are encoded once on the coordinating
 * node ({@link org.opensearch.multimodal.query.rescore.LateInteractionRescorerBuilder}), the rescoring of each shard's
 * window by MaxSim in its query phase, and the MaxSims kept for the fetch phase to show
 * ({@link org.opensearch.multimodal.query.rescore.RescoredMaxSims}). Like fusion and the highlighter beside it, it may
 * know the retrievers and the floors below them, never those two; it uses {@code query.encoding} and
 * {@code query.common} only.
 */
package org.opensearch.multimodal.query.rescore;
