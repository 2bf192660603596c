/** The vector field types: {@code dense_vector} (HNSW) and {@code multi_vector} (late-interaction token vectors). */
package org.opensearch.multimodal.mapper;
