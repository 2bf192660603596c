package org.opensearch.multimodal.codec;

import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.DocValuesProducer;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.SegmentInfo;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.IOUtils;

import java.io.Closeable;
import java.io.IOException;

/**
 * One segment's vector data, for putting vectors back into {@code _source}: its doc values (multi_vector fields) and
 * HNSW vectors (dense_vector fields), opened with the codec's own formats on first use and shared by the clones of the
 * segment's stored fields reader.
 */
final class SegmentVectors implements Closeable {

    private final Codec codec;
    private final Directory directory;
    private final SegmentInfo segment;
    private final FieldInfos fieldInfos;
    private final IOContext context;
    private DocValuesProducer docValues;
    private KnnVectorsReader vectors;
    private boolean closed;

    SegmentVectors(Codec codec, Directory directory, SegmentInfo segment, FieldInfos fieldInfos, IOContext context) {
        this.codec = codec;
        this.directory = directory;
        this.segment = segment;
        this.fieldInfos = fieldInfos;
        this.context = context;
    }

    /** The stored bytes of {@code field} for {@code doc}; null when the document has none. */
    BytesRef binary(String field, int doc) throws IOException {
        FieldInfo info = fieldInfos.fieldInfo(field);
        if (info == null || info.getDocValuesType() != org.apache.lucene.index.DocValuesType.BINARY) {
            return null;
        }
        BinaryDocValues values = docValues().getBinary(info);
        return values.advanceExact(doc) ? values.binaryValue() : null;
    }

    /** The vector of {@code field} for {@code doc}; null when the document has none. */
    float[] vector(String field, int doc) throws IOException {
        FieldInfo info = fieldInfos.fieldInfo(field);
        if (info == null || info.hasVectorValues() == false) {
            return null;
        }
        FloatVectorValues values = vectors().getFloatVectorValues(field);
        if (values == null) {
            return null;
        }
        KnnVectorValues.DocIndexIterator iterator = values.iterator();
        return iterator.advance(doc) == doc ? values.vectorValue(iterator.index()).clone() : null;
    }

    private synchronized DocValuesProducer docValues() throws IOException {
        ensureOpen();
        if (docValues == null) {
            docValues = codec.docValuesFormat().fieldsProducer(new SegmentReadState(directory, segment, fieldInfos, context));
        }
        return docValues;
    }

    private synchronized KnnVectorsReader vectors() throws IOException {
        ensureOpen();
        if (vectors == null) {
            vectors = codec.knnVectorsFormat().fieldsReader(new SegmentReadState(directory, segment, fieldInfos, context));
        }
        return vectors;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the segment's vector readers are closed");
        }
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        IOUtils.close(docValues, vectors);
    }
}
