package org.opensearch.multimodal.processor;

import org.opensearch.ingest.IngestDocument;
import org.opensearch.ingest.IngestDocumentWrapper;
import org.opensearch.multimodal.image.ImageInputs;
import org.opensearch.multimodal.inference.ImageEmbedder;
import org.opensearch.multimodal.inference.InferenceService;
import org.opensearch.multimodal.inference.Workload;
import org.opensearch.multimodal.memory.TokenVectorBudget;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@code embed_image}: writes an image vector (and optionally patch vectors) for each mapped image field. A field
 * holds base64, a {@code data:} URI, an http(s) URL or a file path, read within the node's image limits and address
 * rules; downloads run concurrently (bounded by the node) without holding ingest threads. Images are decoded and
 * encoded in batches of {@code batch_size} on the inference pool, at most two batches of a request loaded at once. A
 * document with a bad image fails alone, with the image problem's 4xx and a reason naming the field.
 */
public final class EmbedImageProcessor extends EmbeddingProcessor {

    public static final String TYPE = "embed_image";

    private final FieldMaps fields;
    private final InferenceService inference;
    private final ImageEmbedder embedder;
    private final Supplier<TokenVectorBudget> tokenVectorBudgets;

    EmbedImageProcessor(
        String tag,
        String description,
        int batchSize,
        FieldMaps fields,
        InferenceService inference,
        ImageInputs images,
        Supplier<TokenVectorBudget> tokenVectorBudgets,
        FieldModelGuard guard
    ) {
        super(tag, description, batchSize, inference.stats(), guard);
        this.fields = fields;
        this.inference = inference;
        this.embedder = new ImageEmbedder(inference, images);
        this.tokenVectorBudgets = tokenVectorBudgets;
    }

    @Override
    public String getType() {
        return TYPE;
    }

    @Override
    protected void embedBatch(List<IngestDocumentWrapper> documents, Consumer<List<IngestDocumentWrapper>> handler) {
        checkFieldModels(documents, fields.targetFields(), fields.modelId(), inference, () -> embedChecked(documents, handler));
    }

    private void embedChecked(List<IngestDocumentWrapper> documents, Consumer<List<IngestDocumentWrapper>> handler) {
        List<ImageFieldInput> inputs = readFields(
            documents,
            fields.sourceFields(),
            fields.ignoreMissing(),
            TYPE,
            (document, field, value) -> new ImageFieldInput(document, field, value, fields.vectorField(field), fields.tokenField(field))
        );
        if (inputs.isEmpty()) {
            handler.accept(documents);
            return;
        }
        boolean withPatches = inputs.stream().anyMatch(input -> input.patchField() != null);
        List<String> values = inputs.stream().map(ImageFieldInput::value).toList();
        TokenVectorBudget budget = tokenVectorBudgets.get();
        embedder
            .embed(
                Workload.INDEX,
                fields.modelId(),
                values,
                batchSize,
                withPatches,
                ImageEmbedder.RUNS_TO_THE_END,
                (i, outcome) -> write(inputs.get(i), outcome, budget),
                () -> {
                    // the documents, and the patch vectors they hold, are OpenSearch's from here on
                    budget.release();
                    handler.accept(documents);
                }
            );
    }

    private void write(ImageFieldInput input, ImageEmbedder.Outcome outcome, TokenVectorBudget budget) {
        if (outcome.failed()) {
            fail(input, outcome.failure());
            return;
        }
        IngestDocumentWrapper wrapper = input.document();
        // one document's fields may be in different batches that finish on different threads
        synchronized (wrapper) {
            if (wrapper.getException() != null) {
                return;
            }
            IngestDocument document = wrapper.getIngestDocument();
            if (input.vectorField() != null) {
                document.setFieldValue(input.vectorField(), new FloatListView(outcome.vector()));
            }
            if (input.patchField() != null) {
                keepTokenVectors(wrapper, input.sourceField(), input.patchField(), outcome.patchVectors(), budget);
            }
        }
    }

    private static void fail(ImageFieldInput input, Throwable cause) {
        failField(input.document(), TYPE, input.sourceField(), cause);
    }
}
