package org.opensearch.multimodal.query;

import org.opensearch.core.action.ActionListener;
import org.opensearch.multimodal.inference.InferenceService;
import org.opensearch.multimodal.model.EncodingPurpose;
import org.opensearch.multimodal.model.ModelManifest;

import java.util.List;

/**
 * Encodes query text for the {@code multimodal} query, on the node that rewrites the query (the coordinating node),
 * so shards receive vectors and never run a model.
 */
public final class QueryEncoder {

    private static volatile InferenceService inference;

    private QueryEncoder() {}

    /** Called once by the plugin when the node's services exist. */
    public static void initialize(InferenceService service) {
        inference = service;
    }

    static ModelManifest requireModel(String model, String parameter) {
        return service().registry().requireManifest(model, parameter);
    }

    static void encode(String model, String text, ActionListener<float[]> listener) {
        service().encodeText(
            model,
            List.of(text),
            EncodingPurpose.QUERY,
            false,
            ActionListener.map(listener, embeddings -> embeddings.vectors()[0])
        );
    }

    private static InferenceService service() {
        InferenceService service = inference;
        if (service == null) {
            throw new IllegalStateException("the multimodal plugin has not started on this node");
        }
        return service;
    }
}
