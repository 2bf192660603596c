package org.opensearch.multimodal.inference;

import org.opensearch.common.lease.Releasable;
import org.opensearch.core.action.ActionListener;
import org.opensearch.multimodal.image.ImageInputs;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * The one path from image values to vectors that ingest, {@code _embed} and queries share: each value (base64, data URI,
 * URL or path) is loaded under the node's address guard and limits, then decoded and encoded in batches, at most
 * {@link BatchWindow#IN_FLIGHT} batches loaded at once, so a request holds at most that many batches' image bytes,
 * charged to the node's {@code multimodal} breaker until their batch is encoded: a batch that does not fit fails with
 * the breaker's 429.
 */
public final class ImageEmbedder {

    /** What became of one image: its vector (and patch vectors when asked for), or why there is none. */
    public record Outcome(float[] vector, float[][] patchVectors, Exception failure) {

        static Outcome failed(Throwable cause) {
            return new Outcome(null, null, cause instanceof Exception e ? e : new RuntimeException(cause));
        }

        public boolean failed() {
            return failure != null;
        }
    }

    /** Receives each image's outcome, by its index in the values given; calls for one request may come from several threads. */
    @FunctionalInterface
    public interface OutcomeConsumer {

        void accept(int index, Outcome outcome);
    }

    private final InferenceService inference;
    private final ImageInputs images;

    /** For work nothing cancels (ingest, a query's image): every batch runs. */
    public static final Supplier<Exception> RUNS_TO_THE_END = () -> null;

    public ImageEmbedder(InferenceService inference, ImageInputs images) {
        this.inference = inference;
        this.images = images;
    }

    /**
     * Embeds {@code values} with {@code model} on {@code workload}'s pool in batches of {@code batchSize}, asking
     * {@code stop} before each batch is loaded: once it gives a reason (a cancelled request), the batches not yet
     * started fail with it, unloaded. Each value's outcome goes to {@code outcomes}, then {@code done} runs once, after
     * the last.
     */
    public void embed(
        Workload workload,
        String model,
        List<String> values,
        int batchSize,
        boolean withPatchVectors,
        Supplier<Exception> stop,
        OutcomeConsumer outcomes,
        Runnable done
    ) {
        List<Integer> indexes = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            indexes.add(i);
        }
        BatchWindow.run(Batches.of(indexes, batchSize), (batch, batchDone) -> {
            Exception stopped = stop.get();
            if (stopped != null) {
                batch.forEach(i -> outcomes.accept(i, Outcome.failed(stopped)));
                batchDone.run();
                return;
            }
            loadAndEncode(workload, model, values, batch, withPatchVectors, outcomes, batchDone);
        }, done);
    }

    private void loadAndEncode(
        Workload workload,
        String model,
        List<String> values,
        List<Integer> batch,
        boolean withPatchVectors,
        OutcomeConsumer outcomes,
        Runnable done
    ) {
        List<CompletableFuture<byte[]>> loads = batch.stream().map(i -> images.load(values.get(i))).toList();
        CompletableFuture.allOf(loads.toArray(CompletableFuture[]::new)).whenComplete((ignored, failure) -> {
            List<Integer> loaded = new ArrayList<>();
            List<byte[]> bytes = new ArrayList<>();
            for (int j = 0; j < batch.size(); j++) {
                try {
                    bytes.add(loads.get(j).join());
                    loaded.add(batch.get(j));
                } catch (CompletionException e) {
                    outcomes.accept(batch.get(j), Outcome.failed(e.getCause() == null ? e : e.getCause()));
                }
            }
            if (loaded.isEmpty()) {
                done.run();
                return;
            }
            final Releasable held;
            try {
                held = images.chargeLoaded(bytes);
            } catch (RuntimeException e) {
                loaded.forEach(i -> outcomes.accept(i, Outcome.failed(e)));
                done.run();
                return;
            }
            ActionListener<ImageBatch> encoded = ActionListener.runBefore(ActionListener.wrap(result -> {
                for (int j = 0; j < loaded.size(); j++) {
                    outcomes.accept(
                        loaded.get(j),
                        result.failed(j)
                            ? Outcome.failed(result.failures()[j])
                            : new Outcome(result.vectors()[j], withPatchVectors ? result.patchVectors()[j] : null, null)
                    );
                }
                done.run();
            }, e -> {
                loaded.forEach(i -> outcomes.accept(i, Outcome.failed(e)));
                done.run();
            }), held::close);
            inference.encodeImages(workload, model, bytes, images::decode, withPatchVectors, encoded);
        });
    }
}
