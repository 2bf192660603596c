package org.opensearch.multimodal.query.highlight;

import org.opensearch.core.common.text.Text;
import org.opensearch.index.mapper.MappedFieldType;
import org.opensearch.multimodal.mapper.DenseVectorFieldMapper.DenseVectorFieldType;
import org.opensearch.multimodal.mapper.MultiVectorFieldMapper.MultiVectorFieldType;
import org.opensearch.search.fetch.subphase.highlight.FieldHighlightContext;
import org.opensearch.search.fetch.subphase.highlight.HighlightField;
import org.opensearch.search.fetch.subphase.highlight.Highlighter;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code passage} highlighter: a hit's best passages, best first ({@code number_of_fragments} of them), cut from
 * the text the passages came from (the {@code text_field} its chunked value records, or the {@code text_field} option)
 * at their stored offsets. On a chunked {@code dense_vector} field searched by a {@code multimodal} query's dense
 * retriever, by the retriever's similarity; on a {@code multi_vector} field compared by the {@code late_interaction}
 * rescorer or a multi-vector retriever, by MaxSim over each passage's own token rows ({@link FieldPassages}). Nothing
 * is highlighted where the search did not compare the field. The passages' offsets and scores come with the hit as
 * data, under {@code fields._multimodal.passages} ({@link HitPassages}).
 * <pre>"highlight": {"fields": {"body_vec": {"type": "passage", "number_of_fragments": 1}}}</pre>
 */
public final class BestPassageHighlighter implements Highlighter {

    public static final String NAME = "passage";
    /** The option naming the text field the passages were cut from, where the field's value does not say. */
    public static final String TEXT_FIELD_OPTION = "text_field";

    @Override
    public boolean canHighlight(MappedFieldType fieldType) {
        return fieldType instanceof DenseVectorFieldType vectors && vectors.chunked() || fieldType instanceof MultiVectorFieldType;
    }

    @Override
    public HighlightField highlight(FieldHighlightContext context) throws IOException {
        // once a shard's fetch: the highlighters' cache lives as long as it
        FieldPassages field = (FieldPassages) context.cache.computeIfAbsent(
            NAME + ":" + context.fieldName,
            key -> FieldPassages.of(context.context, context.query, context.fieldType)
        );
        if (field == null) {
            return null;
        }
        FieldPassages.Ranked ranked = field.rank(context.hitContext);
        Object text = textOf(context, ranked.textField());
        if (ranked.passages().isEmpty() || text == null) {
            return null;
        }
        int fragments = Math.max(1, Math.min(context.field.fieldOptions().numberOfFragments(), ranked.passages().size()));
        List<Text> passages = new ArrayList<>(fragments);
        for (BestPassages.Passage best : ranked.passages().subList(0, fragments)) {
            String passage = passage(text, best.offset());
            if (passage != null) {
                passages.add(new Text(passage));
            }
        }
        return passages.isEmpty() ? null : new HighlightField(context.fieldName, passages.toArray(new Text[0]));
    }

    /** The text the passages were cut from: a string, or the array of passages the client sent. */
    private static Object textOf(FieldHighlightContext context, String recordedTextField) {
        Map<String, Object> options = context.field.fieldOptions().options();
        Object textField = options == null ? null : options.get(TEXT_FIELD_OPTION);
        if (textField == null) {
            textField = recordedTextField;
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
}
