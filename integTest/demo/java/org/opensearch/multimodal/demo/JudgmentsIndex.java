package org.opensearch.multimodal.demo;

import org.opensearch.action.bulk.BulkRequestBuilder;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.common.settings.Settings;
import org.opensearch.transport.client.Client;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A judged query set in the shape the relevance page reads (docs/pages.md, "Relevance page"): one document per query,
 * {@code {"query_id", "query_text", "judgments": [{"doc", "rating"}]}}, and in the mapping's {@code _meta} the index
 * it judges and what the judgments are.
 */
final class JudgmentsIndex {

    /** One query with its relevance judgments: document id to graded rating (0 = not relevant). */
    record JudgedQuery(String id, String text, Map<String, Integer> ratings) {
    }

    private JudgmentsIndex() {
    }

    static void write(Client client, String name, String judgedIndex, String description, List<JudgedQuery> queries) {
        if (client.admin().indices().prepareExists(name).get().isExists()) {
            client.admin().indices().prepareDelete(name).get();
        }
        Map<String, Object> meta = Map.of("multimodal_judgments", Map.of("index", judgedIndex, "description", description));
        Map<String, Object> mapping = Map.of(
            "_meta",
            meta,
            "properties",
            Map.of(
                "query_id",
                Map.of("type", "keyword"),
                "query_text",
                Map.of("type", "text"),
                "judgments",
                Map.of("type", "object", "enabled", false)
            )
        );
        client.admin()
            .indices()
            .prepareCreate(name)
            .setSettings(Settings.builder().put("index.number_of_shards", 1).put("index.number_of_replicas", 0))
            .setMapping(mapping)
            .get();
        BulkRequestBuilder bulk = client.prepareBulk();
        for (JudgedQuery query : queries) {
            List<Map<String, Object>> judgments = query.ratings()
                .entrySet()
                .stream()
                .map(e -> Map.<String, Object>of("doc", e.getKey(), "rating", e.getValue()))
                .toList();
            Map<String, Object> source = new LinkedHashMap<>();
            source.put("query_id", query.id());
            source.put("query_text", query.text());
            source.put("judgments", judgments);
            bulk.add(client.prepareIndex(name).setId(query.id()).setSource(source));
        }
        BulkResponse response = bulk.get();
        if (response.hasFailures()) {
            throw new IllegalStateException("the judgments of [" + name + "] could not be indexed: " + response.buildFailureMessage());
        }
        client.admin().indices().prepareRefresh(name).get();
    }
}
