package org.opensearch.multimodal.codec;

import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.FilterCodec;
import org.apache.lucene.codecs.StoredFieldsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.opensearch.index.mapper.MapperService;

/**
 * The codec of an index with derived vector source ({@code index.multimodal.derived_vector_source}, on by default):
 * {@link VectorFieldCodec}'s formats, with stored fields that leave vector fields out of {@code _source} and put them
 * back on read, {@code _source} kept in files of its own ({@link SeparateSourceStoredFieldsFormat}). It has a name of
 * its own ({@value #NAME}) in the segments it writes, so Lucene reads them with it: such an index needs the plugin on
 * every node that opens it, and a build that does not know the name refuses the segments rather than misread them.
 * Segments of earlier builds are read by {@link DerivedVectorSourceCodec104}.
 */
public final class DerivedVectorSourceCodec extends FilterCodec {

    public static final String NAME = "Multimodal105";

    private final StoredFieldsFormat storedFields;

    /** What Lucene instantiates by name to read segments: Lucene's codec underneath, reading only. */
    public DerivedVectorSourceCodec() {
        this(new Lucene104Codec(), null);
    }

    /** What an index writes with: {@code delegate}'s formats and the current mapping's vector fields. */
    public DerivedVectorSourceCodec(Codec delegate, MapperService mapperService) {
        super(NAME, delegate);
        this.storedFields = new DerivedVectorSourceFormat(
            new SeparateSourceStoredFieldsFormat(delegate.storedFieldsFormat()),
            delegate,
            mapperService
        );
    }

    @Override
    public StoredFieldsFormat storedFieldsFormat() {
        return storedFields;
    }
}
