package org.opensearch.multimodal.processor;

import org.opensearch.OpenSearchStatusException;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.ingest.IngestDocument;
import org.opensearch.ingest.IngestDocumentWrapper;
import org.opensearch.multimodal.chunking.Chunk;
import org.opensearch.multimodal.chunking.ChunkingOptions;
import org.opensearch.multimodal.chunking.Chunks;
import org.opensearch.multimodal.inference.Batches;
import org.opensearch.multimodal.inference.InferenceService;
import org.opensearch.multimodal.inference.Workload;
import org.opensearch.multimodal.mapper.ChunkedVectors;
import org.opensearch.multimodal.mapper.DenseVectorFieldMapper;
import org.opensearch.multimodal.memory.TokenVectorBudget;
import org.opensearch.multimodal.model.EncodingPurpose;
import org.opensearch.multimodal.model.TextEmbeddings;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@code embed_text}: writes a dense vector (and optionally token vectors) for each mapped text field.
 * With {@code chunking}, each text is first cut into passages ({@link ChunkingOptions}); an array of strings is taken as
 * passages the client cut. A bulk's passages are sorted by length and cut into batches of {@code batch_size}, one ONNX
 * call each, so batches carry little padding; a batch's tensors live only while it runs. A document with a bad field
 * fails alone, and so does one whose token vectors do not fit in the request's {@link TokenVectorBudget} (a 429: retry
 * it in a smaller bulk).
 */
public final class EmbedTextProcessor extends EmbeddingProcessor {

    public static final String TYPE = "embed_text";
    /** What a chunked field filled by a processor without {@code chunking} records: each text one passage, cut. */
    static final String NO_CHUNKING = "none";

    private final FieldMaps fields;
    private final String modelId;
    /** Null: a text is one passage, cut at the model's window (and counted). */
    private final ChunkingOptions chunking;
    private final InferenceService inference;
    private final Supplier<TokenVectorBudget> tokenVectorBudgets;

    EmbedTextProcessor(
        String tag,
        String description,
        int batchSize,
        FieldMaps fields,
        ChunkingOptions chunking,
        InferenceService inference,
        Supplier<TokenVectorBudget> tokenVectorBudgets,
        FieldModelGuard guard
    ) {
        super(tag, description, batchSize, inference.stats(), guard);
        this.fields = fields;
        this.modelId = fields.modelId();
        this.chunking = chunking;
        this.inference = inference;
        this.tokenVectorBudgets = tokenVectorBudgets;
    }

    @Override
    public String getType() {
        return TYPE;
    }

    /** The chunking it applies; null when it has none. */
    public ChunkingOptions chunking() {
        return chunking;
    }

    @Override
    protected void embedBatch(List<IngestDocumentWrapper> documents, Consumer<List<IngestDocumentWrapper>> handler) {
        String passages = chunking == null ? NO_CHUNKING : chunking.describe();
        checkFieldModels(documents, fields.targetFields(), modelId, passages, inference, () -> embedChecked(documents, handler));
    }

    private void embedChecked(List<IngestDocumentWrapper> documents, Consumer<List<IngestDocumentWrapper>> handler) {
        List<TextInput> read = readFields(
            documents,
            fields.sourceFields(),
            fields.ignoreMissing(),
            TYPE,
            TextFieldReader::readPassages,
            (document, field, passages) -> new TextInput(document, field, passages, fields.vectorField(field), fields.tokenField(field))
        );
        List<TextInput> inputs = read.stream().filter(input -> unchanged(input) == false).toList();
        List<TextInput> toCut = chunking == null ? List.of() : inputs.stream().filter(input -> input.text() != null).toList();
        if (toCut.isEmpty()) {
            embedPassages(documents, inputs, Map.of(), handler);
            return;
        }
        List<String> texts = toCut.stream().map(TextInput::text).toList();
        inference.chunkTexts(Workload.INDEX, modelId, texts, chunking, ActionListener.wrap(chunks -> {
            Map<TextInput, Chunks> cut = new IdentityHashMap<>();
            for (int i = 0; i < toCut.size(); i++) {
                cut.put(toCut.get(i), chunks.get(i));
            }
            embedPassages(documents, inputs, cut, handler);
        }, e -> {
            for (TextInput input : toCut) {
                failField(input.document(), TYPE, input.sourceField(), e);
            }
            embedPassages(documents, inputs, Map.of(), handler);
        }));
    }

