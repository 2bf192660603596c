package org.opensearch.multimodal.inference;

import org.opensearch.core.action.ActionListener;
import org.opensearch.multimodal.chunking.ChunkingOptions;
import org.opensearch.multimodal.chunking.Chunks;
import org.opensearch.multimodal.chunking.TokenWindows;
import org.opensearch.multimodal.image.ChargedImage;
import org.opensearch.multimodal.model.EncodingPurpose;
import org.opensearch.multimodal.model.ImageEmbeddings;
import org.opensearch.multimodal.model.ImageModel;
import org.opensearch.multimodal.model.ModelRegistry;
import org.opensearch.multimodal.model.TextEmbeddings;
import org.opensearch.multimodal.model.TextModel;
import org.opensearch.multimodal.stats.MultimodalStats;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;

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
        final ImageModel model;
        try {
            model = registry.imageModel(modelId);
        } catch (RuntimeException e) {
            listener.onFailure(e);
            return;
        }
        try {
            submit(workload, () -> {
                ImageBatch batch;
                try {
                    batch = decodeAndEncode(model, images, decoder, withPatchVectors);
                } catch (RuntimeException e) {
                    listener.onFailure(e);
                    return;
                }
                listener.onResponse(batch);
            });
        } catch (RuntimeException rejected) {
            listener.onFailure(rejected);
        }
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
        final TextModel model;
        try {
            model = registry.textModel(modelId);
        } catch (RuntimeException e) {
            listener.onFailure(e);
            return;
        }
        try {
            submit(workload, () -> {
                TextEmbeddings embeddings;
                long start = System.nanoTime();
                try {
                    embeddings = model.encode(texts, purpose, withTokenVectors);
                } catch (RuntimeException e) {
                    stats.model(modelId).error(MultimodalStats.cause(e));
                    listener.onFailure(e);
                    return;
                }
                stats.model(modelId).call(texts.size(), System.nanoTime() - start);
                listener.onResponse(embeddings);
            });
        } catch (RuntimeException rejected) {
            listener.onFailure(rejected);
        }
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
        final TextModel model;
        try {
            model = registry.textModel(modelId);
        } catch (RuntimeException e) {
            listener.onFailure(e);
            return;
        }
        try {
            submit(workload, () -> {
                List<Chunks> chunks = new ArrayList<>(texts.size());
                try {
                    for (String text : texts) {
                        chunks.add(TokenWindows.split(text, model.tokenSpans(text, options.tokensNeeded()), options));
                    }
                } catch (RuntimeException e) {
                    listener.onFailure(e);
                    return;
                }
                listener.onResponse(chunks);
            });
        } catch (RuntimeException rejected) {
            listener.onFailure(rejected);
        }
    }
}
