/**
 * Runs model inference on the plugin's own thread pools, off the ingest, search and transport threads: one pool for
 * index-time batches and one for query-time encoding ({@link org.opensearch.multimodal.inference.Workload}), the batch
 * helpers, and the one path from image values to vectors ({@link org.opensearch.multimodal.inference.ImageEmbedder}).
 */
package org.opensearch.multimodal.inference;
