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
import org.opensearch.core.tasks.TaskCancelledException;
import org.opensearch.multimodal.image.ImageInputs;
import org.opensearch.multimodal.inference.BatchWindow;
import org.opensearch.multimodal.inference.ImageEmbedder;
import org.opensearch.multimodal.inference.InferenceService;
import org.opensearch.multimodal.inference.Workload;
import org.opensearch.multimodal.memory.RequestLimits;
import org.opensearch.multimodal.memory.TokenVectorBudget;
import org.opensearch.multimodal.settings.MultimodalSettings;
import org.opensearch.tasks.CancellableTask;
import org.opensearch.tasks.Task;
import org.opensearch.transport.TransportService;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

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

    /**
     * Texts are encoded at most this many at a time, and at most {@link #TEXT_BATCH_CHARS} characters (about two model
     * windows, well under a second of CPU) unless one text alone is longer: a cancelled call stops between batches (a
     * text's vectors do not depend on the batch it is encoded in).
     */
    static final int TEXT_BATCH_SIZE = 16;
    static final int TEXT_BATCH_CHARS = 4_096;

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
        Supplier<Exception> stop = () -> task instanceof CancellableTask cancellable && cancellable.isCancelled()
            ? new TaskCancelledException("cancelled task with reason: " + cancellable.getReasonCancelled())
            : null;
        if (embed.images() == null) {
            embedTexts(
                workload,
                embed,
                stop,
                ActionListener.wrap(embeddings -> respond(listener, budget, embeddings), listener::onFailure)
            );
            return;
        }
        List<String> values = embed.images();
        ImageEmbedder.Outcome[] outcomes = new ImageEmbedder.Outcome[values.size()];
        embedder.embed(
            workload,
            embed.model(),
            values,
            IMAGE_BATCH_SIZE,
            embed.tokenVectors(),
            stop,
            (i, outcome) -> outcomes[i] = outcome,
            () -> {
                Exception stopped = stop.get();
                if (stopped != null) {
                    listener.onFailure(stopped);
                    return;
                }
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
            }
        );
    }

    /** The texts in batches of {@link #TEXT_BATCH_SIZE}; once {@code stop} gives a reason, no further batch starts. */
    private void embedTexts(
        Workload workload,
        EmbedRequest embed,
        Supplier<Exception> stop,
        ActionListener<EmbedAction.Response> listener
    ) {
        List<String> texts = embed.texts();
        float[][] vectors = new float[texts.size()][];
        float[][][] tokens = embed.tokenVectors() ? new float[texts.size()][][] : null;
        AtomicReference<Exception> failure = new AtomicReference<>();
        BatchWindow.run(textBatches(texts), (batch, batchDone) -> {
            if (failure.get() == null) {
                failure.compareAndSet(null, stop.get()); // stays null while the call is not cancelled
            }
            if (failure.get() != null) {
                batchDone.run();
                return;
            }
            List<String> batchTexts = batch.stream().map(texts::get).toList();
            inference.encodeText(workload, embed.model(), batchTexts, embed.purpose(), embed.tokenVectors(), ActionListener.wrap(done -> {
                for (int j = 0; j < batch.size(); j++) {
                    vectors[batch.get(j)] = done.vectors()[j];
                    if (tokens != null) {
                        tokens[batch.get(j)] = done.tokenVectors()[j];
                    }
                }
                batchDone.run();
            }, e -> {
                failure.compareAndSet(null, e);
                batchDone.run();
            }));
        }, () -> {
            Exception failed = failure.get() != null ? failure.get() : stop.get();
            if (failed != null) {
                listener.onFailure(failed);
            } else {
                listener.onResponse(new EmbedAction.Response(embed.model(), false, vectors, tokens));
            }
        });
    }

    /** The texts' indexes in consecutive batches of at most {@link #TEXT_BATCH_SIZE} texts and {@link #TEXT_BATCH_CHARS} characters. */
    static List<List<Integer>> textBatches(List<String> texts) {
        List<List<Integer>> batches = new ArrayList<>();
        List<Integer> batch = new ArrayList<>();
        int chars = 0;
        for (int i = 0; i < texts.size(); i++) {
            int length = texts.get(i).length();
            if (batch.isEmpty() == false && (batch.size() == TEXT_BATCH_SIZE || chars + length > TEXT_BATCH_CHARS)) {
                batches.add(batch);
                batch = new ArrayList<>();
                chars = 0;
            }
            batch.add(i);
            chars += length;
        }
        if (batch.isEmpty() == false) {
            batches.add(batch);
        }
        return batches;
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
