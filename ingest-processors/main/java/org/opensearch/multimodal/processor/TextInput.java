package org.opensearch.multimodal.processor;

import org.opensearch.ingest.IngestDocumentWrapper;

/** One field's text to embed: which document it came from, which source field, and where its vectors go. */
record TextInput(
    IngestDocumentWrapper document,
    String sourceField,
    TextFieldReader.Passages passages,
    String vectorField,
    String tokenField
) {

    boolean wantsTokenVectors() {
        return tokenField != null;
    }

    /** The text of a single string value (null for an array of passages). */
    String text() {
        return passages.clientChunked() ? null : passages.texts().get(0);
    }
}
