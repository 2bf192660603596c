/**
 * The ground floor of the query room, what every floor of it uses: when the query's own work must stop
 * ({@link org.opensearch.multimodal.query.common.SearchDeadline}, with the coordinating search's task from
 * {@link org.opensearch.multimodal.query.common.SearchTaskFilter}), the request body's tokens and inner queries
 * ({@link org.opensearch.multimodal.query.common.BodyTokens}, {@link org.opensearch.multimodal.query.common.InnerQueries}),
 * the {@code explain} wording clients read ({@link org.opensearch.multimodal.query.common.ExplainLabels}), and the
 * coordinating rewrite's helpers ({@link org.opensearch.multimodal.query.common.ActionListenerAdapters},
 * {@link org.opensearch.multimodal.query.common.NodeBinding}). It knows no other package of the query room.
 */
package org.opensearch.multimodal.query.common;
