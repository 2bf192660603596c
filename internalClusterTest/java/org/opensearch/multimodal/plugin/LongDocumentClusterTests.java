package org.opensearch.multimodal.plugin;

import org.opensearch.ExceptionsHelper;
import org.opensearch.action.bulk.BulkRequestBuilder;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.index.reindex.ReindexAction;
import org.opensearch.index.reindex.ReindexModulePlugin;
import org.opensearch.index.reindex.ReindexRequestBuilder;
import org.opensearch.multimodal.mapper.MultiVectorFormat;
import org.opensearch.multimodal.query.rescore.LateInteractionRescorerBuilder;
import org.opensearch.multimodal.query.rescore.LateInteractionScoreMode;
import org.opensearch.multimodal.rest.NodeStats;
import org.opensearch.multimodal.rest.StatsAction;
import org.opensearch.multimodal.rest.StatsRequest;
import org.opensearch.multimodal.rest.StatsResponse;
import org.opensearch.plugins.Plugin;
import org.opensearch.search.SearchHit;
import org.opensearch.search.fetch.subphase.highlight.HighlightBuilder;
import org.opensearch.search.fetch.subphase.highlight.HighlightField;
import org.opensearch.test.OpenSearchIntegTestCase;

import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertAcked;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Long documents (issue 24): each holds one topic's paragraphs of the demo corpus after about 700 tokens of the same
 * preamble, so a text cut at the model's window says nothing of its topic, and only passages past it can find it. On
 * 1 and 3 shards, through a replica and {@code _reindex}: a chunked dense field finds each document by its passage, k
 * distinct documents; the token vectors hold every passage, for the rescorer; bad mappings and values fail naming them.
 */
@OpenSearchIntegTestCase.ClusterScope(scope = OpenSearchIntegTestCase.Scope.SUITE, numDataNodes = 2, numClientNodes = 0)
public class LongDocumentClusterTests extends BgeClusterTestCase {

    private static final String MODEL = "bge-small-en-v1.5";
    /** The same for every document, and longer than the window: emoji included, so offsets must count UTF-16 units. */
    private static final String PREAMBLE = "This report was prepared by the committee 📄 for internal circulation only. ".repeat(50);
    /** A query per topic, and the paragraph (by its demo id) it should find. */
    private static final Map<String, String> QUERIES = Map.of(
        "space",
        "photographs of distant galaxies from orbit above the atmosphere",
        "cooking",
        "sour loaf from a starter of wild yeast",
        "music",
        "orchestra playing a symphony in a concert hall",
        "sports",
        "the marathon runners crossed the finish line"
    );

    @Override
    protected Collection<Class<? extends Plugin>> nodePlugins() {
        List<Class<? extends Plugin>> plugins = new ArrayList<>(super.nodePlugins());
        plugins.add(ReindexModulePlugin.class);
        return plugins;
    }

