package org.opensearch.multimodal.query.highlight;

import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.opensearch.core.common.text.Text;
import org.opensearch.index.mapper.MappedFieldType;
import org.opensearch.multimodal.mapper.ChunkedVectors;
import org.opensearch.multimodal.mapper.DenseVectorFieldMapper.DenseVectorFieldType;
import org.opensearch.multimodal.query.retriever.PassageQueries;
import org.opensearch.search.fetch.subphase.highlight.FieldHighlightContext;
import org.opensearch.search.fetch.subphase.highlight.HighlightField;
import org.opensearch.search.fetch.subphase.highlight.Highlighter;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code passage} highlighter, on a chunked {@code dense_vector} field searched by a {@code multimodal} query's dense
 * retriever: a hit's best passages by the retriever's similarity, best first ({@code number_of_fragments} of them),
 * cut from the text the passages came from (the field's {@code text_field}, or the {@code text_field} option) at their
 * stored offsets. Nothing is highlighted where the query did not search the field. The passages' offsets and scores
 * come with the hit as data, under {@code fields._multimodal.passages} ({@link HitPassages}).
 * <pre>"highlight": {"fields": {"body_vec": {"type": "passage", "number_of_fragments": 1}}}</pre>
 */
public final class BestPassageHighlighter implements Highlighter {

    public static final String NAME = "passage";
    /** The option naming the text field the passages were cut from, where the field's value does not say. */
    public static final String TEXT_FIELD_OPTION = "text_field";

    @Override
    public boolean canHighlight(MappedFieldType fieldType) {
        return fieldType instanceof DenseVectorFieldType vectors && vectors.chunked();
    }

    @Override
    public HighlightField highlight(FieldHighlightContext context) throws IOException {
        DenseVectorFieldType fieldType = (DenseVectorFieldType) context.fieldType;
        float[] query = queryVector(context.query, fieldType.name());
        if (query == null) {
            return null;
        }
        List<BestPassages.Passage> ranked = BestPassages.rank(context.hitContext.reader(), context.hitContext.docId(), fieldType, query);
        Object text = textOf(context, fieldType.name());
        if (ranked.isEmpty() || text == null) {
            return null;
        }
        int fragments = Math.max(1, Math.min(context.field.fieldOptions().numberOfFragments(), ranked.size()));
        List<Text> passages = new ArrayList<>(fragments);
        for (BestPassages.Passage best : ranked.subList(0, fragments)) {
            String passage = passage(text, best.offset());
            if (passage != null) {
                passages.add(new Text(passage));
            }
        }
        return passages.isEmpty() ? null : new HighlightField(context.fieldName, passages.toArray(new Text[0]));
    }

    /** The text the passages were cut from: a string, or the array of passages the client sent. */
    private static Object textOf(FieldHighlightContext context, String field) {
        Map<String, Object> options = context.field.fieldOptions().options();
        Object textField = options == null ? null : options.get(TEXT_FIELD_OPTION);
        if (textField == null && context.hitContext.sourceLookup().extractValue(field, null) instanceof Map<?, ?> value) {
            textField = value.get(ChunkedVectors.TEXT_FIELD);
        }
        return textField == null ? null : context.hitContext.sourceLookup().extractValue(String.valueOf(textField), null);
    }

    /** The passage at {@code offset} ({@code [element, start, end]}); null where the text no longer holds it. */
    private static String passage(Object text, int[] offset) {
        Object value = text instanceof List<?> list ? (offset[0] < list.size() ? list.get(offset[0]) : null) : offset[0] == 0 ? text : null;
        if (value instanceof String string && offset[2] <= string.length()) {
            return string.substring(offset[1], offset[2]);
        }
        return null;
    }

    /** What the shard's query searched the field with, wherever the multimodal query sits in it. */
    static float[] queryVector(Query query, String field) {
        float[][] found = new float[1][];
        query.visit(new QueryVisitor() {

            @Override
            public void visitLeaf(Query leaf) {
                if (found[0] == null && leaf instanceof PassageQueries passages) {
                    found[0] = passages.passageQuery(field);
                }
            }

            @Override
            public QueryVisitor getSubVisitor(BooleanClause.Occur occur, Query parent) {
                return this;
            }
        });
        return found[0];
    }
}
