package org.opensearch.multimodal.processor;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.ExceptionsHelper;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.admin.indices.mapping.put.PutMappingRequest;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.ingest.IngestDocumentWrapper;
import org.opensearch.multimodal.mapper.DenseVectorFieldMapper;
import org.opensearch.multimodal.mapper.FieldModel;
import org.opensearch.multimodal.mapper.MultiVectorFieldMapper;
import org.opensearch.transport.client.Client;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Vectors from different models never meet unnoticed in a field. Before a processor fills a vector field
 * ({@code dense_vector} or {@code multi_vector}), its model must be the one the field's mapping names and have the
 * fingerprint the field was first filled with; otherwise the document fails alone with a 400 naming both. A field whose
 * mapping names neither gets them recorded (a mapping update, as the node) when it is first filled, so later queries and
 * ingests are checked against it.
 */
public final class FieldModelGuard {

    private static final Logger logger = LogManager.getLogger(FieldModelGuard.class);

    private final TargetMappings mappings;
    private final Client client;
    private final ThreadContext threadContext;

    public FieldModelGuard(TargetMappings mappings, Client client, ThreadContext threadContext) {
        this.mappings = mappings;
        this.client = client;
        this.threadContext = threadContext;
    }

    /** The mappings it reads, which processors also consult for how a target field stores its vectors. */
    TargetMappings mappings() {
        return mappings;
    }

    /** What fills the fields: a model, its files' fingerprint, and for a text processor its chunking (else null). */
    record Filler(String model, String fingerprint, String chunking) {
    }

    /**
     * Checks {@code documents} (those still alive) against the mappings of {@code fields} in their indices, records
     * the filler's model and fingerprint (and on a chunked dense_vector field its chunking) where a field names none,
     * then runs {@code next}.
     */
    void check(String processor, List<IngestDocumentWrapper> documents, Collection<String> fields, Filler filler, Runnable next) {
        String model = filler.model();
        String fingerprint = filler.fingerprint();
        Map<String, Map<String, Map<String, Object>>> toRecord = new LinkedHashMap<>(); // index -> field -> its definition
        Map<String, List<IngestDocumentWrapper>> recordedFor = new LinkedHashMap<>();
        for (IngestDocumentWrapper wrapper : documents) {
            if (wrapper.getException() != null || wrapper.getIngestDocument() == null) {
                continue;
            }
            IndexMetadata index = mappings.index(wrapper.getIngestDocument());
            if (index == null) {
                continue; // the index does not exist yet: nothing to check, recorded on a later fill
            }
            for (String field : fields) {
                Map<String, Object> definition = mappings.definition(index, field);
                if (definition == null || isVectorField(definition) == false) {
                    continue;
                }
                String filledBy = (String) definition.get(FieldModel.MODEL);
                String recorded = (String) definition.get(FieldModel.FINGERPRINT);
                boolean recordsChunking = filler.chunking() != null && Boolean.TRUE.equals(definition.get(DenseVectorFieldMapper.CHUNKED));
                String chunkedWith = recordsChunking ? (String) definition.get(FieldModel.CHUNKING) : null;
                String problem = problem(index.getIndex().getName(), field, filledBy, recorded, model, fingerprint);
                if (problem == null && chunkedWith != null && chunkedWith.equals(filler.chunking()) == false) {
                    problem = String.format(
                        Locale.ROOT,
                        "field [%s] of index [%s] was filled with chunking [%s] (its mapping's [%s]); this pipeline cuts texts with [%s]",
                        field,
                        index.getIndex().getName(),
                        chunkedWith,
                        FieldModel.CHUNKING,
                        filler.chunking()
                    );
                }
                if (problem != null) {
                    EmbeddingProcessor
                        .fail(wrapper, new OpenSearchStatusException("[" + processor + "] " + problem, RestStatus.BAD_REQUEST));
                    break;
                }
                if (filledBy == null || recorded == null || recordsChunking && chunkedWith == null) {
                    Map<String, Object> completed = new LinkedHashMap<>(definition);
                    completed.put(FieldModel.MODEL, model);
                    completed.put(FieldModel.FINGERPRINT, fingerprint);
                    if (recordsChunking) {
                        completed.put(FieldModel.CHUNKING, filler.chunking());
                    }
                    toRecord.computeIfAbsent(index.getIndex().getName(), i -> new LinkedHashMap<>()).put(field, completed);
                    recordedFor.computeIfAbsent(index.getIndex().getName(), i -> new ArrayList<>()).add(wrapper);
                }
            }
        }
        if (toRecord.isEmpty()) {
            next.run();
            return;
        }
        AtomicInteger pending = new AtomicInteger(toRecord.size());
        for (Map.Entry<String, Map<String, Map<String, Object>>> index : toRecord.entrySet()) {
            record(processor, index.getKey(), index.getValue(), recordedFor.get(index.getKey()), () -> {
                if (pending.decrementAndGet() == 0) {
                    next.run();
                }
            });
        }
    }

