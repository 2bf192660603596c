package org.opensearch.multimodal.codec;

import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.StoredFieldsFormat;
import org.apache.lucene.codecs.StoredFieldsReader;
import org.apache.lucene.codecs.StoredFieldsWriter;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.SegmentInfo;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.IOContext;
import org.opensearch.index.mapper.MapperService;

import java.io.IOException;
import java.util.function.Supplier;

/**
 * Stored fields with derived vector source, as OpenSearch k-NN's derived source: vector fields are left out of the
 * stored {@code _source} when written and put back from their own data when read.
 */
final class DerivedVectorSourceFormat extends StoredFieldsFormat {

    private final StoredFieldsFormat delegate;
    private final Codec codec;
    /** What the current mapping leaves out; none for a codec that only reads (the one Lucene finds by name). */
    private final Supplier<StrippedVectorFields> toStrip;

    DerivedVectorSourceFormat(StoredFieldsFormat delegate, Codec codec, MapperService mapperService) {
        this.delegate = delegate;
        this.codec = codec;
        this.toStrip = () -> StrippedVectorFields.forWriting(mapperService);
    }

    @Override
    public StoredFieldsReader fieldsReader(Directory directory, SegmentInfo segment, FieldInfos fieldInfos, IOContext context)
        throws IOException {
        StoredFieldsReader stored = delegate.fieldsReader(directory, segment, fieldInfos, context);
        StrippedVectorFields fields = StrippedVectorFields.fromAttribute(segment.getAttribute(StrippedVectorFields.ATTRIBUTE));
        if (fields.isEmpty()) {
            return stored;
        }
        return new VectorInjectingStoredFieldsReader(
            stored,
            new SegmentVectors(codec, directory, segment, fieldInfos, context),
            fields,
            true
        );
    }

    @Override
    public StoredFieldsWriter fieldsWriter(Directory directory, SegmentInfo segment, IOContext context) throws IOException {
        return new VectorStrippingStoredFieldsWriter(delegate.fieldsWriter(directory, segment, context), segment, toStrip.get());
    }
}
