package org.opensearch.multimodal.plugin;

import org.opensearch.ExceptionsHelper;
import org.opensearch.action.ActionRequest;
import org.opensearch.action.search.SearchAction;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.action.search.SearchRequestBuilder;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.action.search.SearchType;
import org.opensearch.action.support.ActionFilter;
import org.opensearch.action.support.ActionFilterChain;
import org.opensearch.action.support.ActionRequestMetadata;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.core.tasks.TaskId;
import org.opensearch.index.query.MultiMatchQueryBuilder;
import org.opensearch.multimodal.query.MultimodalQueryBuilder;
import org.opensearch.multimodal.query.fusion.FusionSpec;
import org.opensearch.multimodal.query.fusion.PoolGatheringAggregationBuilder;
import org.opensearch.multimodal.query.retriever.DenseRetriever;
import org.opensearch.multimodal.query.retriever.LexicalRetriever;
import org.opensearch.multimodal.query.retriever.RetrieverSpec;
import org.opensearch.plugins.ActionPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.search.sort.SortOrder;
import org.opensearch.tasks.Task;
import org.opensearch.test.OpenSearchIntegTestCase;

import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertAcked;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a fused search does around its two rounds: the first round runs as a child of the user's search task, a shard
 * that fails it shows in {@code _shards.failed} of the search (or fails the search without partial results, never
 * with a 500), and paging past the pool returns nothing.
 */
@OpenSearchIntegTestCase.ClusterScope(scope = OpenSearchIntegTestCase.Scope.SUITE, numDataNodes = 2, numClientNodes = 0)
public class FusedSearchClusterTests extends BgeClusterTestCase {

    private static final String MODEL = "bge-small-en-v1.5";
    private static final String QUERY = "how do plants turn light into energy";

    /** Every search request the node executes: its task and its parent. */
    static final List<TaskId[]> SEARCHES = new CopyOnWriteArrayList<>();

    /** Records each search's task and parent task, as the first round's parent must be the user's search. */
    public static class SearchRecorder extends Plugin implements ActionPlugin {

        @Override
        public List<ActionFilter> getActionFilters() {
            return List.of(new ActionFilter() {

                @Override
                public int order() {
                    return 1;
                }

                @Override
                public <Request extends ActionRequest, Response extends ActionResponse> void apply(
                    Task task,
                    String action,
                    Request request,
                    ActionRequestMetadata<Request, Response> metadata,
                    ActionListener<Response> listener,
                    ActionFilterChain<Request, Response> chain
                ) {
                    if (SearchAction.NAME.equals(action) && request instanceof SearchRequest search) {
                        SEARCHES.add(new TaskId[]{new TaskId("recorded", task.getId()), search.getParentTask()});
                    }
                    chain.proceed(task, action, request, listener);
                }
            });
        }
    }

    @Override
    protected Collection<Class<? extends Plugin>> nodePlugins() {
        List<Class<? extends Plugin>> plugins = new ArrayList<>(super.nodePlugins());
        plugins.add(SearchRecorder.class);
        return plugins;
    }

    private void indexCorpus(String index, String vectorType) throws IOException {
        String pipeline = """
            {"processors": [{"embed_text": {"model": "bge-small-en-v1.5", "field_map": {"body": "body_vec"}}}]}""";
        assertAcked(client().admin().cluster().preparePutPipeline("dense", new BytesArray(pipeline), XContentType.JSON).get());
        String vector = vectorType.equals("dense_vector") ? "{\"type\": \"dense_vector\", \"dims\": 384}" : "{\"type\": \"keyword\"}";
        String mapping = "{\"properties\": {\"title\": {\"type\": \"text\"}, \"body\": {\"type\": \"text\"}, \"body_vec\": " + vector
            + "}}";
        Map<String, Object> settings = new LinkedHashMap<>(Map.of("index.number_of_shards", 2, "index.number_of_replicas", 0));
        if (vectorType.equals("dense_vector")) {
            settings.put("index.default_pipeline", "dense");
        }
        assertAcked(prepareCreate(index).setSettings(settings).setMapping(mapping));
        if (vectorType.equals("dense_vector")) {
            assertFalse(DemoCorpusBulk.index(client(), index).hasFailures());
        } else {
            client().prepareIndex(index).setId("x").setSource(Map.of("title", "plants", "body", "light")).get();
        }
        refresh(index);
    }

