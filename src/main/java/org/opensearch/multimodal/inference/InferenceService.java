package org.opensearch.multimodal.inference;

import org.opensearch.core.action.ActionListener;
import org.opensearch.multimodal.model.EncodingPurpose;
import org.opensearch.multimodal.model.ModelRegistry;
import org.opensearch.multimodal.model.TextEmbeddings;
import org.opensearch.multimodal.model.TextModel;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs model inference on the plugin's own thread pool, so ingest, search and transport threads never block on a
 * forward pass.
 */
public final class InferenceService {

    private final ModelRegistry registry;
    private final ExecutorService executor;
    private final LongAdder calls = new LongAdder();
    private final LongAdder items = new LongAdder();

    public InferenceService(ModelRegistry registry, ExecutorService executor) {
        this.registry = registry;
        this.executor = executor;
    }

    public ModelRegistry registry() {
        return registry;
    }

    /** Forward passes run so far on this node. */
    public long calls() {
        return calls.sum();
    }

    /** Texts encoded so far on this node. */
    public long items() {
        return items.sum();
    }

    /** Encodes {@code texts} with one forward pass of {@code modelId}, then calls {@code listener} on an inference thread. */
    public void encodeText(
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
            executor.execute(() -> {
                TextEmbeddings embeddings;
                calls.increment();
                items.add(texts.size());
                try {
                    embeddings = model.encode(texts, purpose, withTokenVectors);
                } catch (RuntimeException e) {
                    listener.onFailure(e);
                    return;
                }
                listener.onResponse(embeddings);
            });
        } catch (RuntimeException rejected) {
            listener.onFailure(rejected);
        }
    }
}
