package org.opensearch.multimodal.codec;

import org.apache.lucene.codecs.StoredFieldsReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.StoredFieldVisitor;
import org.apache.lucene.util.IOUtils;
import org.opensearch.index.mapper.SourceFieldMapper;

import java.io.IOException;

/**
 * Reads a document's stored fields from its two halves: the other fields first, then {@code _source} only when the
 * visitor asks for it (its {@code needsField} answered once, as a single reader would ask it).
 */
final class SeparateSourceStoredFieldsReader extends StoredFieldsReader {

    private final StoredFieldsReader fields;
    private final StoredFieldsReader source;
    private final FieldInfo sourceField;

    SeparateSourceStoredFieldsReader(StoredFieldsReader fields, StoredFieldsReader source, FieldInfos fieldInfos) {
        this(fields, source, fieldInfos.fieldInfo(SourceFieldMapper.NAME));
    }

    private SeparateSourceStoredFieldsReader(StoredFieldsReader fields, StoredFieldsReader source, FieldInfo sourceField) {
        this.fields = fields;
        this.source = source;
        this.sourceField = sourceField;
    }

    /** The half without {@code _source}, for a merge that copies each half as it is. */
    StoredFieldsReader fields() {
        return fields;
    }

    /** The {@code _source} half. */
    StoredFieldsReader source() {
        return source;
    }

    @Override
    public void document(int docID, StoredFieldVisitor visitor) throws IOException {
        boolean[] stopped = new boolean[1];
        fields.document(docID, new ForwardingStoredFieldVisitor(visitor) {

            @Override
            public Status needsField(FieldInfo fieldInfo) throws IOException {
                Status status = visitor.needsField(fieldInfo);
                stopped[0] = status == Status.STOP;
                return status;
            }
        });
        if (stopped[0] || sourceField == null || visitor.needsField(sourceField) != StoredFieldVisitor.Status.YES) {
            return;
        }
        source.document(docID, new ForwardingStoredFieldVisitor(visitor) {

            @Override
            public Status needsField(FieldInfo fieldInfo) {
                return Status.YES; // asked of the visitor above
            }
        });
    }

    @Override
    public StoredFieldsReader clone() {
        return new SeparateSourceStoredFieldsReader(fields.clone(), source.clone(), sourceField);
    }

    @Override
    public StoredFieldsReader getMergeInstance() {
        return new SeparateSourceStoredFieldsReader(fields.getMergeInstance(), source.getMergeInstance(), sourceField);
    }

    @Override
    public void checkIntegrity() throws IOException {
        fields.checkIntegrity();
        source.checkIntegrity();
    }

    @Override
    public void prefetch(int docID) throws IOException {
        fields.prefetch(docID);
    }

    @Override
    public void close() throws IOException {
        IOUtils.close(fields, source);
    }
}
