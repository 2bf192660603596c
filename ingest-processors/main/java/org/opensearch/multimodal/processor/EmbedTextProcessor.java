package org.opensearch.multimodal.processor;

import org.opensearch.core.action.ActionListener;
import org.opensearch.ingest.AbstractBatchingProcessor;
import org.opensearch.ingest.IngestDocument;
import org.opensearch.ingest.IngestDocumentWrapper;
import org.opensearch.multimodal.inference.InferenceService;
import org.opensearch.multimodal.model.EncodingPurpose;
import org.opensearch.multimodal.model.TextEmbeddings;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * {@code embed_text}: writes a dense vector (and optionally token vectors) for each mapped text field.
 * A bulk's texts are sorted by length and cut into batches of {@code batch_size}, one ONNX call each, so batches
 * carry little padding; a batch's tensors live only while it runs. A document with a bad field fails alone.
 */
public final class EmbedTextProcessor extends AbstractBatchingProcessor {

    public static final String TYPE = "embed_text";

    private final String modelId;
    private final Map<String, String> fieldMap;
    private final Map<String, String> tokenFieldMap;
    private final boolean ignoreMissing;
    private final InferenceService inference;

    EmbedTextProcessor(
        String tag,
        String description,
        int batchSize,
        String modelId,
        Map<String, String> fieldMap,
        Map<String, String> tokenFieldMap,
        boolean ignoreMissing,
        InferenceService inference
    ) {
        super(tag, description, batchSize);
        this.modelId = modelId;
        this.fieldMap = fieldMap;
        this.tokenFieldMap = tokenFieldMap;
        this.ignoreMissing = ignoreMissing;
        this.inference = inference;
    }

    @Override
    public String getType() {
        return TYPE;
    }

    @Override
    public void batchExecute(List<IngestDocumentWrapper> documents, Consumer<List<IngestDocumentWrapper>> handler) {
        List<TextInput> inputs = collectInputs(documents);
        if (inputs.isEmpty()) {
            handler.accept(documents);
            return;
        }
        inputs.sort(Comparator.comparingInt(input -> input.text().length()));
        List<List<TextInput>> batches = new ArrayList<>();
        for (int start = 0; start < inputs.size(); start += batchSize) {
            batches.add(inputs.subList(start, Math.min(start + batchSize, inputs.size())));
        }
        AtomicInteger pending = new AtomicInteger(batches.size());
        for (List<TextInput> batch : batches) {
            embed(batch, () -> {
                if (pending.decrementAndGet() == 0) {
                    handler.accept(documents);
                }
            });
        }
    }

    @Override
    protected void subBatchExecute(List<IngestDocumentWrapper> documents, Consumer<List<IngestDocumentWrapper>> handler) {
        batchExecute(documents, handler);
    }

    @Override
    public void execute(IngestDocument document, BiConsumer<IngestDocument, Exception> handler) {
        IngestDocumentWrapper wrapper = new IngestDocumentWrapper(0, 0, document, null);
        batchExecute(List.of(wrapper), results -> handler.accept(wrapper.getException() == null ? document : null, wrapper.getException()));
    }

    @Override
    public IngestDocument execute(IngestDocument document) throws Exception {
        CompletableFuture<IngestDocument> result = new CompletableFuture<>();
        execute(document, (doc, e) -> {
            if (e != null) {
                result.completeExceptionally(e);
            } else {
                result.complete(doc);
            }
        });
        try {
            return result.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** Reads every mapped field of every document; a document with a bad field is failed here and contributes nothing. */
    private List<TextInput> collectInputs(List<IngestDocumentWrapper> documents) {
        Set<String> sourceFields = new LinkedHashSet<>(fieldMap.keySet());
        sourceFields.addAll(tokenFieldMap.keySet());
        List<TextInput> inputs = new ArrayList<>();
        for (IngestDocumentWrapper document : documents) {
            if (document.getException() != null || document.getIngestDocument() == null) {
                continue;
            }
            List<TextInput> ofDocument = new ArrayList<>();
            try {
                for (String field : sourceFields) {
                    String text = TextFieldReader.read(document.getIngestDocument(), field, ignoreMissing, TYPE);
                    if (text != null) {
                        ofDocument.add(new TextInput(document, field, text, fieldMap.get(field), tokenFieldMap.get(field)));
                    }
                }
            } catch (IllegalArgumentException e) {
                document.update(document.getIngestDocument(), e);
                continue;
            }
            inputs.addAll(ofDocument);
        }
        return inputs;
    }

    private void embed(List<TextInput> batch, Runnable done) {
        boolean withTokens = batch.stream().anyMatch(TextInput::wantsTokenVectors);
        List<String> texts = batch.stream().map(TextInput::text).toList();
        inference.encodeText(modelId, texts, EncodingPurpose.DOCUMENT, withTokens, ActionListener.wrap(embeddings -> {
            write(batch, embeddings);
            done.run();
        }, e -> {
            for (TextInput input : batch) {
                fail(input.document(), e);
            }
            done.run();
        }));
    }

    private static void write(List<TextInput> batch, TextEmbeddings embeddings) {
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
                    document.setFieldValue(input.tokenField(), FloatListView.ofRows(embeddings.tokenVectors()[i]));
                }
            }
        }
    }

    private static void fail(IngestDocumentWrapper wrapper, Exception e) {
        synchronized (wrapper) {
            if (wrapper.getException() == null) {
                wrapper.update(wrapper.getIngestDocument(), e);
            }
        }
    }
}
