/**
 * The scoring math as pure functions over arrays, tested against brute-force references: vector helpers, score
 * normalization and fusion (RRF, linear), MaxSim, and Guided Query Refinement with its Adam optimizer; and compact
 * token vectors for late interaction (docs/notes/compact-multi-vectors.md): the stored row encodings ({@code TokenEncoding}), MaxSim on
 * the encoded rows ({@code EncodedMaxSim}) and token pooling ({@code TokenPooling}).
 */
package org.opensearch.multimodal.math;