    /** Why {@code model} with {@code fingerprint} may not fill the field, or null when it may. */
    static String problem(String index, String field, String filler, String recorded, String model, String fingerprint) {
        if (filler != null && filler.equals(model) == false) {
            return String.format(
                Locale.ROOT,
                "field [%s] of index [%s] is filled by model [%s] (its mapping's [model]); this pipeline embeds with [%s]",
                field,
                index,
                filler,
                model
            );
        }
        if (recorded != null && recorded.equals(fingerprint) == false) {
            return String.format(
                Locale.ROOT,
                "field [%s] of index [%s] was first filled by model [%s] with fingerprint [%s], but this node's [%s] has fingerprint [%s]: "
                    + "the nodes serve different files under the same id",
                field,
                index,
                model,
                recorded,
                model,
                fingerprint
            );
        }
        return null;
    }

    /** One mapping update for the fields of one index, as the node (not the caller, who may only write documents). */
    private void record(
        String processor,
        String index,
        Map<String, Map<String, Object>> fields,
        List<IngestDocumentWrapper> documents,
        Runnable done
    ) {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Object>> field : fields.entrySet()) {
            put(properties, field.getKey().split("\\."), 0, field.getValue());
        }
        PutMappingRequest request = new PutMappingRequest(index).source(Map.of("properties", properties));
        try (ThreadContext.StoredContext ignored = threadContext.stashContext()) {
            client.admin().indices().putMapping(request, ActionListener.wrap(response -> done.run(), e -> {
                if (ExceptionsHelper.unwrapCause(e) instanceof IllegalArgumentException conflict) {
                    // another node recorded a different model or fingerprint first: these documents may not fill the field
                    for (IngestDocumentWrapper document : documents) {
                        EmbeddingProcessor.fail(
                            document,
                            new OpenSearchStatusException("[" + processor + "] " + conflict.getMessage(), RestStatus.BAD_REQUEST)
                        );
                    }
                } else {
                    logger.warn(String.format(Locale.ROOT, "could not record the model of %s in index [%s]", fields.keySet(), index), e);
                }
                done.run();
            }));
        }
    }

    private static void put(Map<String, Object> properties, String[] path, int at, Map<String, Object> definition) {
        if (at == path.length - 1) {
            properties.put(path[at], definition);
            return;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) properties
            .computeIfAbsent(path[at], k -> new LinkedHashMap<>(Map.of("properties", new LinkedHashMap<>())));
        @SuppressWarnings("unchecked")
        Map<String, Object> inner = (Map<String, Object>) object.get("properties");
        put(inner, path, at + 1, definition);
    }

    private static boolean isVectorField(Map<String, Object> definition) {
        Object type = definition.get("type");
        return Objects.equals(type, DenseVectorFieldMapper.CONTENT_TYPE) || Objects.equals(type, MultiVectorFieldMapper.CONTENT_TYPE);
    }
}
