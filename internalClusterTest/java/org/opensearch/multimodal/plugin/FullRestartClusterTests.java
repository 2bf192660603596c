package org.opensearch.multimodal.plugin;

import org.opensearch.action.admin.indices.stats.IndicesStatsResponse;
import org.opensearch.action.search.SearchRequestBuilder;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.action.search.SearchType;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.multimodal.model.BuiltinModels;
import org.opensearch.multimodal.query.rescore.LateInteractionRescorerBuilder;
import org.opensearch.multimodal.query.rescore.LateInteractionScoreMode;
import org.opensearch.multimodal.rest.ListModelsAction;
import org.opensearch.multimodal.rest.ModelReport;
import org.opensearch.multimodal.rest.ModelsRequest;
import org.opensearch.multimodal.rest.NodeModels;
import org.opensearch.search.SearchHit;
import org.opensearch.test.OpenSearchIntegTestCase;

import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertAcked;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Every node of a cluster restarted (issue 16, part 2): segments flushed before the restart are read again with the
 * plugin's codec (derived vector source, the multi-vector candidate graph), models load again on first use, and 50
 * queries give the same top 10 as before, for every fusion, GQR with each primary kind, the multi-vector retriever
 * and the {@code late_interaction} rescorer on each token encoding. One copy of each shard, so every answer comes from
 * the same copy before and after (a primary and its replica build different HNSW graphs).
 */
@OpenSearchIntegTestCase.ClusterScope(scope = OpenSearchIntegTestCase.Scope.TEST, numDataNodes = 2, numClientNodes = 0)
public class FullRestartClusterTests extends BgeClusterTestCase {

    private static final String INDEX = "restart";
    private static final String MODEL = BuiltinModels.BGE_SMALL;
    private static final List<String> ENCODINGS = List.of("float32", "bfloat16", "int8", "binary");

    private void createAndIndex() throws Exception {
        StringBuilder processors = new StringBuilder();
        StringBuilder fields = new StringBuilder();
        for (String encoding : ENCODINGS) {
            processors.append(
                String.format(
                    Locale.ROOT,
                    """
                        {"embed_text": {"model": "%s", "field_map": {"body": "body_vec"}, "token_field_map": {"body": "tokens_%s"}}},""",
                    MODEL,
                    encoding
                )
            );
            fields.append(
                String.format(
                    Locale.ROOT,
                    """
                        , "tokens_%s": {"type": "multi_vector", "dims": 384, "encoding": "%s", "pool_factor": %d, "index": %s}""",
                    encoding,
                    encoding,
                    encoding.equals("float32") ? 1 : 2,
                    encoding.equals("int8")
                )
            );
        }
        String pipeline = "{\"processors\": [" + processors.substring(0, processors.length() - 1) + "]}";
        assertAcked(client().admin().cluster().preparePutPipeline("restart", new BytesArray(pipeline), XContentType.JSON).get());
        assertAcked(
            prepareCreate(INDEX).setSettings(
                Map.of(
                    "index.number_of_shards",
                    3,
                    "index.number_of_replicas",
                    0,
                    "index.default_pipeline",
                    "restart",
                    "index.codec",
                    "default"
                )
            )
                .setMapping(
                    "{\"properties\": {\"title\": {\"type\": \"text\"}, \"body\": {\"type\": \"text\"}, \"topic\": {\"type\": \"keyword\"}, "
                        + "\"body_vec\": {\"type\": \"dense_vector\", \"dims\": 384, \"similarity\": \"cosine\"}"
                        + fields
                        + "}}"
                )
        );
        assertFalse(DemoCorpusBulk.index(client(), INDEX).hasFailures());
        refresh(INDEX);
        client().admin().indices().prepareFlush(INDEX).setForce(true).setWaitIfOngoing(true).get();
    }

    /** 50 query texts: the demo corpus's titles and, past them, a few questions. */
    private static List<String> queries() throws Exception {
        Path corpus = Path.of(System.getProperty("tests.demo.corpus", "integTest/demo/corpus/docs.jsonl"));
        List<String> queries = new ArrayList<>(
            Files.readAllLines(corpus, StandardCharsets.UTF_8)
                .stream()
                .filter(line -> line.isBlank() == false)
                .map(line -> line.replaceAll("^.*\"title\": \"([^\"]*)\".*$", "$1").toLowerCase(Locale.ROOT))
                .toList()
        );
        queries.addAll(List.of("how do plants turn light into energy", "why is the sky blue", "what causes earthquakes"));
        return queries.subList(0, 50);
    }

    private static String multimodal(String text, String retrievers, String fusion) {
        return String.format(
            Locale.ROOT,
            "{\"multimodal\": {\"query_text\": \"%s\", \"retrievers\": {%s}%s}}",
            text,
            retrievers,
            fusion == null ? "" : ", \"fusion\": " + fusion
        );
    }

