package org.opensearch.multimodal.processor;

import org.opensearch.cluster.metadata.IndexAbstraction;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.ingest.IngestDocument;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The mappings of the fields a processor writes, as the cluster state has them now: for a document, the definition of
 * a field in the index the document goes to (its write index). Parsed mappings are kept per index and mapping version.
 */
public final class TargetMappings {

    private static final int CACHED_MAPPINGS = 32;

    private final ClusterService clusterService;
    private final Map<String, Map<String, Object>> parsed = new LinkedHashMap<>(CACHED_MAPPINGS, 0.75f, true) {

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<String, Object>> eldest) {
            return size() > CACHED_MAPPINGS;
        }
    };

    public TargetMappings(ClusterService clusterService) {
        this.clusterService = clusterService;
    }

    /** The write index of {@code document}; null when it does not exist yet. */
    IndexMetadata index(IngestDocument document) {
        Object name = document.getSourceAndMetadata().get(IngestDocument.Metadata.INDEX.getFieldName());
        IndexAbstraction abstraction = name == null ? null : clusterService.state().metadata().getIndicesLookup().get(name.toString());
        return abstraction == null ? null : abstraction.getWriteIndex();
    }

    /** The mapping of {@code field} (a dotted path) in {@code index}; null when it has none. */
    Map<String, Object> definition(IndexMetadata index, String field) {
        if (index == null || index.mapping() == null) {
            return null;
        }
        return definition(properties(index), field);
    }

    /** The mapping of {@code field} in the index {@code document} goes to; null when unknown. */
    Map<String, Object> definition(IngestDocument document, String field) {
        return definition(index(document), field);
    }

    private Map<String, Object> properties(IndexMetadata index) {
        String key = index.getIndexUUID() + "/" + index.getMappingVersion();
        synchronized (parsed) {
            return parsed.computeIfAbsent(key, k -> objectProperties(index.mapping().sourceAsMap()));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> objectProperties(Map<String, Object> object) {
        return object.get("properties") instanceof Map<?, ?> properties ? (Map<String, Object>) properties : Map.of();
    }

    /** The mapping at the dotted {@code path}: a name with dots, or objects' properties. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> definition(Map<String, Object> properties, String path) {
        if (properties.get(path) instanceof Map<?, ?> direct) {
            return (Map<String, Object>) direct;
        }
        int dot = path.indexOf('.');
        if (dot > 0 && properties.get(path.substring(0, dot)) instanceof Map<?, ?> object) {
            return definition(objectProperties((Map<String, Object>) object), path.substring(dot + 1));
        }
        return null;
    }
}
