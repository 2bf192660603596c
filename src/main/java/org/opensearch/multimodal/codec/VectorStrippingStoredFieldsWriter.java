package org.opensearch.multimodal.codec;

import org.apache.lucene.codecs.StoredFieldsReader;
import org.apache.lucene.codecs.StoredFieldsWriter;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.MergeState;
import org.apache.lucene.index.SegmentInfo;
import org.apache.lucene.util.Accountable;
import org.apache.lucene.util.BytesRef;
import org.opensearch.index.mapper.SourceFieldMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Writes stored fields with the vector fields left out of {@code _source}, recording in the segment which ones
 * ({@link StrippedVectorFields}), so {@link VectorInjectingStoredFieldsReader} puts them back on read. A merge copies
 * the stored bytes as they are (the merged segments' sources are stripped already), keeping the delegate's bulk copy,
 * and records the union of what they left out.
 */
final class VectorStrippingStoredFieldsWriter extends StoredFieldsWriter {

    private final StoredFieldsWriter delegate;
    private final SegmentInfo segment;
    private final StrippedVectorFields fields;

    VectorStrippingStoredFieldsWriter(StoredFieldsWriter delegate, SegmentInfo segment, StrippedVectorFields fields) {
        this.delegate = delegate;
        this.segment = segment;
        this.fields = fields;
        segment.putAttribute(StrippedVectorFields.ATTRIBUTE, fields.toAttribute());
    }

    @Override
    public void writeField(FieldInfo info, BytesRef value) throws IOException {
        delegate.writeField(info, info.name.equals(SourceFieldMapper.NAME) ? DerivedVectorSource.strip(value, fields) : value);
    }

    @Override
    public int merge(MergeState mergeState) throws IOException {
        StoredFieldsReader[] readers = mergeState.storedFieldsReaders;
        StoredFieldsReader[] wrapped = readers.clone();
        List<StrippedVectorFields> merged = new ArrayList<>();
        merged.add(fields);
        for (int i = 0; i < readers.length; i++) {
            if (readers[i] instanceof VectorInjectingStoredFieldsReader injecting) {
                merged.add(injecting.fields());
                readers[i] = injecting.stored();
            }
        }
        segment.putAttribute(StrippedVectorFields.ATTRIBUTE, StrippedVectorFields.union(merged).toAttribute());
        try {
            return delegate.merge(mergeState);
        } finally {
            System.arraycopy(wrapped, 0, readers, 0, readers.length);
        }
    }

    @Override
    public void startDocument() throws IOException {
        delegate.startDocument();
    }

    @Override
    public void finishDocument() throws IOException {
        delegate.finishDocument();
    }

    @Override
    public void writeField(FieldInfo info, int value) throws IOException {
        delegate.writeField(info, value);
    }

    @Override
    public void writeField(FieldInfo info, long value) throws IOException {
        delegate.writeField(info, value);
    }

    @Override
    public void writeField(FieldInfo info, float value) throws IOException {
        delegate.writeField(info, value);
    }

    @Override
    public void writeField(FieldInfo info, double value) throws IOException {
        delegate.writeField(info, value);
    }

    @Override
    public void writeField(FieldInfo info, String value) throws IOException {
        delegate.writeField(info, value);
    }

    @Override
    public void finish(int numDocs) throws IOException {
        delegate.finish(numDocs);
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }

    @Override
    public long ramBytesUsed() {
        return delegate.ramBytesUsed();
    }

    @Override
    public Collection<Accountable> getChildResources() {
        return delegate.getChildResources();
    }
}