    /** Each method compared, by name: a request for one query text. */
    private Map<String, Function<String, SearchRequestBuilder>> methods() {
        String bm25 = "\"bm25\": {\"lexical\": {\"match\": {\"body\": \"%s\"}}}";
        String dense = "\"dense\": {\"dense\": {\"field\": \"body_vec\", \"model\": \"" + MODEL + "\"}}";
        Map<String, Function<String, SearchRequestBuilder>> methods = new LinkedHashMap<>();
        for (String fusion : List.of(
            "{\"rrf\": {}}",
            "{\"linear\": {\"normalization\": \"min_max\"}}",
            "{\"gqr\": {\"primary\": \"dense\", \"complementary\": [\"bm25\"]}}"
        )) {
            methods.put(fusion, text -> search(multimodal(text, String.format(Locale.ROOT, bm25, text) + ", " + dense, fusion)));
        }
        for (String encoding : ENCODINGS) {
            String tokens = String
                .format(Locale.ROOT, "\"tokens\": {\"multi_vector\": {\"field\": \"tokens_%s\", \"model\": \"%s\"}}", encoding, MODEL);
            methods.put(
                "GQR multi-vector primary, " + encoding,
                text -> search(
                    multimodal(
                        text,
                        String.format(Locale.ROOT, bm25, text) + ", " + dense + ", " + tokens,
                        "{\"gqr\": {\"primary\": \"tokens\", \"complementary\": [\"bm25\", \"dense\"]}}"
                    )
                )
            );
            methods.put(
                "late_interaction rescorer, " + encoding,
                text -> search(multimodal(text, String.format(Locale.ROOT, bm25, text) + ", " + dense, "{\"rrf\": {}}")).addRescorer(
                    new LateInteractionRescorerBuilder("tokens_" + encoding, text, MODEL, LateInteractionScoreMode.REPLACE, 1f, 1f),
                    20
                )
            );
        }
        methods.put(
            "multi-vector retriever alone, int8 candidate index",
            text -> search(
                multimodal(
                    text,
                    "\"tokens\": {\"multi_vector\": {\"field\": \"tokens_int8\", \"model\": \"" + MODEL + "\", \"k\": 10}}",
                    null
                )
            )
        );
        return methods;
    }

    private SearchRequestBuilder search(String query) {
        // one search type: the test client picks dfs_query_then_fetch at random, and BM25 then scores on the index's statistics
        return client().prepareSearch(INDEX)
            .setSearchType(SearchType.QUERY_THEN_FETCH)
            .setSize(10)
            .setQuery(QueryBuilders.wrapperQuery(query));
    }

    private Map<String, List<String>> answers(List<String> queries) {
        Map<String, List<String>> answers = new LinkedHashMap<>();
        for (Map.Entry<String, Function<String, SearchRequestBuilder>> method : methods().entrySet()) {
            for (String query : queries) {
                SearchResponse response = method.getValue().apply(query).get();
                assertEquals(method.getKey() + " / " + query, 0, response.getFailedShards());
                answers.put(
                    method.getKey() + " / " + query,
                    Arrays.stream(response.getHits().getHits()).map(SearchHit::getId).toList()
                );
            }
        }
        return answers;
    }

    private List<Boolean> bgeLoadedPerNode() {
        List<Boolean> loaded = new ArrayList<>();
        for (NodeModels node : client().execute(ListModelsAction.INSTANCE, new ModelsRequest(MODEL)).actionGet().getNodes()) {
            ModelReport bge = node.models().get(0);
            loaded.add(bge.loaded());
        }
        return loaded;
    }

    public void testAFullRestartAnswersTheSameTopTenFromTheSameSegments() throws Exception {
        createAndIndex();
        assertBusy(() -> {
            IndicesStatsResponse stats = client().admin().indices().prepareStats(INDEX).setTranslog(true).get();
            assertEquals("flushed: nothing to replay from the translog", 0, stats.getTotal().getTranslog().getUncommittedOperations());
        });
        List<String> queries = queries();
        Map<String, List<String>> before = answers(queries);
        Map<String, Object> sourceBefore = client().prepareGet(INDEX, "34").get().getSourceAsMap();

        internalCluster().fullRestart();
        ensureGreen(INDEX);

        assertFalse("models load on first use, not at start: " + bgeLoadedPerNode(), bgeLoadedPerNode().contains(true));
        Map<String, Object> sourceAfter = client().prepareGet(INDEX, "34").get().getSourceAsMap();
        assertEquals("derived source read back from the segments written before the restart", sourceBefore, sourceAfter);
        for (String encoding : ENCODINGS) {
            assertTrue(encoding, sourceAfter.get("tokens_" + encoding) instanceof String);
        }
        Map<String, List<String>> after = answers(queries);
        List<String> differing = new ArrayList<>();
        for (Map.Entry<String, List<String>> answer : before.entrySet()) {
            assertEquals(answer.getKey(), 10, answer.getValue().size());
            if (answer.getValue().equals(after.get(answer.getKey())) == false) {
                differing.add(answer.getKey() + ": " + answer.getValue() + " then " + after.get(answer.getKey()));
            }
        }
        assertEquals("the same top 10 for " + before.size() + " method x query pairs", List.of(), differing);
        assertTrue("the queries loaded the model again", bgeLoadedPerNode().contains(true));
    }
}
