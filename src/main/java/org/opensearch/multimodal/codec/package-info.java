/** The index codec that builds each {@code dense_vector} field's HNSW graph with its own parameters. */
package org.opensearch.multimodal.codec;
