package org.opensearch.multimodal.processor;

import org.opensearch.ingest.IngestDocumentWrapper;

/** One product's inputs: its text (the text fields joined) and its image value; either may be null, not both. */
record ProductInput(IngestDocumentWrapper document, String text, String image) {
}
