package org.opensearch.multimodal.codec;

import org.apache.lucene.util.BytesRef;
import org.opensearch.common.collect.Tuple;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.xcontent.MediaTypeRegistry;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.multimodal.mapper.DenseVectorFieldMapper;
import org.opensearch.multimodal.mapper.MultiVectorFormat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Leaving vector fields out of a {@code _source} and putting them back: one place for the codec's stored-fields writer
 * and reader and for {@link DerivedSourceIndexingListener}, so what the translog is handed and what a later read
 * derives are the same bytes. A multi_vector value comes back as the base64 packed form the field accepts (its stored
 * encoding, exactly), a dense_vector as its numbers as indexed, a chunked one's passage vectors as its {@code vectors};
 * vectors are put back after the other keys of their object.
 */
final class DerivedVectorSource {

    /** Where a document's vector values come from: a segment's data, or the fields of a document being indexed. */
    interface Values {

        /** The stored bytes of multi_vector field {@code path}; null when the document has none. */
        BytesRef binary(String path) throws IOException;

        /** The vector of dense_vector field {@code path} as indexed; null when the document has none. */
        float[] vector(String path) throws IOException;

        /** The passage vectors of chunked dense_vector field {@code path} as indexed, in passage order; none: empty. */
        default List<float[]> passages(String path) throws IOException {
            List<float[]> passages = new ArrayList<>();
            float[] passage;
            while ((passage = vector(DenseVectorFieldMapper.DenseVectorFieldType.chunkField(path, passages.size()))) != null) {
                passages.add(passage);
            }
            return passages;
        }
    }

    private DerivedVectorSource() {
    }

    /** The source as stored: without {@code fields}' values; the same bytes when it holds none of them. */
    static BytesRef strip(BytesRef source, StrippedVectorFields fields) throws IOException {
        if (fields.isEmpty()) {
            return source; // a mapping without vector fields: nothing to parse for
        }
        Tuple<XContentType, Map<String, Object>> parsed = XContentHelper.convertToMap(new BytesArray(source), true);
        Map<String, Object> map = parsed.v2();
        boolean removed = false;
        for (StrippedVectorFields.Field field : fields.fields()) {
            removed |= SourcePaths.remove(map, field.sourcePath());
        }
        return removed ? bytes(parsed.v1(), map) : source;
    }

    /** The stored source with each of {@code fields} it lacks put back from {@code values}; the same bytes when none is. */
    static BytesRef inject(BytesRef stored, StrippedVectorFields fields, Values values) throws IOException {
        Tuple<XContentType, Map<String, Object>> parsed = XContentHelper.convertToMap(new BytesArray(stored), true);
        Map<String, Object> map = parsed.v2();
        boolean added = false;
        for (StrippedVectorFields.Field field : fields.fields()) {
            if (SourcePaths.contains(map, field.sourcePath())) {
                continue;
            }
            Object value = null;
            if (field.chunked()) {
                List<float[]> passages = values.passages(field.path());
                value = passages.isEmpty() ? null : passages;
            } else if (field.multiVector()) {
                BytesRef bytes = values.binary(field.path());
                if (bytes != null) {
                    value = Base64.getEncoder().encodeToString(new MultiVectorFormat(field.encoding(), 1).packed(bytes, field.dims()));
                }
            } else {
                value = values.vector(field.path());
            }
            if (value != null) {
                SourcePaths.put(map, field.sourcePath(), value);
                added = true;
            }
        }
        return added ? bytes(parsed.v1(), map) : stored;
    }

    /** What a read of a document indexed with {@code source} and {@code values} gives: stored, then put back. */
    static BytesRef derive(BytesRef source, StrippedVectorFields fields, Values values) throws IOException {
        return inject(strip(source, fields), fields, values);
    }

    private static BytesRef bytes(XContentType type, Map<String, Object> map) throws IOException {
        try (XContentBuilder builder = MediaTypeRegistry.contentBuilder(type)) {
            return BytesReference.bytes(builder.map(map)).toBytesRef();
        }
    }
}
