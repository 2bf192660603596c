package org.opensearch.multimodal.inference;

import org.opensearch.core.action.ActionListener;
import org.opensearch.multimodal.chunking.ChunkingOptions;
import org.opensearch.multimodal.chunking.Chunks;
import org.opensearch.multimodal.chunking.TokenWindows;
import org.opensearch.multimodal.memory.ChargedImage;
import org.opensearch.multimodal.model.EncodingPurpose;
import org.opensearch.multimodal.model.ImageEmbeddings;
import org.opensearch.multimodal.model.ImageModel;
import org.opensearch.multimodal.model.ModelRegistry;
import org.opensearch.multimodal.model.TextEmbeddings;
import org.opensearch.multimodal.stats.MultimodalStats;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs model inference on the plugin's own thread pools, so ingest, search and transport threads never block on a
 * forward pass: one pool per {@link Workload}, so query-time encoding never queues behind index-time batches.
 */
public final class InferenceService {

    private final ModelRegistry registry;
    private final Map<Workload, ExecutorService> executors;
    private final MultimodalStats stats = new MultimodalStats();

    public InferenceService(ModelRegistry registry, Map<Workload, ExecutorService> executors) {
        this.registry = registry;
        this.executors = new EnumMap<>(executors);
        for (Workload workload : Workload.values()) {
            if (this.executors.containsKey(workload) == false) {
                throw new IllegalArgumentException("no executor for " + workload);
            }
        }
    }

    public ModelRegistry registry() {
        return registry;
    }

    /** This node's inference, ingest and query counters. */
    public MultimodalStats stats() {
        return stats;
    }

    /**
     * Decodes {@code images} (an image that does not decode, or whose pixels the breaker refuses, gets its failure; each
     * picture's charge is handed back once it is the model's input) and encodes the rest with one forward pass
     * of {@code modelId} on {@code workload}'s pool, then calls {@code listener} on that inference thread.
     */
    public void encodeImages(
        Workload workload,
        String modelId,
        List<byte[]> images,
        Function<byte[], ChargedImage> decoder,
        boolean withPatchVectors,
        ActionListener<ImageBatch> listener
    ) {
        runWith(workload, () -> registry.imageModel(modelId), model -> decodeAndEncode(model, images, decoder, withPatchVectors), listener);
    }

    /** Runs {@code work} on {@code workload}'s pool, counting how long it waited there for a thread. */
    private void submit(Workload workload, Runnable work) {
        long queued = System.nanoTime();
        executors.get(workload).execute(() -> {
            stats.poolWait(workload.statsName(), System.nanoTime() - queued);
            work.run();
        });
    }

    private ImageBatch decodeAndEncode(
        ImageModel model,
        List<byte[]> images,
        Function<byte[], ChargedImage> decoder,
        boolean withPatches
    ) {
        int n = images.size();
        Exception[] failures = new Exception[n];
        // each picture becomes its (small) model input at once, so a batch never holds all its decoded pictures
        List<ImageModel.PixelTensor> decoded = new ArrayList<>();
        int[] slot = new int[n];
        for (int i = 0; i < n; i++) {
            try {
                try (ChargedImage picture = decoder.apply(images.get(i))) {
                    decoded.add(model.toTensor(picture.pixels()));
                }
                slot[i] = decoded.size() - 1;
            } catch (RuntimeException e) {
                failures[i] = e;
                slot[i] = -1;
            }
        }
        float[][] vectors = new float[n][];
        float[][][] patches = withPatches ? new float[n][][] : null;
        if (decoded.isEmpty() == false) {
            long start = System.nanoTime();
            ImageEmbeddings embeddings;
            try {
                embeddings = model.encodeTensors(decoded, withPatches);
            } catch (RuntimeException e) {
                stats.model(model.manifest().id()).error(MultimodalStats.cause(e));
                throw e;
            }
            stats.model(model.manifest().id()).call(decoded.size(), System.nanoTime() - start);
            for (int i = 0; i < n; i++) {
                if (slot[i] >= 0) {
                    vectors[i] = embeddings.vectors()[slot[i]];
                    if (withPatches) {
                        patches[i] = embeddings.patchVectors()[slot[i]];
                    }
                }
            }
        }
        return new ImageBatch(vectors, patches, failures);
    }

    /**
     * Encodes {@code texts} with one forward pass of {@code modelId} on {@code workload}'s pool, then calls
     * {@code listener} on that inference thread.
     */
    public void encodeText(
        Workload workload,
        String modelId,
        List<String> texts,
        EncodingPurpose purpose,
        boolean withTokenVectors,
        ActionListener<TextEmbeddings> listener
    ) {
        runWith(workload, () -> registry.textModel(modelId), model -> {
            long start = System.nanoTime();
            TextEmbeddings embeddings;
            try {
                embeddings = model.encode(texts, purpose, withTokenVectors);
            } catch (RuntimeException e) {
                stats.model(modelId).error(MultimodalStats.cause(e));
                throw e;
            }
            stats.model(modelId).call(texts.size(), System.nanoTime() - start);
            return embeddings;
        }, listener);
    }

    /**
     * Cuts each of {@code texts} into passages with {@code modelId}'s own tokenizer ({@link TokenWindows}) on
     * {@code workload}'s pool (tokenizing a long text is a forward pass's worth of work), then calls {@code listener}.
     */
    public void chunkTexts(
        Workload workload,
        String modelId,
        List<String> texts,
        ChunkingOptions options,
        ActionListener<List<Chunks>> listener
    ) {
        runWith(workload, () -> registry.textModel(modelId), model -> {
            List<Chunks> chunks = new ArrayList<>(texts.size());
            for (String text : texts) {
                chunks.add(TokenWindows.split(text, model.tokenSpans(text, options.tokensNeeded()), options));
            }
            return chunks;
        }, listener);
    }

    /**
     * Runs {@code work} with the model {@code load} gives on {@code workload}'s pool; a model that cannot be had, a
     * refused task or a failing {@code work} goes to the listener.
     */
    private <M, R> void runWith(Workload workload, Supplier<M> load, Function<M, R> work, ActionListener<R> listener) {
        final M model;
        try {
            model = load.get();
        } catch (RuntimeException e) {
            listener.onFailure(e);
            return;
        }
        try {
            submit(workload, () -> {
                R result;
                try {
                    result = work.apply(model);
                } catch (RuntimeException e) {
                    listener.onFailure(e);
                    return;
                }
                listener.onResponse(result);
            });
        } catch (RuntimeException rejected) {
            listener.onFailure(rejected);
        }
    }
}
