package org.opensearch.multimodal.codec;

import org.apache.lucene.codecs.StoredFieldsFormat;
import org.apache.lucene.codecs.StoredFieldsReader;
import org.apache.lucene.codecs.StoredFieldsWriter;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.SegmentInfo;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.util.IOUtils;

import java.io.IOException;

/**
 * Stored fields with {@code _source} in files of its own, each half written by {@code delegate} (same compression): a
 * read of the other fields alone ({@code _id}, {@code _routing}: every search hit, every first-round pool document)
 * decompresses only those, never the document's text. A long document's source is tens of kilobytes; its {@code _id}
 * a few bytes.
 */
final class SeparateSourceStoredFieldsFormat extends StoredFieldsFormat {

    private final StoredFieldsFormat delegate;

    SeparateSourceStoredFieldsFormat(StoredFieldsFormat delegate) {
        this.delegate = delegate;
    }

    @Override
    public StoredFieldsReader fieldsReader(Directory directory, SegmentInfo segment, FieldInfos fieldInfos, IOContext context)
        throws IOException {
        StoredFieldsReader fields = delegate.fieldsReader(directory, segment, fieldInfos, context);
        try {
            StoredFieldsReader source = delegate
                .fieldsReader(new SourceFilesDirectory(directory, segment.name), segment, fieldInfos, context);
            return new SeparateSourceStoredFieldsReader(fields, source, fieldInfos);
        } catch (IOException | RuntimeException e) {
            IOUtils.closeWhileHandlingException(fields);
            throw e;
        }
    }

    @Override
    public StoredFieldsWriter fieldsWriter(Directory directory, SegmentInfo segment, IOContext context) throws IOException {
        StoredFieldsWriter fields = delegate.fieldsWriter(directory, segment, context);
        try {
            return new SeparateSourceStoredFieldsWriter(
                fields,
                delegate.fieldsWriter(new SourceFilesDirectory(directory, segment.name), segment, context)
            );
        } catch (IOException | RuntimeException e) {
            IOUtils.closeWhileHandlingException(fields);
            throw e;
        }
    }
}
