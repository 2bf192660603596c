package org.opensearch.multimodal.mapper;

import org.opensearch.index.mapper.ValueFetcher;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.search.lookup.SourceLookup;

import java.util.List;

/** Fetches a vector field's value from _source as one value, not flattened into its numbers. */
final class WholeValueFetcher implements ValueFetcher {

    private final String field;

    private WholeValueFetcher(String field) {
        this.field = field;
    }

    static ValueFetcher of(String field, QueryShardContext context) {
        return new WholeValueFetcher(field);
    }

    @Override
    public List<Object> fetchValues(SourceLookup lookup) {
        Object value = lookup.extractValue(field, null);
        return value == null ? List.of() : List.of(value);
    }
}
