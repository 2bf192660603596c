package org.opensearch.multimodal.query.highlight;

import org.apache.lucene.search.Query;
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
 * the best passages' offsets and scores in every field the request highlights with it and the search compared
 * (chunked dense, multi-vector), under {@code fields._multimodal.passages.<field>}.
 */
public final class HitPassages {

    /** A field the passage highlighter shows, and how many passages to give. */
    private record Shown(FieldPassages field, int fragments) {
    }

    private final List<Shown> fields;

    private HitPassages(List<Shown> fields) {
        this.fields = fields;
    }

    /** The fields the request highlights with the {@code passage} highlighter and the search compared; null if none. */
    public static HitPassages requested(FetchContext context) {
        // the query as parsed, as the highlighters see it (context.query() may be its rewritten form)
        Query parsed = context.parsedQuery() == null ? context.query() : context.parsedQuery().query();
        if (context.highlight() == null || parsed == null) {
            return null;
        }
        List<Shown> fields = new ArrayList<>();
        for (SearchHighlightContext.Field field : context.highlight().fields()) {
            if (BestPassageHighlighter.NAME.equals(field.fieldOptions().highlighterType())) {
                FieldPassages passages = FieldPassages.of(context, parsed, context.mapperService().fieldType(field.field()));
                if (passages != null) {
                    fields.add(new Shown(passages, Math.max(1, field.fieldOptions().numberOfFragments())));
                }
            }
        }
        return fields.isEmpty() ? null : new HitPassages(fields);
    }

    /** The hit's best passages by field, best first, at most {@code number_of_fragments} of each. */
    public Map<String, Object> of(HitContext hit) throws IOException {
        Map<String, Object> passages = new LinkedHashMap<>();
        for (Shown shown : fields) {
            List<BestPassages.Passage> ranked = shown.field().rank(hit).passages();
            passages.put(
                shown.field().name(),
                ranked.subList(0, Math.min(shown.fragments(), ranked.size())).stream().map(BestPassages.Passage::toMap).toList()
            );
        }
        return passages;
    }
}
