package org.opensearch.multimodal.processor;

import org.opensearch.ingest.IngestDocumentWrapper;

/** One image to embed: its document, the source field, the image value, and where its vectors go. */
record ImageFieldInput(IngestDocumentWrapper document, String sourceField, String value, String vectorField, String patchField) {
}
