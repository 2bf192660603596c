package org.opensearch.multimodal.codec;

import org.apache.lucene.codecs.StoredFieldsReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.StoredFieldVisitor;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.IOUtils;
import org.opensearch.common.collect.Tuple;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.xcontent.MediaTypeRegistry;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.index.mapper.SourceFieldMapper;
import org.opensearch.multimodal.mapper.MultiVectorFormat;

import java.io.IOException;
import java.util.Base64;
import java.util.Map;

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
        stored.document(docID, new StoredFieldVisitor() {

            @Override
            public Status needsField(FieldInfo fieldInfo) throws IOException {
                return visitor.needsField(fieldInfo);
            }

            @Override
            public void binaryField(FieldInfo fieldInfo, byte[] value) throws IOException {
                visitor.binaryField(fieldInfo, fieldInfo.name.equals(SourceFieldMapper.NAME) ? inject(docID, value) : value);
            }

            @Override
            public void stringField(FieldInfo fieldInfo, String value) throws IOException {
                visitor.stringField(fieldInfo, value);
            }

            @Override
            public void intField(FieldInfo fieldInfo, int value) throws IOException {
                visitor.intField(fieldInfo, value);
            }

            @Override
            public void longField(FieldInfo fieldInfo, long value) throws IOException {
                visitor.longField(fieldInfo, value);
            }

            @Override
            public void floatField(FieldInfo fieldInfo, float value) throws IOException {
                visitor.floatField(fieldInfo, value);
            }

            @Override
            public void doubleField(FieldInfo fieldInfo, double value) throws IOException {
                visitor.doubleField(fieldInfo, value);
            }
        });
    }

    /** The stored source with each left-out vector field of the document put back. */
    private byte[] inject(int doc, byte[] source) throws IOException {
        Tuple<XContentType, Map<String, Object>> parsed = XContentHelper.convertToMap(new BytesArray(source), true);
        Map<String, Object> map = parsed.v2();
        boolean added = false;
        for (StrippedVectorFields.Field field : fields.fields()) {
            if (SourcePaths.contains(map, field.path())) {
                continue;
            }
            Object value = null;
            if (field.multiVector()) {
                BytesRef bytes = vectors.binary(field.path(), doc);
                if (bytes != null) {
                    value = Base64.getEncoder().encodeToString(new MultiVectorFormat(field.encoding(), 1).packed(bytes, field.dims()));
                }
            } else {
                value = vectors.vector(field.path(), doc);
            }
            if (value != null) {
                SourcePaths.put(map, field.path(), value);
                added = true;
            }
        }
        if (added == false) {
            return source;
        }
        try (XContentBuilder builder = MediaTypeRegistry.contentBuilder(parsed.v1())) {
            return BytesReference.toBytes(BytesReference.bytes(builder.map(map)));
        }
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
