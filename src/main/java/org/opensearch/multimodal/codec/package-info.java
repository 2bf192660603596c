/**
 * The index codec that builds each {@code dense_vector} field's HNSW graph with its own parameters, under Lucene's codec
 * name so a stock node reads the segments.
 */
package org.opensearch.multimodal.codec;
