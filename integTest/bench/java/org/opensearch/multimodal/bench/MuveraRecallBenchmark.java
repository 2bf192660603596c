package org.opensearch.multimodal.bench;

import org.apache.lucene.util.VectorUtil;
import org.opensearch.multimodal.math.FixedDimensionalEncoding;
import org.opensearch.multimodal.math.MaxSim;
import org.opensearch.multimodal.math.TokenPooling;
import org.opensearch.multimodal.model.EncodingPurpose;
import org.opensearch.multimodal.model.ModelRegistry;
import org.opensearch.multimodal.model.OnnxSessions;
import org.opensearch.multimodal.model.TextEmbeddings;
import org.opensearch.multimodal.model.TextModel;
import org.opensearch.multimodal.settings.InferenceDevice;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntToDoubleFunction;
import java.util.stream.IntStream;

/**
 * Can MUVERA's fixed-dimensional encodings, within the 1,024 dimensions an HNSW graph takes, propose the candidates of
 * an exact MaxSim (issue 15, part 3)? No node: SciFact's bge token vectors from {@link SciFactVectorCache}, pooled as the
 * recommended mapping stores them ({@code pool_factor} 4, float), the 300 test queries' token vectors from bge; the
 * exhaustive MaxSim over the corpus is the reference. Per encoding (repetitions x 2^bits x projection) and candidate
 * count N: the exhaustive inner-product top N of the encodings (no HNSW: the encoding's own quality), reranked by exact
 * MaxSim; Recall@100 against the exhaustive MaxSim top 100, and nDCG@10 on the 270 held-out queries beside exhaustive
 * MaxSim's and exact dense's. Arguments: {@code --data DIR --models DIR --home DIR [--docs N] [--pool P]}.
 */
public final class MuveraRecallBenchmark {

    private static final int K = 100;
    private static final int[] CANDIDATES = {200, 500, 1000};
    /** repetitions, bits, projection: each 1,024 dimensions but the last (512). */
    private static final int[][] ENCODINGS = {
        {16, 2, 16, 0},
        {16, 2, 16, 1},
        {32, 1, 16, 1},
        {8, 1, 64, 1},
        {4, 1, 128, 1},
        {2, 1, 256, 1},
        {1, 1, 0, 1},
        {1, 0, 0, 0}};

    private MuveraRecallBenchmark() {
    }

