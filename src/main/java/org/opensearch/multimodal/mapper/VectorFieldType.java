package org.opensearch.multimodal.mapper;

import org.apache.lucene.search.FieldExistsQuery;
import org.apache.lucene.search.Query;
import org.opensearch.index.mapper.MappedFieldType;
import org.opensearch.index.mapper.TextSearchInfo;
import org.opensearch.index.mapper.ValueFetcher;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.search.lookup.SearchLookup;

import java.util.Locale;
import java.util.Map;

/**
 * What the plugin's vector field types share: their dimension and the model that fills them, their value read whole
 * from {@code _source}, {@code exists} on the field, and no term query (vectors are searched by the multimodal query).
 */
public abstract class VectorFieldType extends MappedFieldType {

    private final String typeName;
    private final int dims;
    private final FieldModel fieldModel;

    protected VectorFieldType(
        String name,
        String typeName,
        boolean indexed,
        boolean hasDocValues,
        int dims,
        FieldModel fieldModel,
        Map<String, String> meta
    ) {
        super(name, indexed, false, hasDocValues, TextSearchInfo.NONE, meta);
        this.typeName = typeName;
        this.dims = dims;
        this.fieldModel = fieldModel;
    }

    /** The model its mapping names, and that model's fingerprint once ingest has filled it. */
    public FieldModel fieldModel() {
        return fieldModel;
    }

    public int dims() {
        return dims;
    }

    @Override
    public String typeName() {
        return typeName;
    }

    @Override
    public ValueFetcher valueFetcher(QueryShardContext context, SearchLookup searchLookup, String format) {
        return WholeValueFetcher.of(name(), context);
    }

    @Override
    public Query existsQuery(QueryShardContext context) {
        return new FieldExistsQuery(name());
    }

    @Override
    public Query termQuery(Object value, QueryShardContext context) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "field [%s] of type [%s] does not support term queries; use the multimodal query",
                name(),
                typeName
            )
        );
    }
}
