package org.opensearch.multimodal.codec;

import org.apache.lucene.codecs.StoredFieldsReader;
import org.apache.lucene.codecs.StoredFieldsWriter;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.MergeState;
import org.apache.lucene.util.Accountable;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.IOUtils;
import org.opensearch.index.mapper.SourceFieldMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Writes {@code _source} to one writer and every other stored field to another, a document in each for every document.
 * A merge of segments that all keep their source apart merges each half with its own writer (the delegate's bulk copy of
 * compressed blocks); one that includes a segment written otherwise copies document by document.
 */
final class SeparateSourceStoredFieldsWriter extends StoredFieldsWriter {

    private final StoredFieldsWriter fields;
    private final StoredFieldsWriter source;

    SeparateSourceStoredFieldsWriter(StoredFieldsWriter fields, StoredFieldsWriter source) {
        this.fields = fields;
        this.source = source;
    }

    @Override
    public void startDocument() throws IOException {
        fields.startDocument();
        source.startDocument();
    }

    @Override
    public void finishDocument() throws IOException {
        fields.finishDocument();
        source.finishDocument();
    }

    @Override
    public void writeField(FieldInfo info, BytesRef value) throws IOException {
        (info.name.equals(SourceFieldMapper.NAME) ? source : fields).writeField(info, value);
    }

    @Override
    public void writeField(FieldInfo info, int value) throws IOException {
        fields.writeField(info, value);
    }

    @Override
    public void writeField(FieldInfo info, long value) throws IOException {
        fields.writeField(info, value);
    }

    @Override
    public void writeField(FieldInfo info, float value) throws IOException {
        fields.writeField(info, value);
    }

    @Override
    public void writeField(FieldInfo info, double value) throws IOException {
        fields.writeField(info, value);
    }

    @Override
    public void writeField(FieldInfo info, String value) throws IOException {
        fields.writeField(info, value);
    }

    @Override
    public int merge(MergeState mergeState) throws IOException {
        StoredFieldsReader[] readers = mergeState.storedFieldsReaders;
        StoredFieldsReader[] given = readers.clone();
        for (StoredFieldsReader reader : given) {
            if (reader instanceof SeparateSourceStoredFieldsReader == false) {
                return super.merge(mergeState);
            }
        }
        try {
            for (int i = 0; i < readers.length; i++) {
                readers[i] = ((SeparateSourceStoredFieldsReader) given[i]).fields();
            }
            int docs = fields.merge(mergeState);
            for (int i = 0; i < readers.length; i++) {
                readers[i] = ((SeparateSourceStoredFieldsReader) given[i]).source();
            }
            int sourceDocs = source.merge(mergeState);
            assert docs == sourceDocs : docs + " documents merged, " + sourceDocs + " sources";
            return docs;
        } finally {
            System.arraycopy(given, 0, readers, 0, readers.length);
        }
    }

    @Override
    public void finish(int numDocs) throws IOException {
        fields.finish(numDocs);
        source.finish(numDocs);
    }

    @Override
    public void close() throws IOException {
        IOUtils.close(fields, source);
    }

    @Override
    public long ramBytesUsed() {
        return fields.ramBytesUsed() + source.ramBytesUsed();
    }

    @Override
    public Collection<Accountable> getChildResources() {
        List<Accountable> children = new ArrayList<>(fields.getChildResources());
        children.addAll(source.getChildResources());
        return children;
    }
}
