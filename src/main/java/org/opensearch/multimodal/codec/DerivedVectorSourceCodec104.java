package org.opensearch.multimodal.codec;

import org.apache.lucene.codecs.FilterCodec;
import org.apache.lucene.codecs.StoredFieldsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;

/**
 * Reads the segments earlier builds wrote with derived vector source ({@value #NAME}): all stored fields, {@code _source}
 * included, in one stored-fields stream. Lucene finds it by name; nothing writes with it (a merge writes the index's
 * current codec, {@link DerivedVectorSourceCodec}).
 */
public final class DerivedVectorSourceCodec104 extends FilterCodec {

    public static final String NAME = "Multimodal104";

    private final StoredFieldsFormat storedFields;

    public DerivedVectorSourceCodec104() {
        super(NAME, new Lucene104Codec());
        this.storedFields = new DerivedVectorSourceFormat(delegate.storedFieldsFormat(), delegate, null);
    }

    @Override
    public StoredFieldsFormat storedFieldsFormat() {
        return storedFields;
    }
}
