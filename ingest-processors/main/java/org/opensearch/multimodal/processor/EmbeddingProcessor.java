package org.opensearch.multimodal.processor;

import org.opensearch.ExceptionsHelper;
import org.opensearch.OpenSearchException;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.ingest.AbstractBatchingProcessor;
import org.opensearch.ingest.IngestDocument;
import org.opensearch.ingest.IngestDocumentWrapper;
import org.opensearch.multimodal.inference.InferenceService;
import org.opensearch.multimodal.mapper.MultiVectorFieldMapper;
import org.opensearch.multimodal.mapper.MultiVectorFormat;
import org.opensearch.multimodal.memory.TokenVectorBudget;
import org.opensearch.multimodal.stats.MultimodalStats;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * What the embedding processors share: a whole bulk goes through {@link #batchExecute} at once (the processor cuts its
 * own batches), a single document is a bulk of one, and a document fails once, with the first error it meets.
 */
abstract class EmbeddingProcessor extends AbstractBatchingProcessor {

    /** Builds one input of a processor from a document, a source field and the field's value. */
    @FunctionalInterface
    interface InputFactory<V, T> {

        T create(IngestDocumentWrapper document, String field, V value);
    }

    /** Reads one source field: its value, or null when there is nothing to embed; an error naming the field otherwise. */
    @FunctionalInterface
    interface FieldReader<V> {

        V read(IngestDocument document, String field, boolean ignoreMissing, String processorType);
    }

    private final MultimodalStats stats;
    /** Null only where no cluster is there to check (processors built in unit tests). */
    private final FieldModelGuard guard;

    EmbeddingProcessor(String tag, String description, int batchSize, MultimodalStats stats, FieldModelGuard guard) {
        super(tag, description, batchSize);
        this.stats = stats;
        this.guard = guard;
    }

    /**
     * Sets {@code tokenField} of the document to its token vectors as a {@code multi_vector} field takes them from a
     * processor: base64 of the packed form, normalized, pooled and encoded as the field of the document's index stores
     * them (float32 where the field is not mapped yet), so no token vector travels as JSON numbers. Those bytes are
     * what the document holds until it is indexed: they are reserved in the request's {@code budget} (the node's
     * {@code multimodal} breaker) first, and a document whose bytes do not fit fails alone with a 429 naming
     * {@code sourceField} and the breaker or the per-request setting. Call with the document's wrapper held.
     */
    protected final void keepTokenVectors(
        IngestDocumentWrapper wrapper,
        String sourceField,
        String tokenField,
        float[][] tokens,
        TokenVectorBudget budget
    ) {
        byte[] packed = tokenFormat(wrapper.getIngestDocument(), tokenField).handOff(tokens);
        keepPackedTokenVectors(wrapper, sourceField, tokenField, packed, budget);
    }

    /** The format {@code tokenField} of the document's index stores token vectors in (float32 where it is not mapped). */
    protected final MultiVectorFormat tokenFormat(IngestDocument document, String tokenField) {
        Map<String, Object> definition = guard == null ? null : guard.mappings().definition(document, tokenField);
        return definition != null && MultiVectorFieldMapper.CONTENT_TYPE.equals(definition.get("type"))
            ? MultiVectorFormat.of(definition)
            : MultiVectorFormat.DEFAULT;
    }

    /** The mapping definition of {@code field} in the document's index; null where it is not mapped (or no cluster). */
    protected final Map<String, Object> mappedDefinition(IngestDocument document, String field) {
        return guard == null ? null : guard.mappings().definition(document, field);
    }

    /**
     * Reserves {@code bytes} of token vectors the document holds before they are packed (a long text's pooled passages,
     * until its last passage is in); false, the document failed with a 429 naming {@code sourceField}, when they do not
     * fit. Call with the document's wrapper held.
     */
    protected final boolean reserveTokenVectors(IngestDocumentWrapper wrapper, String sourceField, long bytes, TokenVectorBudget budget) {
        try {
            budget.reserve(bytes);
            return true;
        } catch (OpenSearchException e) {
            fail(wrapper, tooManyTokenVectors(sourceField, e));
            return false;
        }
    }

    /** {@link #keepTokenVectors} for bytes already packed in the field's format. */
    protected final void keepPackedTokenVectors(
        IngestDocumentWrapper wrapper,
        String sourceField,
        String tokenField,
        byte[] packedBytes,
        TokenVectorBudget budget
    ) {
        IngestDocument document = wrapper.getIngestDocument();
        String packed = Base64.getEncoder().encodeToString(packedBytes);
        try {
            budget.reserve(packed.length()); // one byte a base64 character
        } catch (OpenSearchException e) {
            wrapper.update(document, tooManyTokenVectors(sourceField, e));
            return;
        }
        document.setFieldValue(tokenField, packed);
    }

