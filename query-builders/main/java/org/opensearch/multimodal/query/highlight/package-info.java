/**
 * The {@code passage} highlighter on chunked {@code dense_vector} fields
 * ({@link org.opensearch.multimodal.query.highlight.BestPassageHighlighter}): a hit's best passages by the similarity to
 * the query vector a dense retriever searched the field with, as text and, for the fetch phase, as data
 * ({@link org.opensearch.multimodal.query.highlight.HitPassages}). It knows the retrievers and the floors below them,
 * not fusion nor the rescorer beside it.
 */
package org.opensearch.multimodal.query.highlight;
