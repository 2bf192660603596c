package org.opensearch.multimodal.integ;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The demo corpus ({@code integTest/demo/corpus/docs.jsonl}: 48 paragraphs in eight topics) and the index and pipeline
 * the integration tests put it in, as the REST bodies a user would send.
 */
final class DemoCorpus {

    static final String MODEL = "bge-small-en-v1.5";
    static final String PIPELINE_BODY = """
        {"processors": [{"embed_text": {"model": "bge-small-en-v1.5", "field_map": {"body": "body_vec"},
          "token_field_map": {"body": "body_tokens"}, "batch_size": 8}}]}""";
    static final String MAPPINGS = """
        {"properties": {
          "title": {"type": "text"}, "body": {"type": "text"}, "topic": {"type": "keyword"},
          "body_vec": {"type": "dense_vector", "dims": 384, "similarity": "cosine", "index_options": {"m": 16, "ef_construction": 100}},
          "body_tokens": {"type": "multi_vector", "dims": 384}}}""";

    private DemoCorpus() {
    }

    /** The corpus lines, one JSON document each, with an {@code id} field. */
    static List<String> documents() throws IOException {
        Path file = Path.of(System.getProperty("tests.demo.corpus", "integTest/demo/corpus/docs.jsonl"));
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(line -> line.isBlank() == false).toList();
    }

    /** {@code PUT index} body: the demo mappings, the pipeline as default, and {@code settings}. */
    static Map<String, Object> indexBody(Map<String, Object> settings, String pipeline) throws IOException {
        Map<String, Object> allSettings = new LinkedHashMap<>(settings);
        allSettings.put("index.default_pipeline", pipeline);
        return Map.of("settings", allSettings, "mappings", RestClientHelper.parseMap(MAPPINGS));
    }

    /** A {@code _bulk} body indexing every corpus document under its own id. */
    static String bulkBody(String index) throws IOException {
        StringBuilder bulk = new StringBuilder();
        for (String line : documents()) {
            String id = String.valueOf(RestClientHelper.parseMap(line).get("id"));
            bulk.append(indexAction(index, id)).append('\n').append(line).append('\n');
        }
        return bulk.toString();
    }

    static String indexAction(String index, String id) {
        return String.format(Locale.ROOT, "{\"index\": {\"_index\": \"%s\", \"_id\": \"%s\"}}", index, id);
    }

    /** A search body with a {@code multimodal} query: one dense retriever on body_vec, an optional filter. */
    static String semanticSearch(String queryText, int k, String filterJson) {
        String filter = filterJson == null ? "" : ", \"filter\": " + filterJson;
        return String.format(
            Locale.ROOT,
            "{\"size\": %d, \"_source\": [\"title\", \"topic\"], \"query\": {\"multimodal\": {\"query_text\": \"%s\", "
                + "\"retrievers\": {\"text\": {\"dense\": {\"field\": \"body_vec\", \"model\": \"%s\", \"k\": %d}}}%s}}}",
            k,
            queryText,
            MODEL,
            k,
            filter
        );
    }

    /** The ids of a search response's hits, best first. */
    static List<String> hitIds(RestClientHelper.Response search) {
        List<String> ids = new ArrayList<>();
        for (Object hit : hits(search)) {
            ids.add((String) ((Map<?, ?>) hit).get("_id"));
        }
        return ids;
    }

    /** The {@code _source} of each hit, best first. */
    static List<Map<?, ?>> hitSources(RestClientHelper.Response search) {
        List<Map<?, ?>> sources = new ArrayList<>();
        for (Object hit : hits(search)) {
            sources.add((Map<?, ?>) ((Map<?, ?>) hit).get("_source"));
        }
        return sources;
    }

    private static List<?> hits(RestClientHelper.Response search) {
        return (List<?>) ((Map<?, ?>) search.assertSuccess().map().get("hits")).get("hits");
    }
}
