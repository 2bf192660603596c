package org.opensearch.multimodal.processor;

import org.opensearch.core.action.ActionListener;
import org.opensearch.ingest.IngestDocument;
import org.opensearch.ingest.IngestDocumentWrapper;
import org.opensearch.multimodal.inference.Batches;
import org.opensearch.multimodal.inference.InferenceService;
import org.opensearch.multimodal.inference.TokenVectorBudget;
import org.opensearch.multimodal.inference.Workload;
import org.opensearch.multimodal.model.EncodingPurpose;
import org.opensearch.multimodal.model.TextEmbeddings;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@code embed_text}: writes a dense vector (and optionally token vectors) for each mapped text field.
 * A bulk's texts are sorted by length and cut into batches of {@code batch_size}, one ONNX call each, so batches
 * carry little padding; a batch's tensors live only while it runs. A document with a bad field fails alone, and so does
 * one whose token vectors do not fit in the request's {@link TokenVectorBudget} (a 429: retry it in a smaller bulk).
 */
public final class EmbedTextProcessor extends EmbeddingProcessor {

    public static final String TYPE = "embed_text";

    private final String modelId;
    private final Map<String, String> fieldMap;
    private final Map<String, String> tokenFieldMap;
    private final boolean ignoreMissing;
    private final InferenceService inference;
    private final Supplier<TokenVectorBudget> tokenVectorBudgets;

    EmbedTextProcessor(
        String tag,
        String description,
        int batchSize,
        String modelId,
        Map<String, String> fieldMap,
        Map<String, String> tokenFieldMap,
        boolean ignoreMissing,
        InferenceService inference,
        Supplier<TokenVectorBudget> tokenVectorBudgets,
        FieldModelGuard guard
    ) {
        super(tag, description, batchSize, inference.stats(), guard);
        this.modelId = modelId;
        this.fieldMap = fieldMap;
        this.tokenFieldMap = tokenFieldMap;
        this.ignoreMissing = ignoreMissing;
        this.inference = inference;
        this.tokenVectorBudgets = tokenVectorBudgets;
    }

    @Override
    public String getType() {
        return TYPE;
    }

    @Override
    protected void embedBatch(List<IngestDocumentWrapper> documents, Consumer<List<IngestDocumentWrapper>> handler) {
        Set<String> targetFields = new LinkedHashSet<>(fieldMap.values());
        targetFields.addAll(tokenFieldMap.values());
        checkFieldModels(documents, targetFields, modelId, inference, () -> embedChecked(documents, handler));
    }

    private void embedChecked(List<IngestDocumentWrapper> documents, Consumer<List<IngestDocumentWrapper>> handler) {
        Set<String> sourceFields = new LinkedHashSet<>(fieldMap.keySet());
        sourceFields.addAll(tokenFieldMap.keySet());
        List<TextInput> inputs = readFields(
            documents,
            sourceFields,
            ignoreMissing,
            TYPE,
            (document, field, text) -> new TextInput(document, field, text, fieldMap.get(field), tokenFieldMap.get(field))
        );
        if (inputs.isEmpty()) {
            handler.accept(documents);
            return;
        }
        inputs.sort(Comparator.comparingInt(input -> input.text().length()));
        List<List<TextInput>> batches = Batches.of(inputs, batchSize);
        AtomicInteger pending = new AtomicInteger(batches.size());
        TokenVectorBudget budget = tokenVectorBudgets.get();
        for (List<TextInput> batch : batches) {
            embed(batch, budget, () -> {
                if (pending.decrementAndGet() == 0) {
                    // the documents, and the token vectors they hold, are OpenSearch's from here on
                    budget.release();
                    handler.accept(documents);
                }
            });
        }
    }

    private void embed(List<TextInput> batch, TokenVectorBudget budget, Runnable done) {
        boolean withTokens = batch.stream().anyMatch(TextInput::wantsTokenVectors);
        List<String> texts = batch.stream().map(TextInput::text).toList();
        inference.encodeText(Workload.INDEX, modelId, texts, EncodingPurpose.DOCUMENT, withTokens, ActionListener.wrap(embeddings -> {
            write(batch, embeddings, budget);
            done.run();
        }, e -> {
            for (TextInput input : batch) {
                fail(input.document(), e);
            }
            done.run();
        }));
    }

    private void write(List<TextInput> batch, TextEmbeddings embeddings, TokenVectorBudget budget) {
        for (int i = 0; i < batch.size(); i++) {
            TextInput input = batch.get(i);
            IngestDocumentWrapper wrapper = input.document();
            // one document's fields may be in different batches that finish on different threads
            synchronized (wrapper) {
                if (wrapper.getException() != null) {
                    continue;
                }
                IngestDocument document = wrapper.getIngestDocument();
                if (input.vectorField() != null) {
                    document.setFieldValue(input.vectorField(), new FloatListView(embeddings.vectors()[i]));
                }
                if (input.tokenField() != null) {
                    keepTokenVectors(wrapper, input.sourceField(), input.tokenField(), embeddings.tokenVectors()[i], budget);
                }
            }
        }
    }
}
