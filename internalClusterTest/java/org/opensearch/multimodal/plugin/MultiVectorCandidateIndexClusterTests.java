package org.opensearch.multimodal.plugin;

import org.opensearch.ExceptionsHelper;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.search.SearchHit;
import org.opensearch.test.OpenSearchIntegTestCase;

import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertAcked;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@code multi_vector} field with {@code "index": true}: its retriever alone proposes candidates from the field's own
 * HNSW graph of fixed-dimensional encodings and ranks them by exact MaxSim, on 1 and 3 shards, against an exhaustive
 * MaxSim over every document.
 */
@OpenSearchIntegTestCase.ClusterScope(scope = OpenSearchIntegTestCase.Scope.SUITE, numDataNodes = 2, numClientNodes = 0)
public class MultiVectorCandidateIndexClusterTests extends BgeClusterTestCase {

    private static final String MODEL = "bge-small-en-v1.5";
    private static final String QUERY = "how do plants turn light into energy";

    private void indexCorpus(String index, int shards, boolean candidateIndex) throws IOException {
        String pipeline = """
            {"processors": [{"embed_text": {"model": "bge-small-en-v1.5", "field_map": {"body": "body_vec"},
              "token_field_map": {"body": "body_tokens"}, "batch_size": 16}}]}""";
        assertAcked(client().admin().cluster().preparePutPipeline("tokens", new BytesArray(pipeline), XContentType.JSON).get());
        String mapping = String.format(
            Locale.ROOT,
            """
                {"properties": {"body": {"type": "text"}, "body_vec": {"type": "dense_vector", "dims": 384, "similarity": "cosine"},
                  "body_tokens": {"type": "multi_vector", "dims": 384, "encoding": "int8", "pool_factor": 2, "index": %s}}}""",
            candidateIndex
        );
        assertAcked(
            prepareCreate(index).setSettings(
                Map.of("index.number_of_shards", shards, "index.number_of_replicas", 0, "index.default_pipeline", "tokens")
            ).setMapping(mapping)
        );
        BulkResponse response = DemoCorpusBulk.index(client(), index);
        assertFalse(response.buildFailureMessage(), response.hasFailures());
        refresh(index);
    }

    private SearchResponse search(String index, String retrievers, String fusion, int size) {
        String json = "{\"multimodal\": {\"query_text\": \"" + QUERY + "\", \"retrievers\": {" + retrievers + "}" + fusion + "}}";
        return client().prepareSearch(index).setQuery(QueryBuilders.wrapperQuery(json)).setSize(size).get();
    }

    private static List<String> ids(SearchResponse response) {
        return Arrays.stream(response.getHits().getHits()).map(SearchHit::getId).toList();
    }

    private static String tokens(String options) {
        return "\"tokens\": {\"multi_vector\": {\"field\": \"body_tokens\", \"model\": \"" + MODEL + "\"" + options + "}}";
    }

    /** MaxSim of every document: every document in the pool (an exists query proposes all), the lexical weight 0. */
    private List<String> exhaustive(String index, int size) {
        String all = "\"all\": {\"lexical\": {\"exists\": {\"field\": \"body\"}}}, " + tokens("");
        return ids(search(index, all, ", \"fusion\": {\"linear\": {\"normalization\": \"none\", \"weights\": {\"all\": 0}}}", size));
    }

    public void testTheRetrieverAloneProposesWhatAnExhaustiveMaxSimRanksFirst() throws IOException {
        for (int shards : new int[]{1, 3}) {
            String index = "indexed_" + shards;
            indexCorpus(index, shards, true);
            List<String> exact = exhaustive(index, 10);
            List<String> proposed = ids(search(index, tokens(", \"k\": 10"), "", 10));
            assertEquals("the same best paragraph on " + shards + " shards", exact.get(0), proposed.get(0));
            long overlap = proposed.stream().filter(exact::contains).count();
            logger.info("{} shards: candidate index top 10 {} vs exhaustive {}: {}/10", shards, proposed, exact, overlap);
            assertTrue(shards + " shards: top-10 overlap with the exhaustive MaxSim " + overlap, overlap >= 9);
            // a small beam still gives k documents, each scored by MaxSim
            SearchResponse narrow = search(index, tokens(", \"k\": 5, \"num_candidates\": 5"), "", 10);
            assertEquals(5 * shards, narrow.getHits().getTotalHits().value());
        }
    }

    public void testGqrWithTheMultiVectorPrimaryAloneSearchesAgainInTheFieldsIndex() throws IOException {
        indexCorpus("gqr_alone", 3, true);
        String lexical = "\"bm25\": {\"lexical\": {\"query\": {\"match\": {\"body\": \"" + QUERY + "\"}}, \"k\": 5}}, ";
        String gqr = ", \"fusion\": {\"gqr\": {\"primary\": \"tokens\", \"complementary\": [\"bm25\"], \"pool_k\": 5, \"steps\": 10, "
            + "\"learning_rate\": 0.001, \"search_again\": %s}}";
        List<String> plain = ids(search("gqr_alone", lexical + tokens(", \"k\": 5"), String.format(Locale.ROOT, gqr, false), 48));
        List<String> again = ids(search("gqr_alone", lexical + tokens(", \"k\": 5"), String.format(Locale.ROOT, gqr, true), 48));
        assertEquals(exhaustive("gqr_alone", 1).get(0), again.get(0));
        assertTrue("the second search only adds: " + plain + " -> " + again, again.containsAll(plain));
    }

    public void testAFieldWithoutAnIndexOnlyScoresAndSaysSo() throws IOException {
        indexCorpus("not_indexed", 1, false);
        Exception e = expectThrows(Exception.class, () -> search("not_indexed", tokens(""), "", 10));
        assertEquals(e.toString(), 400, ExceptionsHelper.status(e).getStatus());
        String message = ExceptionsHelper.stackTrace(e);
        assertTrue(message, message.contains("nothing proposes candidates: a multi_vector field without an index of its own"));
        // with a retriever that fills the pool it scores as before
        String withLexical = "\"bm25\": {\"lexical\": {\"match\": {\"body\": \"" + QUERY + "\"}}}, " + tokens("");
        assertEquals("34", ids(search("not_indexed", withLexical, "", 10)).get(0));
    }

    public void testIndexOptionsAreCheckedAndIndexCannotChange() throws IOException {
        Exception tooWide = expectThrows(
            Exception.class,
            () -> prepareCreate("too_wide").setMapping(
                "{\"properties\": {\"t\": {\"type\": \"multi_vector\", \"dims\": 384, \"index\": true, "
                    + "\"index_options\": {\"repetitions\": 32, \"bits\": 3, \"projection\": 16}}}}"
            ).get()
        );
        assertTrue(ExceptionsHelper.stackTrace(tooWide), ExceptionsHelper.stackTrace(tooWide).contains("more than the 1024 dimensions"));
        indexCorpus("fixed", 1, false);
        Exception change = expectThrows(
            Exception.class,
            () -> client().admin()
                .indices()
                .preparePutMapping("fixed")
                .setSource(
                    "{\"properties\": {\"body_tokens\": {\"type\": \"multi_vector\", \"dims\": 384, \"encoding\": \"int8\", \"pool_factor\": 2, \"index\": true}}}",
                    XContentType.JSON
                )
                .get()
        );
        assertTrue(ExceptionsHelper.stackTrace(change), ExceptionsHelper.stackTrace(change).contains("[index]"));
    }
}
