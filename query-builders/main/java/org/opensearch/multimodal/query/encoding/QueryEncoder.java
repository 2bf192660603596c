package org.opensearch.multimodal.query.encoding;

import org.opensearch.action.support.GroupedActionListener;
import org.opensearch.core.action.ActionListener;
import org.opensearch.multimodal.inference.ImageEmbedder;
import org.opensearch.multimodal.inference.Workload;
import org.opensearch.multimodal.model.EncodingPurpose;
import org.opensearch.multimodal.model.ModelManifest;
import org.opensearch.multimodal.services.MultimodalServices;

import java.util.List;
import java.util.Map;

/**
 * Encodes a query's text and image on the node that rewrites the query (the coordinating node), with that node's
 * services and on its query-time inference pool, so shards receive vectors and never run a model.
 */
public final class QueryEncoder {

    private final MultimodalServices services;

    public QueryEncoder(MultimodalServices services) {
        this.services = services;
    }

    /** The manifest of {@code model}, or a 404 naming {@code parameter}. */
    public ModelManifest requireModel(String model, String parameter) {
        return services.registry().requireManifest(model, parameter);
    }

    /**
     * Encodes {@code text} with {@code model}: its pooled query vector and/or its query token vectors. One forward pass
     * gives both when the model prefixes queries and query tokens alike; otherwise the two passes run side by side on
     * the query-time pool (on a CPU, one batched call of both texts takes as long as the two passes in a row: each call
     * runs on one thread).
     */
    public void encodeText(String model, String text, boolean dense, boolean tokens, ActionListener<QueryVectors> listener) {
        ModelManifest manifest = requireModel(model, "model");
        if (dense && tokens && manifest.prefix(EncodingPurpose.QUERY).equals(manifest.prefix(EncodingPurpose.QUERY_TOKENS)) == false) {
            GroupedActionListener<QueryVectors> both = new GroupedActionListener<>(
                ActionListener.map(listener, parts -> parts.stream().reduce(QueryVectors::with).orElseThrow()),
                2
            );
            encodeText(model, text, true, false, both);
            encodeText(model, text, false, true, both);
            return;
        }
        EncodingPurpose purpose = dense ? EncodingPurpose.QUERY : EncodingPurpose.QUERY_TOKENS;
        services.inference()
            .encodeText(
                Workload.SEARCH,
                model,
                List.of(text),
                purpose,
                tokens,
                ActionListener.map(
                    listener,
                    embeddings -> new QueryVectors(
                        dense ? Map.of(QueryVectors.denseKey(QueryVectors.TEXT_INPUT, model), embeddings.vectors()[0]) : Map.of(),
                        tokens ? Map.of(model, embeddings.tokenVectors()[0]) : Map.of(),
                        Map.of(model, EncoderIdentity.of(model, services))
                    )
                )
            );
    }

    /** Loads {@code image} (base64, data URI, URL or path, under the node's image settings) and encodes it with {@code model}. */
    public void encodeImage(String model, String image, ActionListener<QueryVectors> listener) {
        ImageEmbedder.Outcome[] outcome = new ImageEmbedder.Outcome[1];
        new ImageEmbedder(services.inference(), services.images()).embed(
            Workload.SEARCH,
            model,
            List.of(image),
            1,
            false,
            ImageEmbedder.RUNS_TO_THE_END,
            (i, result) -> outcome[0] = result,
            () -> {
                if (outcome[0].failed()) {
                    listener.onFailure(outcome[0].failure());
                } else {
                    listener.onResponse(
                        new QueryVectors(
                            Map.of(QueryVectors.denseKey(QueryVectors.IMAGE_INPUT, model), outcome[0].vector()),
                            Map.of(),
                            Map.of(model, EncoderIdentity.of(model, services))
                        )
                    );
                }
            }
        );
    }
}
