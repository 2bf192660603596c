package org.opensearch.multimodal.rest;

import org.opensearch.ExceptionsHelper;
import org.opensearch.OpenSearchException;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.HandledTransportAction;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.common.breaker.CircuitBreakingException;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.multimodal.image.ImageInputs;
import org.opensearch.multimodal.inference.ImageEmbedder;
import org.opensearch.multimodal.inference.InferenceService;
import org.opensearch.multimodal.inference.TokenVectorBudget;
import org.opensearch.multimodal.inference.Workload;
import org.opensearch.multimodal.settings.MultimodalSettings;
import org.opensearch.multimodal.settings.RequestLimits;
import org.opensearch.tasks.Task;
import org.opensearch.transport.TransportService;

import java.util.List;
import java.util.Locale;

/**
 * Embeds an {@code _embed} request's texts (one forward pass per batch) or images (loaded under the node's image
 * limits and address guard); a response's token vectors must fit the node's per-request budget.
 */
public final class TransportEmbedAction extends HandledTransportAction<EmbedAction.Request, EmbedAction.Response> {

    /** Images of an {@code _embed} call are loaded and encoded this many at a time, as {@code embed_image} does by default. */
    static final int IMAGE_BATCH_SIZE = 16;

    private final InferenceService inference;
    private final RequestLimits limits;
    private final ImageEmbedder embedder;

    @Inject
    public TransportEmbedAction(
        TransportService transportService,
        ActionFilters actionFilters,
        InferenceService inference,
        RequestLimits limits,
        ImageInputs images
    ) {
        super(EmbedAction.NAME, transportService, actionFilters, EmbedAction.Request::new);
        this.inference = inference;
        this.limits = limits;
        this.embedder = new ImageEmbedder(inference, images);
    }

    /**
     * An {@code _embed} call of at most this many texts or images is interactive (a client encoding a query, someone
     * trying a model) and runs with queries; a larger one is bulk work and runs with ingest.
     */
    static final int MAX_SEARCH_SIDE_ITEMS = 8;

    static Workload workload(EmbedRequest embed) {
        int items = embed.images() == null ? embed.texts().size() : embed.images().size();
        return items <= MAX_SEARCH_SIDE_ITEMS ? Workload.SEARCH : Workload.INDEX;
    }

    @Override
    protected void doExecute(Task task, EmbedAction.Request request, ActionListener<EmbedAction.Response> listener) {
        EmbedRequest embed = request.embed();
        Workload workload = workload(embed);
        TokenVectorBudget budget = limits.tokenVectorBudget();
        try {
            inference.registry().requireManifest(embed.model(), "model");
        } catch (RuntimeException e) {
            listener.onFailure(e);
            return;
        }
        if (embed.images() == null) {
            inference.encodeText(
                workload,
                embed.model(),
                embed.texts(),
                embed.purpose(),
                embed.tokenVectors(),
                ActionListener.wrap(
                    embeddings -> respond(
                        listener,
                        budget,
                        new EmbedAction.Response(embed.model(), false, embeddings.vectors(), embeddings.tokenVectors())
                    ),
                    listener::onFailure
                )
            );
            return;
        }
        List<String> values = embed.images();
        ImageEmbedder.Outcome[] outcomes = new ImageEmbedder.Outcome[values.size()];
        embedder
            .embed(workload, embed.model(), values, IMAGE_BATCH_SIZE, embed.tokenVectors(), (i, outcome) -> outcomes[i] = outcome, () -> {
                float[][] vectors = new float[outcomes.length][];
                float[][][] patches = embed.tokenVectors() ? new float[outcomes.length][][] : null;
                for (int i = 0; i < outcomes.length; i++) {
                    if (outcomes[i].failed()) {
                        listener.onFailure(itemFailure(i, outcomes[i].failure()));
                        return;
                    }
                    vectors[i] = outcomes[i].vector();
                    if (patches != null) {
                        patches[i] = outcomes[i].patchVectors();
                    }
                }
                respond(listener, budget, new EmbedAction.Response(embed.model(), true, vectors, patches));
            });
    }

    /**
     * Sends {@code response} once its token vectors are charged to {@code budget} (else the refusal), and hands the
     * charge back once it is sent.
     */
    private static void respond(ActionListener<EmbedAction.Response> listener, TokenVectorBudget budget, EmbedAction.Response response) {
        try {
            checkTokenVectorsFit(response.tokenVectors(), budget);
        } catch (RuntimeException e) {
            budget.release();
            listener.onFailure(e);
            return;
        }
        try {
            listener.onResponse(response);
        } finally {
            budget.release();
        }
    }

    /** One image's failure as the request's, naming which image: its status is kept (400, 403, 408, 413, 415). */
    private static Exception itemFailure(int index, Exception cause) {
        RestStatus status = ExceptionsHelper.status(cause);
        return new OpenSearchStatusException(String.format(Locale.ROOT, "[images][%d] %s", index, cause.getMessage()), status, cause);
    }

    /**
     * The response's token vectors are charged to the node's {@code multimodal} breaker while it is built and sent (a
     * 429 naming the breaker when the node holds too many already) and must fit the per-request cap (a 400: the request
     * itself is too large).
     */
    private static void checkTokenVectorsFit(float[][][] tokenVectors, TokenVectorBudget budget) {
        if (tokenVectors == null) {
            return;
        }
        for (float[][] tokens : tokenVectors) {
            if (tokens.length == 0) {
                continue;
            }
            try {
                budget.reserve(TokenVectorBudget.estimateBytes(tokens.length, tokens[0].length));
            } catch (CircuitBreakingException e) {
                throw e;
            } catch (OpenSearchException e) {
                throw new IllegalArgumentException(
                    String.format(
                        Locale.ROOT,
                        "[token_vectors] the token vectors of these inputs would take more than [%s] (%s); send fewer or smaller ones",
                        MultimodalSettings.TOKEN_VECTOR_BYTES_PER_REQUEST.getKey(),
                        budget.limit()
                    ),
                    e
                );
            }
        }
    }
}
