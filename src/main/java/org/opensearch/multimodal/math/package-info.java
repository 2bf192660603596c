/**
 * The scoring math as pure functions over arrays, tested against brute-force references: vector helpers, score
 * normalization and fusion (RRF, linear), MaxSim, and Guided Query Refinement with its Adam optimizer.
 */
package org.opensearch.multimodal.math;