    /** Topic to its paragraphs' text, one paragraph a line, in the corpus' order. */
    private static Map<String, String> topics() throws IOException {
        Map<String, StringBuilder> topics = new LinkedHashMap<>();
        Path corpus = Path.of(System.getProperty("tests.demo.corpus", "integTest/demo/corpus/docs.jsonl"));
        for (String line : Files.readAllLines(corpus, StandardCharsets.UTF_8)) {
            if (line.isBlank() == false) {
                String topic = line.replaceAll("^.*\"topic\": \"([a-z]+)\".*$", "$1");
                String title = line.replaceAll("^.*\"title\": \"([^\"]*)\".*$", "$1");
                String body = line.replaceAll("^.*\"body\": \"([^\"]*)\".*$", "$1");
                topics.computeIfAbsent(topic, t -> new StringBuilder()).append(title).append(". ").append(body).append('\n');
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        topics.forEach((topic, text) -> out.put(topic, PREAMBLE + "\n\n" + text));
        return out;
    }

    private void createIndex(String index, int shards, int replicas, boolean chunked) {
        String chunking = chunked ? ", \"chunking\": {\"max_tokens\": 128, \"overlap_tokens\": 16}" : "";
        String pipeline = "{\"processors\": [{\"embed_text\": {\"model\": \"" + MODEL + "\", \"field_map\": {\"body\": \"body_vec\"},"
            + " \"token_field_map\": {\"body\": \"body_tokens\"}" + chunking + "}}]}";
        assertAcked(client().admin().cluster().preparePutPipeline(index + "_pipeline", new BytesArray(pipeline), XContentType.JSON).get());
        String mapping = String.format(
            Locale.ROOT,
            """
                {"properties": {"body": {"type": "text"},
                  "body_vec": {"type": "dense_vector", "dims": 384, "similarity": "cosine"%s},
                  "body_tokens": {"type": "multi_vector", "dims": 384, "encoding": "int8"}}}""",
            chunked ? ", \"chunked\": true" : ""
        );
        assertAcked(
            prepareCreate(index).setSettings(
                Map.of(
                    "index.number_of_shards",
                    shards,
                    "index.number_of_replicas",
                    replicas,
                    "index.default_pipeline",
                    index + "_pipeline"
                )
            ).setMapping(mapping)
        );
    }

    private void indexTopics(String index) throws IOException {
        BulkRequestBuilder bulk = client().prepareBulk();
        topics().forEach((topic, text) -> bulk.add(client().prepareIndex(index).setId(topic).setSource(Map.of("body", text))));
        BulkResponse response = bulk.get();
        assertFalse(response.buildFailureMessage(), response.hasFailures());
        refresh(index);
    }

    private SearchResponse dense(String index, String text, int k, String preference) {
        String json = "{\"multimodal\": {\"query_text\": \"" + text
            + "\", \"retrievers\": {\"dense\": {\"dense\": {\"field\": \"body_vec\", "
            + "\"model\": \"" + MODEL + "\", \"k\": " + k + "}}}}}";
        var request = client().prepareSearch(index).setQuery(QueryBuilders.wrapperQuery(json)).setSize(10);
        if (preference != null) {
            request.setPreference(preference);
        }
        return request.get();
    }

    private static List<String> ids(SearchResponse response) {
        return Arrays.stream(response.getHits().getHits()).map(SearchHit::getId).toList();
    }

    public void testAPassagePastTheWindowFindsItsDocumentOnOneAndThreeShards() throws IOException {
        List<List<String>> bestTokenPassages = new ArrayList<>();
        for (int shards : new int[]{1, 3}) {
            String index = "long_" + shards;
            createIndex(index, shards, 0, true);
            indexTopics(index);
            for (Map.Entry<String, String> query : QUERIES.entrySet()) {
                List<String> ids = ids(dense(index, query.getValue(), 3, null));
                assertEquals(shards + " shards, query [" + query.getValue() + "]: " + ids, query.getKey(), ids.get(0));
                assertEquals("k distinct documents, not k passages", ids.size(), ids.stream().distinct().count());
            }
            assertBestPassage(index, "space", "Hubble");
            assertBestPassage(index, "cooking", "Sourdough");
            bestTokenPassages.add(assertBestTokenPassage(index, "space"));
            SearchResponse all = dense(index, QUERIES.get("space"), 5, null);
            assertEquals(
                "k 5 from each of " + shards + " shards, at most the 8 documents",
                Math.min(8, 5 * shards),
                all.getHits().getTotalHits().value()
            );
        }
        assertEquals("the same best passages by MaxSim on 1 and 3 shards", bestTokenPassages.get(0), bestTokenPassages.get(1));
    }

    /** The passage highlighter gives the top hit's best passage: past the preamble, where the topic's paragraph lies. */
    private void assertBestPassage(String index, String topic, String expected) throws IOException {
        String json = "{\"multimodal\": {\"query_text\": \"" + QUERIES.get(topic) + "\", \"retrievers\": {\"dense\": {\"dense\": "
            + "{\"field\": \"body_vec\", \"model\": \"" + MODEL + "\", \"k\": 3}}, \"bm25\": {\"lexical\": {\"query\": {\"match\": "
            + "{\"body\": \"" + QUERIES.get(topic) + "\"}}}}}}}";
        SearchResponse response = client().prepareSearch(index)
            .setQuery(QueryBuilders.wrapperQuery(json))
            .highlighter(new HighlightBuilder().field(new HighlightBuilder.Field("body_vec").highlighterType("passage").numOfFragments(2)))
            .get();
        SearchHit top = response.getHits().getHits()[0];
        assertEquals(topic, top.getId());
        HighlightField passages = top.getHighlightFields().get("body_vec");
        assertNotNull("a passage highlight for " + top.getId(), passages);
        assertEquals(2, passages.fragments().length);
        String best = passages.fragments()[0].string();
        assertTrue("best passage [" + best + "] holds " + expected, best.contains(expected));
        String body = topics().get(topic);
        assertTrue("it lies past the first 512 tokens' worth of text", body.indexOf(best) > PREAMBLE.length() / 2);
        // its offsets and score come with the hit as data, in UTF-16 units
        Map<?, ?> scores = (Map<?, ?>) top.field("_multimodal").getValue();
        List<?> ranked = (List<?>) ((Map<?, ?>) scores.get("passages")).get("body_vec");
        assertEquals(2, ranked.size());
        Map<?, ?> first = (Map<?, ?>) ranked.get(0);
        assertEquals(best, body.substring(((Number) first.get("start")).intValue(), ((Number) first.get("end")).intValue()));
        assertTrue(((Number) first.get("score")).floatValue() >= ((Number) ((Map<?, ?>) ranked.get(1)).get("score")).floatValue());
    }

    /**
     * The passage highlighter on the token field gives the top hit's best passages by MaxSim over each passage's own
     * rows, for the rescorer's query tokens and for a multi-vector retriever's alike: past the preamble, where the
     * topic's paragraphs lie; their offsets and MaxSims come as data. Returns the rescored top hit's best passages.
     */
    private List<String> assertBestTokenPassage(String index, String topic) throws IOException {
        String text = QUERIES.get(topic);
        HighlightBuilder onTokens = new HighlightBuilder().field(
            new HighlightBuilder.Field("body_tokens").highlighterType("passage").numOfFragments(2)
        );
        SearchResponse rescored = client().prepareSearch(index)
            .setQuery(QueryBuilders.matchAllQuery())
            .setSize(8)
            .addRescorer(new LateInteractionRescorerBuilder("body_tokens", text, MODEL, LateInteractionScoreMode.REPLACE, 1f, 1f), 8)
            .highlighter(onTokens)
            .get();
        String json = "{\"multimodal\": {\"query_text\": \"" + text + "\", \"retrievers\": {\"dense\": {\"dense\": "
            + "{\"field\": \"body_vec\", \"model\": \"" + MODEL + "\", \"k\": 8}}, \"tokens\": {\"multi_vector\": "
            + "{\"field\": \"body_tokens\", \"model\": \"" + MODEL + "\"}}}}}";
        SearchResponse retrieved = client().prepareSearch(index).setQuery(QueryBuilders.wrapperQuery(json)).highlighter(onTokens).get();
        List<String> best = null;
        for (SearchResponse response : List.of(rescored, retrieved)) {
            SearchHit top = response.getHits().getHits()[0];
            assertEquals(topic, top.getId());
            HighlightField passages = top.getHighlightFields().get("body_tokens");
            assertNotNull("a passage highlight on the token field for " + top.getId(), passages);
            assertEquals(2, passages.fragments().length);
            String body = topics().get(topic);
            List<String> fragments = Arrays.stream(passages.fragments()).map(fragment -> fragment.string()).toList();
            assertTrue(
                "the best passage lies past the preamble: " + fragments.get(0),
                body.indexOf(fragments.get(0)) > PREAMBLE.length() / 2
            );
            List<?> ranked = (List<?>) ((Map<?, ?>) ((Map<?, ?>) top.field("_multimodal").getValue()).get("passages")).get("body_tokens");
            Map<?, ?> first = (Map<?, ?>) ranked.get(0);
            assertEquals(
                fragments.get(0),
                body.substring(((Number) first.get("start")).intValue(), ((Number) first.get("end")).intValue())
            );
            float firstScore = ((Number) first.get("score")).floatValue();
            assertTrue(firstScore >= ((Number) ((Map<?, ?>) ranked.get(1)).get("score")).floatValue());
            if (response == rescored) {
                assertTrue("no passage's MaxSim above the document's: " + firstScore, firstScore <= top.getScore() + 1e-5f);
                best = fragments;
            } else {
                assertEquals("the retriever's query tokens are the rescorer's: the same passages", best, fragments);
            }
        }
        return best;
    }

    @SuppressWarnings("unchecked")
    public void testTheChunkedValueCountsEachPassagesTokenRowsAndCountsThatDoNotAddUpAreNotHighlighted() throws IOException {
        createIndex("long_rows", 1, 0, true);
        indexTopics("long_rows");
        Map<String, Object> source = client().prepareGet("long_rows", "cooking").get().getSourceAsMap();
        Map<?, ?> chunked = (Map<?, ?>) source.get("body_vec");
        List<?> counts = (List<?>) ((Map<?, ?>) chunked.get("token_rows")).get("body_tokens");
        assertEquals("a count per passage", ((List<?>) chunked.get("offsets")).size(), counts.size());
        int rows = MultiVectorFormat.unpack(Base64.getDecoder().decode((String) source.get("body_tokens"))).length;
        assertEquals("the counts add up to the rows stored", rows, counts.stream().mapToInt(count -> ((Number) count).intValue()).sum());

        // the same value with counts that no longer match the rows: no passage rather than a wrong one
        Map<String, Object> tampered = new LinkedHashMap<>(source);
        Map<String, Object> tamperedChunked = new LinkedHashMap<>((Map<String, Object>) chunked);
        tamperedChunked.put("token_rows", Map.of("body_tokens", counts.stream().map(count -> 1).toList()));
        tampered.put("body_vec", tamperedChunked);
        client().prepareIndex("long_rows").setId("tampered").setSource(tampered).setPipeline("_none").setRefreshPolicy("true").get();
        SearchResponse response = client().prepareSearch("long_rows")
            .setQuery(QueryBuilders.idsQuery().addIds("cooking", "tampered"))
            .addRescorer(
                new LateInteractionRescorerBuilder("body_tokens", QUERIES.get("cooking"), MODEL, LateInteractionScoreMode.REPLACE, 1f, 1f),
                8
            )
            .highlighter(new HighlightBuilder().field(new HighlightBuilder.Field("body_tokens").highlighterType("passage")))
            .get();
        assertEquals(2, response.getHits().getHits().length);
        for (SearchHit hit : response.getHits().getHits()) {
            assertEquals(hit.getId(), "cooking".equals(hit.getId()), hit.getHighlightFields().containsKey("body_tokens"));
        }
    }

    public void testTheTextCutAtTheWindowCannotTellTheDocumentsApart() throws IOException {
        createIndex("long_cut", 1, 0, false);
        indexTopics("long_cut");
        SearchResponse response = dense("long_cut", QUERIES.get("space"), 8, null);
        float first = response.getHits().getHits()[0].getScore();
        float last = response.getHits().getHits()[7].getScore();
        assertEquals("every document's vector saw the same preamble", first, last, 1e-4f);
    }

    @SuppressWarnings("unchecked")
    public void testOffsetsPointAtThePassagesInUtf16Units() throws IOException {
        createIndex("long_offsets", 1, 0, true);
        indexTopics("long_offsets");
        Map<String, Object> source = client().prepareGet("long_offsets", "space").get().getSourceAsMap();
        String body = (String) source.get("body");
        Map<String, Object> value = (Map<String, Object>) source.get("body_vec");
        List<List<Number>> offsets = (List<List<Number>>) value.get("offsets");
        List<?> vectors = (List<?>) value.get("vectors");
        assertEquals(vectors.size(), offsets.size());
        assertTrue("about 900 tokens in passages of 128: " + offsets.size(), offsets.size() >= 7);
        int previousStart = -1;
        for (List<Number> offset : offsets) {
            assertEquals(0, offset.get(0).intValue());
            int start = offset.get(1).intValue();
            int end = offset.get(2).intValue();
            assertTrue(start > previousStart && end <= body.length());
            previousStart = start;
            String passage = body.substring(start, end);
            assertFalse("a passage starts on a token: [" + passage + "]", Character.isWhitespace(passage.charAt(0)));
            assertFalse(Character.isLowSurrogate(passage.charAt(0)));
        }
        List<Number> last = offsets.get(offsets.size() - 1);
        assertTrue(
            body.substring(last.get(1).intValue(), last.get(2).intValue()).endsWith(body.strip().substring(body.strip().length() - 20))
        );
    }

    /** The passages the model's inference encoded on every node so far. */
    private long itemsEncoded() {
        StatsResponse stats = client().execute(StatsAction.INSTANCE, new StatsRequest()).actionGet();
        long total = 0;
        for (NodeStats node : stats.getNodes()) {
            Object value = node.stats();
            for (String key : new String[]{"models", MODEL, "items"}) {
                value = value instanceof Map<?, ?> map ? map.get(key) : null;
            }
            total += value == null ? 0 : ((Number) value).longValue();
        }
        return total;
    }

    public void testAnUpdateOfAnotherFieldDoesNotEmbedTheTextAgainButANewTextIs() throws Exception {
        createIndex("long_updated", 1, 0, true);
        indexTopics("long_updated");
        Object before = client().prepareGet("long_updated", "music").get().getSourceAsMap().get("body_vec");
        long encoded = itemsEncoded();
        client().prepareUpdate("long_updated", "music").setDoc(Map.of("tag", "reviewed")).get();
        Map<String, Object> updated = client().prepareGet("long_updated", "music").get().getSourceAsMap();
        assertEquals("reviewed", updated.get("tag"));
        assertEquals("the same passages, vectors and offsets", before, updated.get("body_vec"));
        assertEquals("nothing was encoded again", encoded, itemsEncoded());
        client().prepareUpdate("long_updated", "music").setDoc(Map.of("body", "A string quartet plays chamber music.")).get();
        Map<?, ?> changed = (Map<?, ?>) client().prepareGet("long_updated", "music").get().getSourceAsMap().get("body_vec");
        assertEquals("a new text is embedded again", 1, ((List<?>) changed.get("vectors")).size());
        assertTrue(itemsEncoded() > encoded);
    }

    @SuppressWarnings("unchecked")
    public void testTheFieldRecordsItsChunkingAndRefusesAnother() throws IOException {
        createIndex("long_recorded", 1, 0, true);
        indexTopics("long_recorded");
        Map<String, Object> mapping = client().admin()
            .indices()
            .prepareGetMappings("long_recorded")
            .get()
            .mappings()
            .get("long_recorded")
            .sourceAsMap();
        Map<String, Object> field = (Map<String, Object>) ((Map<String, Object>) mapping.get("properties")).get("body_vec");
        assertEquals("token_windows(max_tokens=128,overlap_tokens=16,boundary=sentence)", field.get("chunking"));
        String other = "{\"processors\": [{\"embed_text\": {\"model\": \"" + MODEL + "\", \"field_map\": {\"body\": \"body_vec\"},"
            + " \"chunking\": {\"max_tokens\": 64}}}]}";
        assertAcked(client().admin().cluster().preparePutPipeline("other_chunking", new BytesArray(other), XContentType.JSON).get());
        BulkResponse refused = client().prepareBulk()
            .add(client().prepareIndex("long_recorded").setId("x").setSource(Map.of("body", "a short text")).setPipeline("other_chunking"))
            .get();
        assertTrue(refused.getItems()[0].isFailed());
        assertEquals(400, refused.getItems()[0].getFailure().getStatus().getStatus());
        assertTrue(
            refused.getItems()[0].getFailureMessage(),
            refused.getItems()[0].getFailureMessage().contains("was filled with chunking")
        );
    }

    public void testReplicasReindexAndAFullRestartAnswerTheSame() throws Exception {
        createIndex("long_replicated", 2, 1, true);
        indexTopics("long_replicated");
        ensureGreen("long_replicated");
        String text = QUERIES.get("cooking");
        List<String> primary = ids(dense("long_replicated", text, 4, "_primary"));
        assertEquals("cooking", primary.get(0));
        assertEquals(primary, ids(dense("long_replicated", text, 4, "_replica")));
        createIndex("long_copy", 3, 0, true);
        ReindexRequestBuilder reindex = new ReindexRequestBuilder(client(), ReindexAction.INSTANCE).source("long_replicated")
            .destination("long_copy")
            .refresh(true);
        reindex.request().getDestination().setPipeline("_none");
        reindex.get();
        assertEquals(8, client().prepareSearch("long_copy").setSize(0).get().getHits().getTotalHits().value());
        assertEquals(
            "the copy keeps every passage's vector and offset",
            client().prepareGet("long_replicated", "cooking").get().getSourceAsMap().get("body_vec"),
            client().prepareGet("long_copy", "cooking").get().getSourceAsMap().get("body_vec")
        );
        assertEquals("cooking", ids(dense("long_copy", text, 4, null)).get(0));
        internalCluster().fullRestart();
        ensureGreen("long_replicated", "long_copy");
        assertBestPassage("long_replicated", "cooking", "Sourdough");
        assertBestPassage("long_copy", "cooking", "Sourdough");
        assertEquals(
            "the token field's best passages survive _reindex and a restart",
            assertBestTokenPassage("long_replicated", "cooking"),
            assertBestTokenPassage("long_copy", "cooking")
        );
    }

    public void testGqrRefinesAndSearchesAgainThroughTheBestPassageAndTheRescorerSeesEveryPassage() throws IOException {
        createIndex("long_gqr", 2, 0, true);
        indexTopics("long_gqr");
        String text = QUERIES.get("music");
        String json = "{\"multimodal\": {\"query_text\": \"" + text + "\", \"retrievers\": {"
            + "\"dense\": {\"dense\": {\"field\": \"body_vec\", \"model\": \"" + MODEL + "\", \"k\": 8}},"
            + "\"bm25\": {\"lexical\": {\"query\": {\"match\": {\"body\": \"" + text + "\"}}, \"k\": 8}}},"
            + "\"fusion\": {\"gqr\": {\"primary\": \"dense\", \"complementary\": [\"bm25\"], \"pool_k\": 8, \"steps\": 5}}}}";
        SearchResponse refined = client().prepareSearch("long_gqr").setQuery(QueryBuilders.wrapperQuery(json)).setSize(8).get();
        assertEquals("music", refined.getHits().getHits()[0].getId());
        // search_again: each shard's passage graphs searched again with the refined query, from a narrow pool (1 + 1)
        String narrow = "{\"multimodal\": {\"query_text\": \"" + text + "\", \"retrievers\": {"
            + "\"dense\": {\"dense\": {\"field\": \"body_vec\", \"model\": \"" + MODEL + "\", \"k\": 1}},"
            + "\"bm25\": {\"lexical\": {\"query\": {\"match\": {\"body\": \"" + text + "\"}}, \"k\": 1}}},"
            + "\"fusion\": {\"gqr\": {\"primary\": \"dense\", \"complementary\": [\"bm25\"], \"pool_k\": 3, \"steps\": 5, "
            + "\"search_again\": %s}}}}";
        createIndex("long_gqr_1", 1, 0, true);
        indexTopics("long_gqr_1");
        for (String index : List.of("long_gqr_1", "long_gqr")) {
            List<String> plain = ids(
                client().prepareSearch(index)
                    .setQuery(QueryBuilders.wrapperQuery(String.format(Locale.ROOT, narrow, false)))
                    .setSize(8)
                    .get()
            );
            List<String> again = ids(
                client().prepareSearch(index)
                    .setQuery(QueryBuilders.wrapperQuery(String.format(Locale.ROOT, narrow, true)))
                    .setSize(8)
                    .get()
            );
            assertEquals(index, "music", again.get(0));
            assertTrue(
                index + ": the second search only adds: " + plain + " -> " + again,
                again.containsAll(plain) && again.size() > plain.size()
            );
        }
        SearchResponse reranked = client().prepareSearch("long_gqr")
            .setQuery(QueryBuilders.matchAllQuery())
            .setSize(8)
            .addRescorer(new LateInteractionRescorerBuilder("body_tokens", text, MODEL, LateInteractionScoreMode.REPLACE, 1f, 1f), 8)
            .get();
        assertEquals("MaxSim over every passage's tokens", "music", reranked.getHits().getHits()[0].getId());
    }

    public void testBadMappingsAndValuesFailNamingTheField() throws IOException {
        Exception notIndexed = expectThrows(
            Exception.class,
            () -> prepareCreate("bad_chunked").setMapping(
                "{\"properties\": {\"v\": {\"type\": \"dense_vector\", \"dims\": 4, \"index\": false, \"chunked\": true}}}"
            ).get()
        );
        assertTrue(ExceptionsHelper.stackTrace(notIndexed), ExceptionsHelper.stackTrace(notIndexed).contains("[chunked] needs [index]"));
        assertAcked(
            prepareCreate("chunked_values")
                .setMapping("{\"properties\": {\"v\": {\"type\": \"dense_vector\", \"dims\": 2, \"chunked\": true}}}")
        );
        BulkResponse bulk = client().prepareBulk()
            .add(
                client().prepareIndex("chunked_values")
                    .setId("ok")
                    .setSource(
                        "{\"v\": {\"vectors\": [[1, 0], [0, 1]], \"offsets\": [[0, 0, 5], [0, 4, 9]], \"token_rows\": {\"t\": [3, 0]}}}",
                        XContentType.JSON
                    )
            )
            .add(client().prepareIndex("chunked_values").setId("plain").setSource("{\"v\": [1, 0]}", XContentType.JSON))
            .add(client().prepareIndex("chunked_values").setId("dims").setSource("{\"v\": {\"vectors\": [[1, 0, 0]]}}", XContentType.JSON))
            .add(
                client().prepareIndex("chunked_values")
                    .setId("offsets")
                    .setSource("{\"v\": {\"vectors\": [[1, 0]], \"offsets\": [[0, 5, 2]]}}", XContentType.JSON)
            )
            .add(
                client().prepareIndex("chunked_values")
                    .setId("count")
                    .setSource("{\"v\": {\"vectors\": [[1, 0]], \"offsets\": [[0, 0, 1], [0, 1, 2]]}}", XContentType.JSON)
            )
            .add(
                client().prepareIndex("chunked_values")
                    .setId("rows_count")
                    .setSource("{\"v\": {\"vectors\": [[1, 0]], \"token_rows\": {\"t\": [3, 4]}}}", XContentType.JSON)
            )
            .add(
                client().prepareIndex("chunked_values")
                    .setId("rows_negative")
                    .setSource("{\"v\": {\"vectors\": [[1, 0]], \"token_rows\": {\"t\": [-1]}}}", XContentType.JSON)
            )
            .add(
                client().prepareIndex("chunked_values")
                    .setId("rows_shape")
                    .setSource("{\"v\": {\"vectors\": [[1, 0]], \"token_rows\": [3]}}", XContentType.JSON)
            )
            .get();
        assertFalse(bulk.getItems()[0].getFailureMessage(), bulk.getItems()[0].isFailed());
        for (int i = 1; i < bulk.getItems().length; i++) {
            assertTrue(bulk.getItems()[i].getId(), bulk.getItems()[i].isFailed());
            assertEquals(400, bulk.getItems()[i].getFailure().getStatus().getStatus());
            assertTrue(bulk.getItems()[i].getFailureMessage(), bulk.getItems()[i].getFailureMessage().contains("[v]"));
        }
        Exception onImages = expectThrows(
            Exception.class,
            () -> client().admin()
                .cluster()
                .preparePutPipeline(
                    "image_chunking",
                    new BytesArray("{\"processors\": [{\"embed_image\": {\"field_map\": {\"url\": \"v\"}, \"chunking\": {}}}]}"),
                    XContentType.JSON
                )
                .get()
        );
        assertTrue(ExceptionsHelper.stackTrace(onImages), ExceptionsHelper.stackTrace(onImages).contains("chunking"));
    }
}
