package org.opensearch.multimodal.query.fusion;

import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.action.search.ShardSearchFailure;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.multimodal.query.common.SearchTaskFilter;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.transport.client.Client;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The first round of a fused search: a size-0 search over what the user's search covers, with the same routing,
 * {@code preference}, indices options, search type (so {@code dfs_query_then_fetch} gathers BM25 scores on global
 * statistics), {@code timeout}, partial-results policy, request-cache choice and point in time, run in the caller's
 * thread context (its security applies) as a child of the user's search task.
 */
public final class PoolGathering {

    static final String AGGREGATION = "pool";

    private PoolGathering() {
    }

    /** The gathered pool, the shards that failed to gather theirs (by "index][shard") with why, and whether any timed out. */
    public record Round(GatheredPool pool, int shards, Map<String, ShardFailure> failures, boolean timedOut) {
    }

    public record ShardFailure(String reason, RestStatus status) {
    }

    public static void run(Client client, SearchRequest outer, QueryBuilder gathering, ActionListener<Round> listener) {
        SearchRequest inner = outer.pointInTimeBuilder() == null ? new SearchRequest(outer.indices()) : new SearchRequest();
        inner.indicesOptions(outer.indicesOptions());
        inner.routing(outer.routing());
        inner.preference(outer.preference());
        inner.searchType(outer.searchType());
        if (outer.allowPartialSearchResults() != null) {
            inner.allowPartialSearchResults(outer.allowPartialSearchResults());
        }
        if (outer.requestCache() != null) {
            inner.requestCache(outer.requestCache());
        }
        inner.setCancelAfterTimeInterval(outer.getCancelAfterTimeInterval());
        SearchSourceBuilder source = new SearchSourceBuilder().query(gathering)
            .size(0)
            .trackTotalHits(false)
            .aggregation(new PoolGatheringAggregationBuilder(AGGREGATION));
        if (outer.source() != null) {
            source.timeout(outer.source().timeout());
            if (outer.pointInTimeBuilder() != null) {
                source.pointInTimeBuilder(outer.pointInTimeBuilder());
            }
        }
        inner.source(source);
        SearchTaskFilter.CoordinatingSearch parent = SearchTaskFilter.searchTask(client.threadPool().getThreadContext());
        if (parent != null) {
            inner.setParentTask(parent.id());
        }
        client.search(inner, ActionListener.map(listener, PoolGathering::round));
    }

    private static Round round(SearchResponse response) {
        GatheredPool pool = response.getAggregations() == null ? null : response.getAggregations().get(AGGREGATION);
        Map<String, ShardFailure> failures = new LinkedHashMap<>();
        for (ShardSearchFailure failure : response.getShardFailures()) {
            if (failure.shard() != null) {
                failures.put(
                    failure.shard().getIndex() + "][" + failure.shard().getShardId().id(),
                    new ShardFailure(failure.reason(), failure.status())
                );
            }
        }
        if (pool == null && response.getSuccessfulShards() > 0) {
            throw new OpenSearchStatusException("the multimodal query's first round returned no pool", RestStatus.INTERNAL_SERVER_ERROR);
        }
        return new Round(pool, response.getTotalShards(), failures, response.isTimedOut());
    }
}
