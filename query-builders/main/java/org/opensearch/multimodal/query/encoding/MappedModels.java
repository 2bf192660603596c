package org.opensearch.multimodal.query.encoding;

import org.opensearch.action.admin.indices.mapping.get.GetFieldMappingsRequest;
import org.opensearch.action.admin.indices.mapping.get.GetFieldMappingsResponse;
import org.opensearch.action.support.IndicesOptions;
import org.opensearch.core.action.ActionListener;
import org.opensearch.index.query.QueryCoordinatorContext;
import org.opensearch.index.query.QueryRewriteContext;
import org.opensearch.multimodal.mapper.FieldModel;
import org.opensearch.transport.client.Client;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * On the coordinating node, the models that the searched indices' mappings name for vector fields (the fields'
 * {@code model} parameter), so a retriever or rescorer on such a field may leave out its own {@code model}.
 */
public final class MappedModels {

    private MappedModels() {
    }

    /** The indices the search runs on, or null when this rewrite is not a search's coordinating rewrite. */
    public static String[] searchedIndices(QueryRewriteContext context) {
        QueryCoordinatorContext coordinator = context.convertToCoordinatorContext();
        return coordinator == null || coordinator.getSearchRequest() == null ? null : coordinator.getSearchRequest().indices();
    }

    /** For each of {@code fields}, the models the mappings of {@code indices} name (none, one, or, wrongly, several). */
    public static void fetch(
        Client client,
        String[] indices,
        Collection<String> fields,
        ActionListener<Map<String, Set<String>>> listener
    ) {
        GetFieldMappingsRequest request = new GetFieldMappingsRequest().indices(indices)
            .indicesOptions(IndicesOptions.lenientExpandOpen())
            .fields(fields.toArray(String[]::new));
        client.admin().indices().getFieldMappings(request, ActionListener.map(listener, response -> models(response, fields)));
    }

    private static Map<String, Set<String>> models(GetFieldMappingsResponse response, Collection<String> fields) {
        Map<String, Set<String>> models = new TreeMap<>();
        for (String field : fields) {
            models.put(field, new TreeSet<>());
        }
        for (Map<String, GetFieldMappingsResponse.FieldMappingMetadata> index : response.mappings().values()) {
            for (Map.Entry<String, GetFieldMappingsResponse.FieldMappingMetadata> field : index.entrySet()) {
                for (Object definition : field.getValue().sourceAsMap().values()) {
                    if (definition instanceof Map<?, ?> mapping && mapping.get(FieldModel.MODEL) != null
                        && models.containsKey(field.getKey())) {
                        models.get(field.getKey()).add(String.valueOf(mapping.get(FieldModel.MODEL)));
                    }
                }
            }
        }
        return models;
    }

    /** The one model the mappings name for {@code field}, or a 400 naming {@code parameter}. */
    public static String resolve(String parameter, String field, Set<String> named) {
        if (named == null || named.isEmpty()) {
            throw new IllegalArgumentException(
                String.format(
                    Locale.ROOT,
                    "[%s.model] is required to encode the query: give it, or name the model in the mapping of field [%s] (\"model\": ...)",
                    parameter,
                    field
                )
            );
        }
        if (named.size() > 1) {
            throw new IllegalArgumentException(
                String.format(
                    Locale.ROOT,
                    "[%s.model] field [%s] names different models in the indices searched: %s; give [model]",
                    parameter,
                    field,
                    named
                )
            );
        }
        return named.iterator().next();
    }
}
