package org.opensearch.multimodal.bench;

import java.util.List;
import java.util.Map;

/** nDCG@k and Recall@k as BEIR computes them (pytrec_eval: linear gains, log2 discount). */
final class RankingMetrics {

    private RankingMetrics() {
    }

    static double ndcg(List<String> ranked, Map<String, Integer> relevant, int k) {
        double dcg = 0;
        for (int i = 0; i < Math.min(k, ranked.size()); i++) {
            dcg += relevant.getOrDefault(ranked.get(i), 0) / log2(i + 2);
        }
        List<Integer> ideal = relevant.values().stream().sorted((a, b) -> b - a).toList();
        double idcg = 0;
        for (int i = 0; i < Math.min(k, ideal.size()); i++) {
            idcg += ideal.get(i) / log2(i + 2);
        }
        return idcg == 0 ? 0 : dcg / idcg;
    }

    static double recall(List<String> ranked, Map<String, Integer> relevant, int k) {
        long relevantCount = relevant.values().stream().filter(v -> v > 0).count();
        if (relevantCount == 0) {
            return 0;
        }
        long found = ranked.stream().limit(k).filter(id -> relevant.getOrDefault(id, 0) > 0).count();
        return (double) found / relevantCount;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
