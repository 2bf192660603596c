package org.opensearch.multimodal.processor;

import org.opensearch.ingest.IngestDocumentWrapper;

/** One text to embed: which document it came from, which source field, and where its vectors go. */
record TextInput(IngestDocumentWrapper document, String sourceField, String text, String vectorField, String tokenField) {

    boolean wantsTokenVectors() {
        return tokenField != null;
    }
}
