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
        run(sciFact, queryIds, methods, size, warmUp, rankings, latencies, null);
    }

    /** Told of each recorded search (not the warm-up's): before it starts, and after it answered or was refused. */
    interface Observer {

        void before(String method);

        /** {@code refused}: why the search failed (its ranking is recorded empty, its latency as measured); null if it answered. */
        void after(String method, RuntimeException refused);
    }

    /**
     * As above; {@code observer} (null: none) is told of each recorded search, and with one a refused search (warm-up
     * included) no longer stops the run: it is passed on and counts as a query that found nothing.
     */
    static void run(
        SciFact sciFact,
        List<String> queryIds,
        Map<String, Function<String, SearchRequestBuilder>> methods,
        int size,
        boolean warmUp,
        Map<String, Map<String, List<String>>> rankings,
        Map<String, double[]> latencies,
        Observer observer
    ) {
        List<String> names = new ArrayList<>(methods.keySet());
        for (int q = 0; warmUp && q < Math.min(5, queryIds.size()); q++) {
            for (Map.Entry<String, Function<String, SearchRequestBuilder>> method : methods.entrySet()) {
                try {
                    method.getValue().apply(sciFact.queries().get(queryIds.get(q))).setSize(size).setFetchSource(false).get();
                } catch (RuntimeException e) {
                    if (observer == null) {
                        throw e;
                    }
                    System.out.printf(Locale.ROOT, "  warm-up search refused, %s: %s%n", method.getKey(), e.getMessage());
                }
            }
        }
        for (int q = 0; q < queryIds.size(); q++) {
            String id = queryIds.get(q);
            String text = sciFact.queries().get(id);
            for (int m = 0; m < names.size(); m++) {
                String name = names.get((m + q) % names.size());
                SearchRequestBuilder request = methods.get(name).apply(text).setSize(size).setFetchSource(false);
                if (observer != null) {
                    observer.before(name);
                }
                RuntimeException refused = null;
                List<String> ranked = List.of();
                long start = System.nanoTime();
                try {
                    SearchResponse response = request.get();
                    ranked = Arrays.stream(response.getHits().getHits()).map(SearchHit::getId).toList();
                } catch (RuntimeException e) {
                    if (observer == null) {
                        throw e;
                    }
                    refused = e;
                }
                latencies.computeIfAbsent(name, n -> new double[queryIds.size()])[q] = (System.nanoTime() - start) / 1e6;
                if (observer != null) {
                    observer.after(name, refused);
                }
                rankings.computeIfAbsent(name, n -> new LinkedHashMap<>()).put(id, ranked);
            }
            if (q % 100 == 99) {
                System.out.printf(Locale.ROOT, "  %d/%d queries%n", q + 1, queryIds.size());
            }
        }
    }
}