    /**
     * A 429: the document is fine, but this node cannot hold its token vectors now, beside the request's others (the
     * per-request cap) or beside every request's (the {@code multimodal} circuit breaker).
     */
    private OpenSearchStatusException tooManyTokenVectors(String field, OpenSearchException refusal) {
        return new OpenSearchStatusException(
            String.format(
                Locale.ROOT,
                "[%s] field [%s]: %s; send this document again later or in a smaller bulk request",
                getType(),
                field,
                refusal.getMessage()
            ),
            RestStatus.TOO_MANY_REQUESTS,
            refusal
        );
    }

    /**
     * Fails the documents whose target fields were filled by another model, or other files of {@code model}, records
     * {@code model} in fields that name none, then runs {@code next} ({@link FieldModelGuard}).
     */
    protected final void checkFieldModels(
        List<IngestDocumentWrapper> documents,
        Collection<String> targetFields,
        String model,
        InferenceService inference,
        Runnable next
    ) {
        checkFieldModels(documents, targetFields, model, null, inference, next);
    }

    /**
     * {@link #checkFieldModels} for a text processor: a chunked dense_vector field must also have been filled with the
     * same {@code chunking} ({@link org.opensearch.multimodal.chunking.ChunkingOptions#describe}, or "none"), which is
     * recorded where the field names none.
     */
    protected final void checkFieldModels(
        List<IngestDocumentWrapper> documents,
        Collection<String> targetFields,
        String model,
        String chunking,
        InferenceService inference,
        Runnable next
    ) {
        if (guard == null) {
            next.run();
            return;
        }
        String fingerprint = inference.registry().fingerprint(model).orElseThrow();
        guard.check(getType(), documents, targetFields, new FieldModelGuard.Filler(model, fingerprint, chunking), next);
    }

    /** Embeds a whole bulk's documents, cutting them into its own batches; fails documents one by one. */
    protected abstract void embedBatch(List<IngestDocumentWrapper> documents, Consumer<List<IngestDocumentWrapper>> handler);

    @Override
    public final void batchExecute(List<IngestDocumentWrapper> documents, Consumer<List<IngestDocumentWrapper>> handler) {
        embedBatch(documents, counted(documents, handler));
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

    /** Counts, once the batch is done, the documents it embedded and those it failed (by reason). */
    private Consumer<List<IngestDocumentWrapper>> counted(
        List<IngestDocumentWrapper> documents,
        Consumer<List<IngestDocumentWrapper>> handler
    ) {
        boolean[] aliveBefore = new boolean[documents.size()];
        for (int i = 0; i < aliveBefore.length; i++) {
            aliveBefore[i] = documents.get(i).getException() == null && documents.get(i).getIngestDocument() != null;
        }
        return results -> {
            int embedded = 0;
            for (int i = 0; i < aliveBefore.length; i++) {
                if (aliveBefore[i] == false) {
                    continue;
                }
                Exception failure = documents.get(i).getException();
                if (failure == null) {
                    embedded++;
                } else {
                    stats.documentFailed(getType(), failure);
                }
            }
            stats.documentsEmbedded(getType(), embedded);
            handler.accept(results);
        };
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

    /**
     * One input per non-empty string value of each of {@code fields} in each document still alive; a document with a
     * field of the wrong kind (or missing, unless {@code ignoreMissing}) is failed here and contributes nothing.
     */
    static <T> List<T> readFields(
        List<IngestDocumentWrapper> documents,
        Collection<String> fields,
        boolean ignoreMissing,
        String processorType,
        InputFactory<String, T> factory
    ) {
        return readFields(documents, fields, ignoreMissing, processorType, TextFieldReader::read, factory);
    }

    /** {@link #readFields} with the processor's own reading of a field's value. */
    static <V, T> List<T> readFields(
        List<IngestDocumentWrapper> documents,
        Collection<String> fields,
        boolean ignoreMissing,
        String processorType,
        FieldReader<V> reader,
        InputFactory<V, T> factory
    ) {
        List<T> inputs = new ArrayList<>();
        for (IngestDocumentWrapper document : documents) {
            if (document.getException() != null || document.getIngestDocument() == null) {
                continue;
            }
            List<T> ofDocument = new ArrayList<>();
            try {
                for (String field : fields) {
                    V value = reader.read(document.getIngestDocument(), field, ignoreMissing, processorType);
                    if (value != null) {
                        ofDocument.add(factory.create(document, field, value));
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

    /** Fails the document with {@code e} unless it already failed; batches of one document may end on several threads. */
    static void fail(IngestDocumentWrapper wrapper, Exception e) {
        synchronized (wrapper) {
            if (wrapper.getException() == null) {
                wrapper.update(wrapper.getIngestDocument(), e);
            }
        }
    }

    /** Fails the document with the cause's status and a reason that names the processor and the field. */
    static void failField(IngestDocumentWrapper wrapper, String processorType, String field, Throwable cause) {
        String reason = String.format(Locale.ROOT, "[%s] field [%s]: %s", processorType, field, cause.getMessage());
        fail(wrapper, new OpenSearchStatusException(reason, ExceptionsHelper.status(cause), cause));
    }
}