    private static MultimodalQueryBuilder rrf() {
        Map<String, RetrieverSpec> retrievers = new LinkedHashMap<>();
        retrievers.put("bm25", new LexicalRetriever(new MultiMatchQueryBuilder(QUERY, "title", "body"), 10));
        retrievers.put("text", new DenseRetriever("body_vec", MODEL, 10));
        return new MultimodalQueryBuilder(QUERY, null, null, retrievers, FusionSpec.defaultRrf(), null);
    }

    public void testTheFirstRoundIsAChildOfTheSearchAndAShardThatFailsItShowsInTheSearch() throws IOException {
        indexCorpus("good", "dense_vector");
        indexCorpus("bad", "keyword");
        SEARCHES.clear();
        SearchResponse good = client().prepareSearch("good").setQuery(rrf()).setSize(5).get();
        assertEquals(5, good.getHits().getHits().length);
        assertEquals("the user's search and its first round", 2, SEARCHES.size());
        TaskId user = SEARCHES.get(0)[0];
        TaskId firstRound = SEARCHES.get(1)[1];
        assertTrue("the first round has a parent: " + firstRound, firstRound.isSet());
        assertEquals("the first round's parent is the user's search", user.getId(), firstRound.getId());

        // the bad index's shards cannot run the dense retriever: partial results, the failure in _shards
        SearchResponse partial = client().prepareSearch("good", "bad").setQuery(rrf()).setSize(5).get();
        assertEquals(5, partial.getHits().getHits().length);
        assertEquals(2, partial.getFailedShards());
        String reason = partial.getShardFailures()[0].reason();
        assertTrue(reason, reason.contains("could not gather its pool in the fused search's first round"));
        assertTrue(reason, reason.contains("not [dense_vector]") || reason.contains("dense_vector"));
        assertEquals(400, partial.getShardFailures()[0].status().getStatus());

        Exception e = expectThrows(
            Exception.class,
            () -> client().prepareSearch("good", "bad").setQuery(rrf()).setAllowPartialSearchResults(false).get()
        );
        assertEquals(e.toString(), 400, ExceptionsHelper.status(e).getStatus());
    }

    /** One search type: the test client picks dfs_query_then_fetch at random, and BM25's scores differ with it. */
    private SearchRequestBuilder paged() {
        return client().prepareSearch("paged").setSearchType(SearchType.QUERY_THEN_FETCH);
    }

    public void testPagingPastThePoolReturnsNothingAndTheTotalIsThePool() throws IOException {
        indexCorpus("paged", "dense_vector");
        SearchResponse all = paged().setQuery(rrf()).setSize(100).setTrackTotalHits(true).get();
        long pool = all.getHits().getTotalHits().value();
        assertEquals(pool, all.getHits().getHits().length);
        assertTrue("two top-10s: " + pool, pool >= 10 && pool <= 20);
        SearchResponse past = paged().setQuery(rrf()).setFrom((int) pool).setSize(10).get();
        assertEquals(0, past.getHits().getHits().length);
        SearchResponse counted = paged().setQuery(rrf()).setSize(0).setTrackTotalHits(true).get();
        assertEquals(pool, counted.getHits().getTotalHits().value());
        // search_after with a tiebreaker pages through the fused ranking (its scores are distinct anyway)
        SearchResponse first = paged()
            .setQuery(rrf())
            .setSize(5)
            .addSort("_score", SortOrder.DESC)
            .addSort("id.keyword", SortOrder.ASC)
            .get();
        SearchResponse next = paged()
            .setQuery(rrf())
            .setSize(5)
            .addSort("_score", SortOrder.DESC)
            .addSort("id.keyword", SortOrder.ASC)
            .searchAfter(first.getHits().getAt(4).getSortValues())
            .get();
        List<String> pages = new ArrayList<>();
        for (SearchResponse page : List.of(first, next)) {
            for (var hit : page.getHits().getHits()) {
                pages.add(hit.getId());
            }
        }
        List<String> top10 = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            top10.add(all.getHits().getAt(i).getId());
        }
        assertEquals(top10, pages);
    }

    public void testTheInternalAggregationRefusesAnyOtherQuery() throws IOException {
        indexCorpus("plain", "dense_vector");
        Exception e = expectThrows(
            Exception.class,
            () -> client().prepareSearch("plain").addAggregation(new PoolGatheringAggregationBuilder("pool")).setSize(0).get()
        );
        assertEquals(e.toString(), 400, ExceptionsHelper.status(e).getStatus());
        assertTrue(ExceptionsHelper.stackTrace(e), ExceptionsHelper.stackTrace(e).contains("internal to the multimodal query"));
    }
}
