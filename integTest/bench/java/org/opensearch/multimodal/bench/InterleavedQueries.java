package org.opensearch.multimodal.bench;

import org.opensearch.action.search.SearchRequestBuilder;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.search.SearchHit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs every method on every query, query by query, rotating which method goes first so none is always the one that
 * runs on a cold cache; records each method's top {@code size} ids and client-side latency per query.
 */
final class InterleavedQueries {

    private InterleavedQueries() {
    }

    /**
     * {@code methods}: a request per query text, by name. Fills {@code rankings} (method to query id to ranked ids) and
     * {@code latencies} (method to milliseconds, in {@code queryIds} order); {@code warmUp}: the first 5 queries once
     * through every method first, not recorded.
     */
    static void run(
        SciFact sciFact,
        List<String> queryIds,
        Map<String, Function<String, SearchRequestBuilder>> methods,
        int size,
        boolean warmUp,
        Map<String, Map<String, List<String>>> rankings,
        Map<String, double[]> latencies
    ) {
        List<String> names = new ArrayList<>(methods.keySet());
        for (int q = 0; warmUp && q < Math.min(5, queryIds.size()); q++) {
            for (Function<String, SearchRequestBuilder> method : methods.values()) {
                method.apply(sciFact.queries().get(queryIds.get(q))).setSize(size).setFetchSource(false).get();
            }
        }
        for (int q = 0; q < queryIds.size(); q++) {
            String id = queryIds.get(q);
            String text = sciFact.queries().get(id);
            for (int m = 0; m < names.size(); m++) {
                String name = names.get((m + q) % names.size());
                long start = System.nanoTime();
                SearchResponse response = methods.get(name).apply(text).setSize(size).setFetchSource(false).get();
                latencies.computeIfAbsent(name, n -> new double[queryIds.size()])[q] = (System.nanoTime() - start) / 1e6;
                rankings.computeIfAbsent(name, n -> new LinkedHashMap<>())
                    .put(id, Arrays.stream(response.getHits().getHits()).map(SearchHit::getId).toList());
            }
            if (q % 100 == 99) {
                System.out.printf(Locale.ROOT, "  %d/%d queries%n", q + 1, queryIds.size());
            }
        }
    }
}
