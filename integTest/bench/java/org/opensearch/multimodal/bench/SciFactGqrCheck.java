package org.opensearch.multimodal.bench;

import org.opensearch.common.settings.Settings;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.multimodal.math.ScoreNormalization;
import org.opensearch.multimodal.query.MultimodalQueryBuilder;
import org.opensearch.multimodal.query.fusion.FusionSpec;
import org.opensearch.multimodal.query.fusion.GqrSpec;
import org.opensearch.multimodal.query.retriever.DenseRetriever;
import org.opensearch.node.Node;
import org.opensearch.transport.client.Client;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * GQR with a dense primary at docs/notes/measurements.md §8's reference settings (lr 1e-3, 10 steps, min_max, T 1, alpha 0.5, K 10) on
 * all 300 queries, to set beside the reference's number: a check of the implementation, not a tuning (the reported
 * numbers come from {@link SciFactHybridBenchmark}'s dev split). Needs that benchmark's index ({@code --reuse}).
 */
public final class SciFactGqrCheck {

    private SciFactGqrCheck() {
    }

    public static void main(String[] rawArgs) throws Exception {
        List<String> args = Arrays.stream(rawArgs)
            .flatMap(a -> Arrays.stream(a.trim().split("\\s+")))
            .filter(a -> a.isEmpty() == false)
            .toList();
        Path data = Path.of(args.get(args.indexOf("--data") + 1));
        Path models = Path.of(args.get(args.indexOf("--models") + 1));
        Path home = Path.of(args.get(args.indexOf("--home") + 1));
        SciFact sciFact = SciFact.load(data);
        Node node = BenchNode.start(home, models, "bge-small-en-v1.5", "scifact-hybrid", 9251, 2, Settings.EMPTY);
        try {
            Client client = node.client();
            client.admin().cluster().prepareHealth("scifact_li").setWaitForGreenStatus().setTimeout(TimeValue.timeValueMinutes(5)).get();
            evaluate(
                client,
                sciFact,
                "dense",
                (c, text) -> c.prepareSearch("scifact_li")
                    .setQuery(
                        new MultimodalQueryBuilder(text, null, Map.of("dense", new DenseRetriever("vec", "bge-small-en-v1.5", 100)), null)
                    )
            );
            for (float alpha : new float[]{0.5f, 0f}) {
                for (int steps : new int[]{0, 10}) {
                    GqrSpec gqr = new GqrSpec("dense", List.of("bm25"), 10, steps, 1e-3f, 1f, alpha, ScoreNormalization.MIN_MAX);
                    evaluate(
                        client,
                        sciFact,
                        String.format(Locale.ROOT, "GQR dense lr 1e-3 steps %d alpha %s", steps, alpha),
                        (c, text) -> c.prepareSearch("scifact_li")
                            .setQuery(
                                new MultimodalQueryBuilder(
                                    text,
                                    null,
                                    null,
                                    SciFactHybridBenchmark.pool(text, false),
                                    FusionSpec.gqr(gqr),
                                    null
                                )
                            )
                    );
                }
            }
        } finally {
            node.close();
        }
    }

    private static void evaluate(Client client, SciFact sciFact, String label, SciFactHybridBenchmark.Method method) {
        double ndcg = 0;
        int n = 0;
        for (Map.Entry<String, String> q : sciFact.queries().entrySet()) {
            Map<String, Integer> relevant = sciFact.qrels().get(q.getKey());
            if (relevant == null) {
                continue;
            }
            List<String> ids = Arrays
                .stream(method.request(client, q.getValue()).setSize(100).setFetchSource(false).get().getHits().getHits())
                .map(h -> h.getId())
                .toList();
            ndcg += RankingMetrics.ndcg(ids, relevant, 10);
            n++;
        }
        System.out.printf(Locale.ROOT, "%-50s nDCG@10 (300) %.4f%n", label, ndcg / n);
    }
}
