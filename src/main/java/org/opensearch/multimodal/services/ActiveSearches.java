package org.opensearch.multimodal.services;

import org.apache.lucene.search.IndexSearcher;
import org.opensearch.index.shard.SearchOperationListener;
import org.opensearch.search.internal.SearchContext;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The shard searches in their query or fetch phase on this node, by their searcher: what lets the plugin's query and
 * rescorer, which Lucene hands only a searcher, find their search's task, timeout and result, so they can stop when the
 * search is cancelled or its {@code timeout} passes. Registered on every index as a {@link SearchOperationListener}.
 */
public final class ActiveSearches implements SearchOperationListener {

    /** A shard search in one phase: when the phase started ({@link System#nanoTime()}), and whether it is the query phase. */
    public record Phase(SearchContext context, long startNanos, boolean query) {
    }

    private final Map<IndexSearcher, Phase> phases = new ConcurrentHashMap<>();

    /** The phase the search owning {@code searcher} is in, or null (a searcher of no shard search: _explain, a test). */
    public Phase of(IndexSearcher searcher) {
        return phases.get(searcher);
    }

    /** How many shard searches are in a phase now (idle: 0). */
    public int size() {
        return phases.size();
    }

    private void begin(SearchContext context, boolean query) {
        if (context.searcher() != null) {
            phases.put(context.searcher(), new Phase(context, System.nanoTime(), query));
        }
    }

    private void end(SearchContext context) {
        if (context.searcher() != null) {
            phases.remove(context.searcher());
        }
    }

    @Override
    public void onPreQueryPhase(SearchContext searchContext) {
        begin(searchContext, true);
    }

    @Override
    public void onFailedQueryPhase(SearchContext searchContext) {
        end(searchContext);
    }

    @Override
    public void onQueryPhase(SearchContext searchContext, long tookInNanos) {
        end(searchContext);
    }

    @Override
    public void onPreFetchPhase(SearchContext searchContext) {
        begin(searchContext, false);
    }

    @Override
    public void onFailedFetchPhase(SearchContext searchContext) {
        end(searchContext);
    }

    @Override
    public void onFetchPhase(SearchContext searchContext, long tookInNanos) {
        end(searchContext);
    }
}
