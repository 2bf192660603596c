package org.opensearch.multimodal.plugin;

import org.opensearch.action.bulk.BulkRequestBuilder;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.common.settings.Settings;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.multimodal.query.retriever.PinnedRetriever;
import org.opensearch.multimodal.query.retriever.RetrieverKinds;
import org.opensearch.plugins.Plugin;
import org.opensearch.search.SearchHit;
import org.opensearch.test.OpenSearchIntegTestCase;

import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertAcked;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A retriever kind added without touching the query builder: {@link PinnedRetriever}, one class, registered by a plugin
 * built on this one. The {@code multimodal} query parses it from JSON, sends it between nodes, fuses it with a lexical
 * retriever, explains it, and refuses it as GQR's primary with the reason the kind gives.
 */
@OpenSearchIntegTestCase.ClusterScope(scope = OpenSearchIntegTestCase.Scope.SUITE, numDataNodes = 2, numClientNodes = 0)
public class RetrieverKindExtensionClusterTests extends OpenSearchIntegTestCase {

    /** The plugin with one more retriever kind: its whole registration. */
    public static final class WithPinnedRetrievers extends MultimodalPlugin {

        public WithPinnedRetrievers(Settings settings) {
            super(settings);
        }

        @Override
        protected RetrieverKinds retrieverKinds() {
            return super.retrieverKinds().with(PinnedRetriever.KIND);
        }
    }

    @Override
    protected Collection<Class<? extends Plugin>> nodePlugins() {
        return List.of(WithPinnedRetrievers.class);
    }

    public void testAnAddedKindIsParsedSentFusedAndExplained() {
        assertAcked(prepareCreate("docs").setSettings(Map.of("index.number_of_shards", 2, "index.number_of_replicas", 0)));
        BulkRequestBuilder bulk = client().prepareBulk();
        String[] bodies = {"red shoes for running", "red wine from the valley", "blue shoes", "a green garden", "black watch"};
        for (int i = 0; i < bodies.length; i++) {
            bulk.add(client().prepareIndex("docs").setId(Integer.toString(i)).setSource(Map.of("body", bodies[i])));
        }
        assertFalse(bulk.get().hasFailures());
        refresh("docs");

        String json = """
            {"multimodal": {"query_text": "red shoes", "retrievers": {
              "bm25": {"lexical": {"match": {"body": "red shoes"}}},
              "pins": {"pinned": {"ids": ["4"]}}},
             "fusion": {"rrf": {}}}}""";
        SearchResponse response = client().prepareSearch("docs")
            .setQuery(QueryBuilders.wrapperQuery(json))
            .setExplain(true)
            .setSize(10)
            .get();
        List<String> ids = Arrays.stream(response.getHits().getHits()).map(SearchHit::getId).toList();
        assertTrue("the pinned document joins the lexical hits: " + ids, ids.containsAll(List.of("0", "1", "2", "4")));
        SearchHit pinned = response.getHits().getHits()[ids.indexOf("4")];
        assertEquals("rank 1 of the pinned retriever only", 1f / 61, pinned.getScore(), 1e-6f);
        assertTrue(pinned.getExplanation().toString(), pinned.getExplanation().toString().contains("retriever [pins]"));

        String asPrimary = """
            {"multimodal": {"query_text": "red shoes", "retrievers": {
              "bm25": {"lexical": {"match": {"body": "red shoes"}}},
              "pins": {"pinned": {"ids": ["4"]}}},
             "fusion": {"gqr": {"primary": "pins"}}}}""";
        Exception refused = expectThrows(
            Exception.class,
            () -> client().prepareSearch("docs").setQuery(QueryBuilders.wrapperQuery(asPrimary)).get()
        );
        assertTrue(refused.toString(), refused.toString().contains("retriever [pins] pins documents: it has no query vector to refine"));

        String unknown = """
            {"multimodal": {"query_text": "x", "retrievers": {"b": {"boosted": {}}}}}""";
        Exception unknownKind = expectThrows(
            Exception.class,
            () -> client().prepareSearch("docs").setQuery(QueryBuilders.wrapperQuery(unknown)).get()
        );
        assertTrue(unknownKind.toString(), unknownKind.toString().contains("[dense, lexical, multi_vector, pinned]"));
    }
}
