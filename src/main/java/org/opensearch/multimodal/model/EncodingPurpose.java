package org.opensearch.multimodal.model;

/**
 * What text is encoded for: asymmetric models prefix queries and documents differently. Query token vectors for late
 * interaction get their own (by default no) prefix: an instruction prefix written for the pooled vector hurts MaxSim
 * (docs/notes/measurements.md §8: +0.011 nDCG@10 on SciFact without it).
 */
public enum EncodingPurpose {
    QUERY, QUERY_TOKENS, DOCUMENT
}
