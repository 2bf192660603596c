package org.opensearch.multimodal.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * nDCG@k and Recall@k as BEIR computes them (pytrec_eval: linear gains, log2 discount), and the statistics the
 * benchmarks report with them: percentiles, median per-query ratios, paired bootstrap intervals.
 */
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

    /** Mean nDCG@10 over {@code queries}, {@code ranking} by query id. */
    static double meanNdcg(Map<String, Map<String, Integer>> qrels, List<String> queries, Map<String, List<String>> ranking) {
        return Arrays.stream(perQueryNdcg(qrels, queries, ranking)).average().orElse(0);
    }

    static double[] perQueryNdcg(Map<String, Map<String, Integer>> qrels, List<String> queries, Map<String, List<String>> ranking) {
        return queries.stream().mapToDouble(id -> ndcg(ranking.get(id), qrels.get(id), 10)).toArray();
    }

    /** The median of a[i] / b[i]: a latency ratio that one slow outlier cannot decide. */
    static double medianRatio(double[] a, double[] b) {
        double[] ratios = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            ratios[i] = a[i] / Math.max(1e-3, b[i]);
        }
        return percentile(ratios, 50);
    }

    /**
     * The mean of a[i] - b[i] and its 95% paired bootstrap interval (queries resampled with replacement, fixed seed):
     * {mean, low, high}.
     */
    static double[] pairedBootstrap(double[] a, double[] b, int rounds) {
        Random random = new Random(42);
        double[] means = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            double sum = 0;
            for (int i = 0; i < a.length; i++) {
                int q = random.nextInt(a.length);
                sum += a[q] - b[q];
            }
            means[r] = sum / a.length;
        }
        double mean = 0;
        for (int i = 0; i < a.length; i++) {
            mean += (a[i] - b[i]) / a.length;
        }
        return new double[]{mean, percentile(means, 2.5), percentile(means, 97.5)};
    }

    /** The p-th percentile (nearest rank) of {@code values}, which it leaves unsorted. */
    static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
