/**
 * Query time, the top floor of the query room: the {@code multimodal} query ({@link org.opensearch.multimodal.query.MultimodalQueryBuilder}, its body
 * parsed by {@link org.opensearch.multimodal.query.MultimodalQueryParser}), its rewrite on the coordinating node ({@link org.opensearch.multimodal.query.CoordinatingRewrite}), what a
 * shard runs for it ({@link org.opensearch.multimodal.query.ShardQuery}), and the fetch sub-phase that fills each hit's {@code _multimodal} field
 * ({@link org.opensearch.multimodal.query.HitScoresFetchSubPhase}). It wires the floors below it, lowest first:
 * <ol>
 * <li>{@code query.common}: what every floor uses (the search's deadline and task, the request body's tokens, the
 * explain wording);</li>
 * <li>{@code query.encoding}: the query's inputs encoded once on the coordinating node, and the shard's checks of
 * them;</li>
 * <li>{@code query.retriever}: the retriever kinds, one class per kind registered in {@code RetrieverKinds}, and their
 * shard-side scorers;</li>
 * <li>{@code query.fusion} (RRF, linear, GQR, the shard's and the whole index's pool), {@code query.rescore} (the
 * {@code late_interaction} rescorer) and {@code query.highlight} (the {@code passage} highlighter), side by side.</li>
 * </ol>
 * A package knows only the floors below its own: none knows one beside it or above it, and nothing below knows this
 * one ({@code DependencyDirectionTests}).
 */
package org.opensearch.multimodal.query;