    /**
     * Whether the document already holds this text's vectors: its chunked field's value was embedded from the same
     * text, model and chunking (an {@code _update} of other fields, or a document read back and sent again), and the
     * token field is there if the processor fills one.
     */
    private boolean unchanged(TextInput input) {
        if (input.vectorField() == null) {
            return false;
        }
        IngestDocument document = input.document().getIngestDocument();
        Object value = document.hasField(input.vectorField(), true) ? document.getFieldValue(input.vectorField(), Object.class, true)
            : null;
        return value instanceof Map<?, ?> chunked
            && textHash(input).equals(chunked.get(ChunkedVectors.TEXT_HASH))
            && (input.tokenField() == null || document.hasField(input.tokenField(), true));
    }

    private String textHash(TextInput input) {
        String fingerprint = inference.registry().fingerprint(modelId).orElse("");
        return PassageVectors.textHash(input.passages(), fingerprint, chunking == null ? NO_CHUNKING : chunking.describe());
    }

    /** Encodes every passage of the inputs still alive ({@code cut}: the chunker's passages of texts it cut). */
    private void embedPassages(
        List<IngestDocumentWrapper> documents,
        List<TextInput> inputs,
        Map<TextInput, Chunks> cut,
        Consumer<List<IngestDocumentWrapper>> handler
    ) {
        List<Passage> passages = new ArrayList<>();
        for (TextInput input : inputs) {
            List<Chunk> chunks = chunksOf(input, cut.get(input));
            if (chunks != null) {
                PassageVectors vectors = new PassageVectors(input, chunks);
                for (int i = 0; i < chunks.size(); i++) {
                    passages.add(new Passage(vectors, i, vectors.passage(i)));
                }
            }
        }
        if (passages.isEmpty()) {
            handler.accept(documents);
            return;
        }
        passages.sort(Comparator.comparingInt(passage -> passage.text().length()));
        List<List<Passage>> batches = Batches.of(passages, batchSize);
        AtomicInteger pending = new AtomicInteger(batches.size());
        TokenVectorBudget budget = tokenVectorBudgets.get();
        for (List<Passage> batch : batches) {
            embed(batch, budget, () -> {
                if (pending.decrementAndGet() == 0) {
                    // the documents, and the token vectors they hold, are OpenSearch's from here on
                    budget.release();
                    handler.accept(documents);
                }
            });
        }
    }

    /**
     * The passages of an input whose document is still alive: as the chunker cut it, the array's passages, or the whole
     * text; null when the document failed (now or before), with the reason naming the field.
     */
    private List<Chunk> chunksOf(TextInput input, Chunks cut) {
        IngestDocumentWrapper wrapper = input.document();
        if (wrapper.getException() != null) {
            return null;
        }
        List<Chunk> chunks;
        if (cut != null) {
            if (cut.chunks().isEmpty()) {
                return failed(input, "the text has no tokens for model [" + modelId + "]");
            }
            if (cut.cut()) {
                if (chunking.failPastMaxChunks()) {
                    return failed(
                        input,
                        String.format(
                            Locale.ROOT,
                            "the text has more than [chunking.max_chunks] [%d] passages and [chunking.on_max_chunks] is [fail]",
                            chunking.maxChunks()
                        )
                    );
                }
                inference.stats().textCutAtMaxChunks(TYPE, input.sourceField());
            }
            chunks = cut.chunks();
        } else {
            List<String> texts = input.passages().texts();
            chunks = new ArrayList<>(texts.size());
            for (int i = 0; i < texts.size(); i++) {
                if (texts.get(i) != null) {
                    chunks.add(new Chunk(i, 0, texts.get(i).length()));
                }
            }
            if (chunking != null && chunks.size() > chunking.maxChunks()) {
                return failed(
                    input,
                    String.format(Locale.ROOT, "[%d] passages, more than [chunking.max_chunks] [%d]", chunks.size(), chunking.maxChunks())
                );
            }
        }
        if (chunks.size() > 1 && input.vectorField() != null
            && chunked(input.document().getIngestDocument(), input.vectorField()) == false) {
            return failed(
                input,
                String.format(
                    Locale.ROOT,
                    "[%d] passages for [%s], which holds one vector per document; map it with [\"%s\": true]",
                    chunks.size(),
                    input.vectorField(),
                    DenseVectorFieldMapper.CHUNKED
                )
            );
        }
        return chunks;
    }

