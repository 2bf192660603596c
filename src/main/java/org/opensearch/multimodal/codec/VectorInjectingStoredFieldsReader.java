package org.opensearch.multimodal.codec;

import org.apache.lucene.codecs.StoredFieldsReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.StoredFieldVisitor;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.IOUtils;
import org.opensearch.index.mapper.SourceFieldMapper;

import java.io.IOException;

/**
 * Reads stored fields with the vector fields the segment left out put back into {@code _source}, from the segment's
 * own vector data, so GET, search hits, reindex, update by query, recovery and {@code like} see them. A multi_vector
 * value comes back as the base64 packed form the field accepts (its stored encoding, exactly), a dense_vector as its
 * numbers (L2-normalized where the field's similarity is cosine).
 */
public final class VectorInjectingStoredFieldsReader extends StoredFieldsReader {

    private final StoredFieldsReader stored;
    private final SegmentVectors vectors;
    private final StrippedVectorFields fields;
    private final boolean owner;

    VectorInjectingStoredFieldsReader(StoredFieldsReader stored, SegmentVectors vectors, StrippedVectorFields fields, boolean owner) {
        this.stored = stored;
        this.vectors = vectors;
        this.fields = fields;
        this.owner = owner;
    }

    /** The stored fields as written (without the vectors), for merges. */
    public StoredFieldsReader stored() {
        return stored;
    }

    /** What the segment left out of its sources. */
    StrippedVectorFields fields() {
        return fields;
    }

    @Override
    public void document(int docID, StoredFieldVisitor visitor) throws IOException {
        stored.document(docID, new ForwardingStoredFieldVisitor(visitor) {

            @Override
            public void binaryField(FieldInfo fieldInfo, byte[] value) throws IOException {
                visitor.binaryField(fieldInfo, fieldInfo.name.equals(SourceFieldMapper.NAME) ? inject(docID, value) : value);
            }
        });
    }

    /** The stored source with each left-out vector field of the document put back. */
    private byte[] inject(int doc, byte[] source) throws IOException {
        BytesRef stored = new BytesRef(source);
        BytesRef derived = DerivedVectorSource.inject(stored, fields, new DerivedVectorSource.Values() {

            @Override
            public BytesRef binary(String path) throws IOException {
                return vectors.binary(path, doc);
            }

            @Override
            public float[] vector(String path) throws IOException {
                return vectors.vector(path, doc);
            }
        });
        return derived == stored ? source : BytesRef.deepCopyOf(derived).bytes;
    }

    @Override
    public StoredFieldsReader clone() {
        return new VectorInjectingStoredFieldsReader(stored.clone(), vectors, fields, false);
    }

    @Override
    public StoredFieldsReader getMergeInstance() {
        return new VectorInjectingStoredFieldsReader(stored.getMergeInstance(), vectors, fields, false);
    }

    @Override
    public void checkIntegrity() throws IOException {
        stored.checkIntegrity();
    }

    @Override
    public void prefetch(int docID) throws IOException {
        stored.prefetch(docID);
    }

    @Override
    public void close() throws IOException {
        if (owner) {
            IOUtils.close(stored, vectors);
        } else {
            stored.close();
        }
    }
}
