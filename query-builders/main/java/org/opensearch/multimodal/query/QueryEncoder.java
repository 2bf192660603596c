package org.opensearch.multimodal.query;

import org.opensearch.core.action.ActionListener;
import org.opensearch.multimodal.image.ImageInputs;
import org.opensearch.multimodal.inference.InferenceService;
import org.opensearch.multimodal.inference.Workload;
import org.opensearch.multimodal.model.EncodingPurpose;
import org.opensearch.multimodal.model.ModelManifest;
import org.opensearch.multimodal.stats.MultimodalStats;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * Encodes a query's text and image on the node that rewrites the query (the coordinating node), so shards receive
 * vectors and never run a model.
 */
public final class QueryEncoder {

    private static volatile InferenceService inference;
    private static volatile ImageInputs images;

    private QueryEncoder() {
    }

    /** Called once by the plugin when the node's services exist. */
    public static void initialize(InferenceService service, ImageInputs imageInputs) {
        inference = service;
        images = imageInputs;
    }

    /** Counters of queries that run on a node without the plugin's services (unit tests): kept, never reported. */
    private static final MultimodalStats UNATTACHED = new MultimodalStats();

    /** The node's query counters. */
    static MultimodalStats stats() {
        InferenceService service = inference;
        return service == null ? UNATTACHED : service.stats();
    }

    static ModelManifest requireModel(String model, String parameter) {
        return service().registry().requireManifest(model, parameter);
    }

    /**
     * Encodes {@code text} with {@code model}: its pooled query vector and/or its query token vectors. One forward pass
     * gives both when the model prefixes queries and query tokens alike; otherwise each gets its own pass.
     */
    static void encodeText(String model, String text, boolean dense, boolean tokens, ActionListener<QueryVectors> listener) {
        ModelManifest manifest = requireModel(model, "model");
        if (dense && tokens && manifest.prefix(EncodingPurpose.QUERY).equals(manifest.prefix(EncodingPurpose.QUERY_TOKENS)) == false) {
            encodeText(
                model,
                text,
                true,
                false,
                ActionListener
                    .wrap(vector -> encodeText(model, text, false, true, ActionListener.map(listener, vector::with)), listener::onFailure)
            );
            return;
        }
        EncodingPurpose purpose = dense ? EncodingPurpose.QUERY : EncodingPurpose.QUERY_TOKENS;
        service().encodeText(
            Workload.SEARCH,
            model,
            List.of(text),
            purpose,
            tokens,
            ActionListener.map(
                listener,
                embeddings -> new QueryVectors(
                    dense ? Map.of(QueryVectors.denseKey(DenseRetriever.TEXT_INPUT, model), embeddings.vectors()[0]) : Map.of(),
                    tokens ? Map.of(model, embeddings.tokenVectors()[0]) : Map.of()
                )
            )
        );
    }

    /** Loads {@code image} (base64, data URI, URL or path, under the node's image settings) and encodes it with {@code model}. */
    static void encodeImage(String model, String image, ActionListener<QueryVectors> listener) {
        ImageInputs inputs = images;
        if (inputs == null) {
            listener.onFailure(new IllegalStateException("the multimodal plugin has not started on this node"));
            return;
        }
        inputs.load(image).whenComplete((bytes, failure) -> {
            if (failure != null) {
                listener.onFailure(failure instanceof Exception e ? unwrap(e) : new RuntimeException(failure));
                return;
            }
            service().encodeImages(Workload.SEARCH, model, List.of(bytes), inputs::decode, false, ActionListener.wrap(batch -> {
                if (batch.failed(0)) {
                    listener.onFailure(batch.failures()[0]);
                } else {
                    listener.onResponse(
                        new QueryVectors(Map.of(QueryVectors.denseKey(DenseRetriever.IMAGE_INPUT, model), batch.vectors()[0]), Map.of())
                    );
                }
            }, listener::onFailure));
        });
    }

    private static Exception unwrap(Exception e) {
        return e instanceof CompletionException && e.getCause() instanceof Exception cause ? cause : e;
    }

    private static InferenceService service() {
        InferenceService service = inference;
        if (service == null) {
            throw new IllegalStateException("the multimodal plugin has not started on this node");
        }
        return service;
    }
}