    public static void main(String[] rawArgs) throws Exception {
        BenchArgs args = BenchArgs.parse(rawArgs, Set.of("--pool"));
        int poolFactor = args.intOf("--pool", 4);
        SciFact sciFact = args.sciFact();
        if (sciFact == null) {
            return;
        }
        List<SciFact.Doc> corpus = args.corpus(sciFact);
        Path models = args.models();
        Path home = args.home();
        SciFact.Split split = sciFact.split();
        Path cache = args.vectorCache(corpus);

        long start = System.nanoTime();
        String[] ids = new String[corpus.size()];
        float[][][] tokens = new float[corpus.size()][][];
        float[][] dense = new float[corpus.size()][];
        int[] next = {0};
        int pool = poolFactor;
        SciFactVectorCache.read(cache, corpus, true, (doc, vector, rows) -> {
            int d = next[0]++;
            ids[d] = doc.id();
            dense[d] = vector;
            tokens[d] = TokenPooling.pool(rows, pool);
        });
        System.out.printf(
            Locale.ROOT,
            "%d documents, token vectors pooled by %d: %.1f rows a document (%.0f s)%n",
            ids.length,
            poolFactor,
            Arrays.stream(tokens).mapToInt(t -> t.length).average().orElse(0),
            (System.nanoTime() - start) / 1e9
        );

        List<String> queryIds = split.all();
        float[][][] queryTokens = new float[queryIds.size()][][];
        float[][] queryDense = new float[queryIds.size()][];
        try (
            ModelRegistry registry = new ModelRegistry(
                List.of(models.resolve(SciFactVectorCache.MODEL).getParent()),
                new OnnxSessions(InferenceDevice.CPU)
            )
        ) {
            TextModel model = registry.textModel(SciFactVectorCache.MODEL);
            for (int q = 0; q < queryIds.size(); q++) {
                String text = sciFact.queries().get(queryIds.get(q));
                TextEmbeddings asTokens = model.encode(List.of(text), EncodingPurpose.QUERY_TOKENS, true);
                queryTokens[q] = asTokens.tokenVectors()[0];
                queryDense[q] = model.encode(List.of(text), EncodingPurpose.QUERY, false).vectors()[0];
            }
        }

        start = System.nanoTime();
        int[][] exact = new int[queryIds.size()][];
        Map<String, List<String>> exactRanking = new LinkedHashMap<>();
        Map<String, List<String>> denseRanking = new LinkedHashMap<>();
        IntStream.range(0, queryIds.size()).parallel().forEach(q -> {
            float[][] query = queryTokens[q];
            exact[q] = top(ids.length, K, d -> MaxSim.score(query, query.length, tokens[d]));
        });
        for (int q = 0; q < queryIds.size(); q++) {
            exactRanking.put(queryIds.get(q), Arrays.stream(exact[q]).mapToObj(d -> ids[d]).toList());
            float[] vector = queryDense[q];
            denseRanking.put(
                queryIds.get(q),
                Arrays.stream(top(ids.length, K, d -> VectorUtil.dotProduct(vector, dense[d]))).mapToObj(d -> ids[d]).toList()
            );
        }
        System.out.printf(
            Locale.ROOT,
            "exhaustive MaxSim of %d queries over the corpus: %.0f s%n",
            queryIds.size(),
            (System.nanoTime() - start) / 1e9
        );
        System.out.printf(
            Locale.ROOT,
            "nDCG@10 held out: exhaustive MaxSim %.4f, exact dense %.4f%n",
            RankingMetrics.meanNdcg(sciFact.qrels(), split.test(), exactRanking),
            RankingMetrics.meanNdcg(sciFact.qrels(), split.test(), denseRanking)
        );

        // the corpus's mean token: bge's tokens share a large common direction
        float[] mean = new float[SciFactVectorCache.DIMS];
        long rows = 0;
        for (float[][] doc : tokens) {
            for (float[] row : doc) {
                for (int k = 0; k < mean.length; k++) {
                    mean[k] += row[k];
                }
                rows++;
            }
        }
        for (int k = 0; k < mean.length; k++) {
            mean[k] /= rows;
        }
        System.out.printf(Locale.ROOT, "the mean token's norm: %.3f (unit tokens)%n", Math.sqrt(VectorUtil.dotProduct(mean, mean)));

        System.out.println(
            "\n| repetitions x 2^bits x projection | planes through | dims | N | Recall@100 vs exhaustive MaxSim | nDCG@10 held out |"
        );
        System.out.println("|---|---|---|---|---|---|");
        for (int[] setting : ENCODINGS) {
            FixedDimensionalEncoding encoding = new FixedDimensionalEncoding(
                SciFactVectorCache.DIMS,
                setting[0],
                setting[1],
                setting[2],
                42,
                setting[3] == 1 ? mean : null
            );
            float[][] encoded = Arrays.stream(tokens).parallel().map(encoding::encodeDocument).toArray(float[][]::new);
            for (int n : CANDIDATES) {
                double recall = 0;
                Map<String, List<String>> reranked = new LinkedHashMap<>();
                for (int q = 0; q < queryIds.size(); q++) {
                    float[] fde = encoding.encodeQuery(queryTokens[q], queryTokens[q].length);
                    int[] candidates = top(ids.length, n, d -> VectorUtil.dotProduct(fde, encoded[d]));
                    float[][] query = queryTokens[q];
                    Integer[] byMaxSim = Arrays.stream(candidates).boxed().toArray(Integer[]::new);
                    float[] scores = new float[ids.length];
                    for (int d : candidates) {
                        scores[d] = MaxSim.score(query, query.length, tokens[d]);
                    }
                    Arrays.sort(byMaxSim, Comparator.comparingDouble(d -> -scores[d]));
                    Set<Integer> found = new HashSet<>();
                    for (int i = 0; i < Math.min(K, byMaxSim.length); i++) {
                        found.add(byMaxSim[i]);
                    }
                    recall += Arrays.stream(exact[q]).filter(found::contains).count() / (double) K;
                    List<String> ranking = new ArrayList<>();
                    for (int i = 0; i < Math.min(K, byMaxSim.length); i++) {
                        ranking.add(ids[byMaxSim[i]]);
                    }
                    reranked.put(queryIds.get(q), ranking);
                }
                System.out.printf(
                    Locale.ROOT,
                    "| %d x %d x %d | %s | %d | %d | %.4f | %.4f |%n",
                    setting[0],
                    1 << setting[1],
                    setting[2],
                    setting[3] == 1 ? "the mean token" : "the origin",
                    encoding.dimensions(),
                    n,
                    recall / queryIds.size(),
                    RankingMetrics.meanNdcg(sciFact.qrels(), split.test(), reranked)
                );
            }
        }
    }

    /** The {@code k} best of {@code count} documents by {@code score}, best first. */
    private static int[] top(int count, int k, IntToDoubleFunction score) {
        double[] scores = new double[count];
        for (int d = 0; d < count; d++) {
            scores[d] = score.applyAsDouble(d);
        }
        return IntStream.range(0, count)
            .boxed()
            .sorted(Comparator.comparingDouble(d -> -scores[d]))
            .limit(k)
            .mapToInt(Integer::intValue)
            .toArray();
    }
}
