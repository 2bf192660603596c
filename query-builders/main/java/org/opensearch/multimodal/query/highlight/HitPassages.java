package org.opensearch.multimodal.query.highlight;

import org.apache.lucene.search.Query;
import org.opensearch.multimodal.mapper.DenseVectorFieldMapper.DenseVectorFieldType;
import org.opensearch.search.fetch.FetchContext;
import org.opensearch.search.fetch.FetchSubPhase.HitContext;
import org.opensearch.search.fetch.subphase.highlight.SearchHighlightContext;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the fetch phase shows of each hit for the {@code passage} highlighter ({@link BestPassageHighlighter}), as data:
 * the best passages' offsets and scores in every chunked dense field the request highlights with it and the query
 * searched, under {@code fields._multimodal.passages.<field>}.
 */
public final class HitPassages {

    /** A field the passage highlighter shows: the query vector it was searched with, and how many passages to give. */
    private record PassageField(DenseVectorFieldType type, float[] query, int fragments) {
    }

    private final List<PassageField> fields;

    private HitPassages(List<PassageField> fields) {
        this.fields = fields;
    }

    /**
     * The chunked dense fields the request highlights with the {@code passage} highlighter and the query searched, with
     * the query vector each was searched with; null when there is none.
     */
    public static HitPassages requested(FetchContext context) {
        List<PassageField> fields = new ArrayList<>();
        // the query as parsed, as the highlighters see it (context.query() may be its rewritten form)
        Query parsed = context.parsedQuery() == null ? context.query() : context.parsedQuery().query();
        if (context.highlight() == null || parsed == null) {
            return null;
        }
        for (SearchHighlightContext.Field field : context.highlight().fields()) {
            if (BestPassageHighlighter.NAME.equals(field.fieldOptions().highlighterType())
                && context.mapperService().fieldType(field.field()) instanceof DenseVectorFieldType vectors
                && vectors.chunked()) {
                float[] query = BestPassageHighlighter.queryVector(parsed, vectors.name());
                if (query != null) {
                    fields.add(new PassageField(vectors, query, Math.max(1, field.fieldOptions().numberOfFragments())));
                }
            }
        }
        return fields.isEmpty() ? null : new HitPassages(fields);
    }

    /** The hit's best passages by field, best first, at most {@code number_of_fragments} of each. */
    public Map<String, Object> of(HitContext hit) throws IOException {
        Map<String, Object> passages = new LinkedHashMap<>();
        for (PassageField field : fields) {
            List<BestPassages.Passage> ranked = BestPassages.rank(hit.reader(), hit.docId(), field.type(), field.query());
            passages.put(
                field.type().name(),
                ranked.subList(0, Math.min(field.fragments(), ranked.size())).stream().map(BestPassages.Passage::toMap).toList()
            );
        }
        return passages;
    }
}
