/**
 * How the retrievers' scores of one pool become one ranking: the fusion a query asks for
 * ({@link org.opensearch.multimodal.query.fusion.FusionSpec}, {@link org.opensearch.multimodal.query.fusion.GqrSpec})
 * and its arithmetic ({@link org.opensearch.multimodal.query.fusion.ScoreFusion} for {@code rrf} and {@code linear},
 * {@link org.opensearch.multimodal.query.fusion.GqrFusion} for Guided Query Refinement); a shard's hybrid retrieval
 * ({@link org.opensearch.multimodal.query.fusion.HybridRetrievalQuery}); and the fused search over the whole index: the
 * first round that gathers every shard's pool ({@link org.opensearch.multimodal.query.fusion.PoolGathering},
 * {@link org.opensearch.multimodal.query.fusion.PoolGatheringAggregationBuilder}), the coordinating node's fusion
 * ({@link org.opensearch.multimodal.query.fusion.CoordinatorFusion}) and the ranking the second round runs
 * ({@link org.opensearch.multimodal.query.fusion.FusedPoolQuery}), with each hit's structured scores
 * ({@link org.opensearch.multimodal.query.fusion.HitScores}). It knows the retrievers and the floors below them, not
 * the rescorer nor the highlighter beside it.
 */
package org.opensearch.multimodal.query.fusion;