    private List<Chunk> failed(TextInput input, String reason) {
        fail(
            input.document(),
            new OpenSearchStatusException(
                String.format(Locale.ROOT, "[%s] field [%s]: %s", TYPE, input.sourceField(), reason),
                RestStatus.BAD_REQUEST
            )
        );
        return null;
    }

    /** Whether {@code field} is mapped as a dense_vector with {@code "chunked": true}. */
    private boolean chunked(IngestDocument document, String field) {
        Map<String, Object> definition = mappedDefinition(document, field);
        return definition != null
            && DenseVectorFieldMapper.CONTENT_TYPE.equals(definition.get("type"))
            && Boolean.TRUE.equals(definition.get(DenseVectorFieldMapper.CHUNKED));
    }

    /** One passage to encode: whose, which, and its text. */
    private record Passage(PassageVectors owner, int index, String text) {
    }

    private void embed(List<Passage> batch, TokenVectorBudget budget, Runnable done) {
        boolean withTokens = batch.stream().anyMatch(passage -> passage.owner().input().wantsTokenVectors());
        List<String> texts = batch.stream().map(Passage::text).toList();
        inference.encodeText(Workload.INDEX, modelId, texts, EncodingPurpose.DOCUMENT, withTokens, ActionListener.wrap(embeddings -> {
            collect(batch, embeddings, budget);
            done.run();
        }, e -> {
            for (Passage passage : batch) {
                fail(passage.owner().input().document(), e);
            }
            done.run();
        }));
    }

    private void collect(List<Passage> batch, TextEmbeddings embeddings, TokenVectorBudget budget) {
        for (int i = 0; i < batch.size(); i++) {
            Passage passage = batch.get(i);
            PassageVectors owner = passage.owner();
            TextInput input = owner.input();
            float[][] pooled = null;
            if (input.wantsTokenVectors()) {
                IngestDocumentWrapper wrapper = input.document();
                synchronized (wrapper) {
                    pooled = tokenFormat(wrapper.getIngestDocument(), input.tokenField()).normalizedPooled(embeddings.tokenVectors()[i]);
                    // held until the text's last passage is in, then packed (and charged again as packed)
                    long held = (long) pooled.length * (pooled.length == 0 ? 0 : pooled[0].length) * Float.BYTES;
                    if (wrapper.getException() == null && owner.chunks().size() > 1) {
                        reserveTokenVectors(wrapper, input.sourceField(), held, budget);
                    }
                }
            }
            if (owner.done(passage.index(), embeddings.vectors()[i], pooled, embeddings.truncated()[i])) {
                write(owner, budget);
            }
        }
    }

    private void write(PassageVectors vectors, TokenVectorBudget budget) {
        TextInput input = vectors.input();
        IngestDocumentWrapper wrapper = input.document();
        // one document's fields may be in different batches that finish on different threads
        synchronized (wrapper) {
            if (wrapper.getException() != null) {
                return;
            }
            if (vectors.truncated()) {
                inference.stats().textTruncated(TYPE, input.sourceField());
            }
            IngestDocument document = wrapper.getIngestDocument();
            if (input.vectorField() != null) {
                if (chunked(document, input.vectorField())) {
                    document.setFieldValue(input.vectorField(), vectors.chunkedValue(textHash(input)));
                } else {
                    document.setFieldValue(input.vectorField(), new FloatListView(vectors.onlyVector()));
                }
            }
            if (input.tokenField() != null) {
                byte[] packed = tokenFormat(document, input.tokenField()).handOffPooled(vectors.pooledTokens());
                keepPackedTokenVectors(wrapper, input.sourceField(), input.tokenField(), packed, budget);
            }
        }
    }
}
