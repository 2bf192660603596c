package org.opensearch.multimodal.query.retriever;

import org.apache.lucene.util.SetOnce;
import org.opensearch.index.query.QueryRewriteContext;
import org.opensearch.multimodal.query.common.ActionListenerAdapters;
import org.opensearch.multimodal.query.encoding.QueryEncoder;
import org.opensearch.multimodal.query.encoding.QueryVectors;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The encodings a query's retrievers ask the coordinating node for, gathered so each model runs once: per text model
 * its pooled vector and/or token vectors (one forward pass where the model allows), per image model the image.
 */
public final class EncodingPlan {

    private final QueryEncoder encoder;
    private final Map<String, boolean[]> textModels = new TreeMap<>(); // model -> {pooled vector, token vectors}
    private final Map<String, String> imageModels = new TreeMap<>();

    public EncodingPlan(QueryEncoder encoder) {
        this.encoder = encoder;
    }

    /** The pooled query vector of {@code query_text} from {@code model}; {@code parameter} names the retriever. */
    void textVector(String model, String parameter) {
        requireKind(model, parameter, true);
        textModels.computeIfAbsent(model, m -> new boolean[2])[0] = true;
    }

    /** The query token vectors of {@code query_text} from {@code model}. */
    void textTokens(String model, String parameter) {
        requireKind(model, parameter, true);
        textModels.computeIfAbsent(model, m -> new boolean[2])[1] = true;
    }

    /** The vector of {@code query_image} from {@code model}. */
    void imageVector(String model, String parameter) {
        requireKind(model, parameter, false);
        imageModels.put(model, parameter);
    }

    private void requireKind(String model, String parameter, boolean text) {
        var kind = encoder.requireModel(model, parameter + ".model").kind();
        if (text ? kind.hasText() == false : kind.hasImage() == false) {
            throw new IllegalArgumentException(
                String.format(Locale.ROOT, "[%s.model] model [%s] does not encode %s", parameter, model, text ? "text" : "images")
            );
        }
    }

    /** Starts every planned encoding as an async action of the rewrite; each result lands in its own holder. */
    public List<SetOnce<QueryVectors>> start(QueryRewriteContext context, QueryInputs inputs) {
        List<SetOnce<QueryVectors>> pending = new ArrayList<>();
        for (Map.Entry<String, boolean[]> model : textModels.entrySet()) {
            SetOnce<QueryVectors> result = new SetOnce<>();
            pending.add(result);
            boolean dense = model.getValue()[0];
            boolean tokens = model.getValue()[1];
            context.registerAsyncAction(
                (client, listener) -> encoder
                    .encodeText(model.getKey(), inputs.text(), dense, tokens, ActionListenerAdapters.setting(result, listener))
            );
        }
        for (String model : imageModels.keySet()) {
            SetOnce<QueryVectors> result = new SetOnce<>();
            pending.add(result);
            context.registerAsyncAction(
                (client, listener) -> encoder.encodeImage(model, inputs.image(), ActionListenerAdapters.setting(result, listener))
            );
        }
        return pending;
    }
}
