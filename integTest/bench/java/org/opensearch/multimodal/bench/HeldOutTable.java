package org.opensearch.multimodal.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmarks' held-out table, one row per method: nDCG@10 and Recall@k on the test queries, nDCG@10 on the dev
 * queries the settings were chosen on, p50 latency and its median per-query ratio to a reference method, and a paired
 * bootstrap of the test nDCG@10 against a baseline method.
 */
final class HeldOutTable {

    private HeldOutTable() {
    }

    /**
     * Prints the table's header (after {@code title}) and rows; {@code baselineLabel} names the baseline in the last
     * column's header.
     */
    static void print(
        String title,
        Map<String, Map<String, Integer>> qrels,
        List<String> dev,
        List<String> test,
        int k,
        Map<String, Map<String, List<String>>> rankings,
        Map<String, double[]> latencies,
        String baseline,
        String baselineLabel,
        String latencyReference
    ) {
        double[] baselineNdcg = RankingMetrics.perQueryNdcg(qrels, test, rankings.get(baseline));
        System.out.println(title);
        System.out
            .println(
                "| method | nDCG@10 test | R@100 test | nDCG@10 dev | p50 ms | p50 vs " + latencyReference + " | vs " + baselineLabel
                    + " (95% CI) |"
            );
        System.out.println("|---|---|---|---|---|---|---|");
        for (Map.Entry<String, Map<String, List<String>>> method : rankings.entrySet()) {
            double[] ndcg = RankingMetrics.perQueryNdcg(qrels, test, method.getValue());
            double[] versus = RankingMetrics.pairedBootstrap(ndcg, baselineNdcg, 10_000);
            double recall = test.stream()
                .mapToDouble(id -> RankingMetrics.recall(method.getValue().get(id), qrels.get(id), k))
                .average()
                .orElse(0);
            System.out.printf(
                Locale.ROOT,
                "| %s | %.4f | %.4f | %.4f | %.1f | %.2f | %+.4f [%+.4f, %+.4f] |%n",
                method.getKey(),
                Arrays.stream(ndcg).average().orElse(0),
                recall,
                RankingMetrics.meanNdcg(qrels, dev, method.getValue()),
                RankingMetrics.percentile(latencies.get(method.getKey()), 50),
                RankingMetrics.medianRatio(latencies.get(method.getKey()), latencies.get(latencyReference)),
                versus[0],
                versus[1],
                versus[2]
            );
        }
    }
}
