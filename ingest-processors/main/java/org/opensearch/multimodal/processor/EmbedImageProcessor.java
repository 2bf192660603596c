package org.opensearch.multimodal.processor;

import org.opensearch.core.action.ActionListener;
import org.opensearch.ingest.IngestDocument;
import org.opensearch.ingest.IngestDocumentWrapper;
import org.opensearch.multimodal.image.ImageInputs;
import org.opensearch.multimodal.inference.ImageBatch;
import org.opensearch.multimodal.inference.InferenceService;
import org.opensearch.multimodal.inference.Workload;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * {@code embed_image}: writes an image vector (and optionally patch vectors) for each mapped image field. A field
 * holds base64, a {@code data:} URI, an http(s) URL or a file path, read within the node's image limits and address
 * rules; downloads run concurrently (bounded by the node) without holding ingest threads. Images are decoded and
 * encoded in batches of {@code batch_size} on the inference pool, at most two batches of a request loaded at once. A
 * document with a bad image fails alone, with the image problem's 4xx and a reason naming the field.
 */
public final class EmbedImageProcessor extends EmbeddingProcessor {

    public static final String TYPE = "embed_image";

    private final String modelId;
    private final Map<String, String> fieldMap;
    private final Map<String, String> patchFieldMap;
    private final boolean ignoreMissing;
    private final InferenceService inference;
    private final ImageInputs images;

    EmbedImageProcessor(
        String tag,
        String description,
        int batchSize,
        String modelId,
        Map<String, String> fieldMap,
        Map<String, String> patchFieldMap,
        boolean ignoreMissing,
        InferenceService inference,
        ImageInputs images
    ) {
        super(tag, description, batchSize, inference.stats());
        this.modelId = modelId;
        this.fieldMap = fieldMap;
        this.patchFieldMap = patchFieldMap;
        this.ignoreMissing = ignoreMissing;
        this.inference = inference;
        this.images = images;
    }

    @Override
    public String getType() {
        return TYPE;
    }

    @Override
    protected void embedBatch(List<IngestDocumentWrapper> documents, Consumer<List<IngestDocumentWrapper>> handler) {
        Set<String> sourceFields = new LinkedHashSet<>(fieldMap.keySet());
        sourceFields.addAll(patchFieldMap.keySet());
        List<ImageFieldInput> inputs = readFields(
            documents,
            sourceFields,
            ignoreMissing,
            TYPE,
            (document, field, value) -> new ImageFieldInput(document, field, value, fieldMap.get(field), patchFieldMap.get(field))
        );
        if (inputs.isEmpty()) {
            handler.accept(documents);
            return;
        }
        List<List<ImageFieldInput>> batches = new ArrayList<>();
        for (int start = 0; start < inputs.size(); start += batchSize) {
            batches.add(inputs.subList(start, Math.min(start + batchSize, inputs.size())));
        }
        BatchWindow.run(batches, this::loadAndEmbed, () -> handler.accept(documents));
    }

    /** Loads one batch's images (downloads at once, bounded by the node), encodes those that arrived, then {@code done}. */
    private void loadAndEmbed(List<ImageFieldInput> batch, Runnable done) {
        List<CompletableFuture<byte[]>> loads = new ArrayList<>(batch.size());
        for (ImageFieldInput input : batch) {
            loads.add(images.load(input.value()));
        }
        CompletableFuture.allOf(loads.toArray(CompletableFuture[]::new)).whenComplete((ignored, failure) -> {
            List<ImageFieldInput> loaded = new ArrayList<>();
            List<byte[]> bytes = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                try {
                    bytes.add(loads.get(i).join());
                    loaded.add(batch.get(i));
                } catch (CompletionException e) {
                    fail(batch.get(i), e.getCause() == null ? e : e.getCause());
                }
            }
            if (loaded.isEmpty()) {
                done.run();
                return;
            }
            boolean withPatches = loaded.stream().anyMatch(input -> input.patchField() != null);
            inference.encodeImages(Workload.INDEX, modelId, bytes, images::decode, withPatches, ActionListener.wrap(result -> {
                write(loaded, result);
                done.run();
            }, e -> {
                loaded.forEach(input -> fail(input, e));
                done.run();
            }));
        });
    }

    private static void write(List<ImageFieldInput> batch, ImageBatch result) {
        for (int i = 0; i < batch.size(); i++) {
            ImageFieldInput input = batch.get(i);
            if (result.failed(i)) {
                fail(input, result.failures()[i]);
                continue;
            }
            IngestDocumentWrapper wrapper = input.document();
            // one document's fields may be in different batches that finish on different threads
            synchronized (wrapper) {
                if (wrapper.getException() != null) {
                    continue;
                }
                IngestDocument document = wrapper.getIngestDocument();
                if (input.vectorField() != null) {
                    document.setFieldValue(input.vectorField(), new FloatListView(result.vectors()[i]));
                }
                if (input.patchField() != null) {
                    document.setFieldValue(input.patchField(), FloatListView.ofRows(result.patchVectors()[i]));
                }
            }
        }
    }

    private static void fail(ImageFieldInput input, Throwable cause) {
        failField(input.document(), TYPE, input.sourceField(), cause);
    }
}
