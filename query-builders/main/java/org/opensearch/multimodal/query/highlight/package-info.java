/**
 * The {@code passage} highlighter on chunked {@code dense_vector} and on {@code multi_vector} fields
 * ({@link org.opensearch.multimodal.query.highlight.BestPassageHighlighter}): a hit's best passages by what the search
 * compared them with (a dense retriever's query vector, or the query's token vectors by MaxSim over each passage's
 * rows), as text and, for the fetch phase, as data ({@link org.opensearch.multimodal.query.highlight.HitPassages}). It
 * knows the retrievers and the floors below them, not fusion nor the rescorer beside it: what it reads of either comes
 * through the retrievers' {@link org.opensearch.multimodal.query.retriever.PassageQueries}.
 */
package org.opensearch.multimodal.query.highlight;
