package org.opensearch.multimodal.model;

/** Whether text is encoded as a search query or as a document: asymmetric models prefix them differently. */
public enum EncodingPurpose {
    QUERY,
    DOCUMENT
}
