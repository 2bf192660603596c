package org.opensearch.multimodal.bench;

import org.apache.lucene.util.VectorUtil;
import org.opensearch.multimodal.math.EncodedMaxSim;
import org.opensearch.multimodal.math.MaxSim;
import org.opensearch.multimodal.math.TokenEncoding;
import org.opensearch.multimodal.math.TokenPooling;
import org.opensearch.multimodal.math.VectorMath;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The compact-token kernels side by side in one run, on synthetic data of the product's shape (docs/notes/measurements.md, docs/notes/compact-multi-vectors.md):
 * <ol>
 * <li>rerank cost: 100 documents of 330 tokens x 384 dims against a 20-token query, per {@link TokenEncoding} (and the
 * float matrix path of {@link MaxSim} as it is today), median of several rounds after a warm-up, with the ratio to
 * float32;</li>
 * <li>token pooling cost per document at pool factors 2 and 3;</li>
 * <li>ranking fidelity of each encoding against float32 on non-centred synthetic token vectors (a common offset
 * direction, as bge-small's token vectors have), binary with and without centring.</li>
 * </ol>
 * Arguments (the bench profile's {@code --data/--models/--home} are ignored): {@code [--rounds 15] [--warmup 10]
 * [--seed 42] [--queries 30]}. Run with {@code --add-modules=jdk.incubator.vector}, as the bench profile does, for
 * Lucene's SIMD dot products.
 */
public final class MaxSimKernelBenchmark {

    private static final int DOCS = 100;
    private static final int DOC_TOKENS = 330;
    private static final int QUERY_TOKENS = 20;
    private static final int DIMS = 384;
    private static final int TOPICS = 200;
    private static final int TOPICS_PER_DOC = 10;

    private static volatile float sink;

    private MaxSimKernelBenchmark() {
    }

    public static void main(String[] rawArgs) {
        List<String> args = Arrays.stream(rawArgs)
            .flatMap(a -> Arrays.stream(a.trim().split("\\s+")))
            .filter(a -> a.isEmpty() == false)
            .toList();
        int rounds = intArg(args, "--rounds", 15);
        int warmup = intArg(args, "--warmup", 10);
        long seed = intArg(args, "--seed", 42);
        int queries = intArg(args, "--queries", 30);
        System.out.printf(
            Locale.ROOT,
            "MaxSimKernelBenchmark: %d documents x %d tokens x %d dims, %d query tokens; java %s, %d cores%n",
            DOCS,
            DOC_TOKENS,
            DIMS,
            QUERY_TOKENS,
            Runtime.version(),
            Runtime.getRuntime().availableProcessors()
        );
        Synthetic data = new Synthetic(new Random(seed), 1.6f, false);
        float[][][] documents = new float[DOCS][][];
        int[][] topics = new int[DOCS][];
        for (int i = 0; i < DOCS; i++) {
            topics[i] = data.topics();
            documents[i] = data.document(topics[i]);
        }
        float[][] query = data.query(data.queryTopics(topics[0]));
        rerankCost(query, documents, rounds, warmup);
        poolingCost(documents, Math.max(3, rounds / 3));
        fidelity(seed, queries);
    }

    /** Time to score all documents, per kernel; the kernels take turns within each round so load hits them alike. */
    private static void rerankCost(float[][] query, float[][][] documents, int rounds, int warmup) {
        TokenEncoding[] encodings = TokenEncoding.values();
        byte[][][] blocks = new byte[encodings.length][DOCS][];
        EncodedMaxSim[] kernels = new EncodedMaxSim[encodings.length];
        for (int e = 0; e < encodings.length; e++) {
            for (int i = 0; i < DOCS; i++) {
                blocks[e][i] = encodings[e].encode(documents[i]);
            }
            kernels[e] = new EncodedMaxSim(query, QUERY_TOKENS, DIMS, encodings[e]);
        }
        long[][] nanos = new long[encodings.length + 1][rounds];
        for (int round = -warmup; round < rounds; round++) {
            for (int e = 0; e <= encodings.length; e++) {
                long start = System.nanoTime();
                float sum = 0f;
                if (e == encodings.length) {
                    for (float[][] document : documents) {
                        sum += MaxSim.score(query, QUERY_TOKENS, document);
                    }
                } else {
                    for (byte[] block : blocks[e]) {
                        sum += kernels[e].score(block, 0, DOC_TOKENS);
                    }
                }
                long elapsed = System.nanoTime() - start;
                sink += sum;
                if (round >= 0) {
                    nanos[e][round] = elapsed;
                }
            }
        }
        double float32 = median(nanos[0]);
        System.out.printf(Locale.ROOT, "%nRerank of %d documents (median of %d rounds after %d warm-up rounds)%n", DOCS, rounds, warmup);
        System.out.printf(Locale.ROOT, "%-28s %10s %10s %14s%n", "kernel", "ms/100 docs", "x float32", "bytes/doc");
        for (int e = 0; e <= encodings.length; e++) {
            String name = e == encodings.length ? "float[][] (MaxSim.score)" : "EncodedMaxSim " + encodings[e];
            long bytes = e == encodings.length ? 4L * DIMS * DOC_TOKENS : blocks[e][0].length;
            double ms = median(nanos[e]) / 1e6;
            System.out.printf(Locale.ROOT, "%-28s %10.2f %10.2f %14d%n", name, ms, median(nanos[e]) / float32, bytes);
        }
    }

    private static void poolingCost(float[][][] documents, int rounds) {
        int sample = 20;
        System.out.printf(
            Locale.ROOT,
            "%nToken pooling of a %d x %d document (median over %d documents x %d rounds)%n",
            DOC_TOKENS,
            DIMS,
            sample,
            rounds
        );
        for (int poolFactor : new int[]{2, 3}) {
            long[] nanos = new long[sample * rounds];
            int kept = 0;
            for (int round = -1; round < rounds; round++) {
                for (int i = 0; i < sample; i++) {
                    long start = System.nanoTime();
                    float[][] pooled = TokenPooling.pool(documents[i], poolFactor);
                    long elapsed = System.nanoTime() - start;
                    sink += pooled[0][0];
                    kept = pooled.length;
                    if (round >= 0) {
                        nanos[round * sample + i] = elapsed;
                    }
                }
            }
            System.out.printf(
                Locale.ROOT,
                "pool factor %d: %.2f ms per document (%d -> %d tokens)%n",
                poolFactor,
                median(nanos) / 1e6,
                DOC_TOKENS,
                kept
            );
        }
    }

    /**
     * Each encoding's ranking of the documents against float32's, per query: recall of float32's top 10 in its top 10,
     * Spearman's rho over all documents, the mean absolute score error; and nDCG@10 against the synthetic truth (a
     * document's relevance: how many of the query's topics it has). Binary is scored plain, centred on the corpus mean
     * token, and centred on each document's mean token.
     */
    private static void fidelity(long seed, int queries) {
        System.out.printf(
            Locale.ROOT,
            "%nRanking fidelity against float32 (%d queries x %d documents each; nDCG@10 against the synthetic topics)%n",
            queries,
            DOCS
        );
        record Setting(String name, float offset, boolean outlierDims) {
        }
        for (Setting setting : List.of(
            new Setting("centred (no offset)", 0f, false),
            new Setting("offset spread over all dims", 0.85f, false),
            new Setting("offset spread over all dims", 1.6f, false),
            new Setting("offset in 8 outlier dims", 1.6f, true)
        )) {
            Synthetic data = new Synthetic(new Random(seed + 1), setting.offset(), setting.outlierDims());
            float[][][] documents = new float[DOCS][][];
            int[][] topics = new int[DOCS][];
            List<float[]> all = new ArrayList<>();
            for (int i = 0; i < DOCS; i++) {
                topics[i] = data.topics();
                documents[i] = data.document(topics[i]);
                all.addAll(Arrays.asList(documents[i]));
            }
            float[] corpusMean = TokenEncoding.mean(all.toArray(new float[0][]));
            System.out.printf(
                Locale.ROOT,
                "%n%s, strength %.2f: mean cosine of two random tokens %.3f, |mean token| %.3f%n",
                setting.name(),
                setting.offset(),
                data.meanCosine(documents),
                Math.sqrt(VectorUtil.dotProduct(corpusMean, corpusMean))
            );
            System.out.printf(Locale.ROOT, "%-26s %8s %8s %10s %9s%n", "encoding", "R@10", "rho", "|err|", "nDCG@10");
            String[] names = {"float32", "bfloat16", "int8", "binary", "binary centred (corpus)", "binary centred (per doc)"};
            double[][] metrics = new double[names.length][4];
            Random queryRandom = new Random(seed + 2);
            for (int q = 0; q < queries; q++) {
                int[] queryTopics = data.queryTopics(topics[queryRandom.nextInt(DOCS)]);
                float[][] query = data.query(queryTopics);
                double[] relevance = new double[DOCS];
                for (int i = 0; i < DOCS; i++) {
                    relevance[i] = Arrays.stream(topics[i])
                        .distinct()
                        .filter(t -> Arrays.stream(queryTopics).anyMatch(u -> u == t))
                        .count();
                }
                float[][] scores = new float[names.length][DOCS];
                for (int c = 0; c < names.length; c++) {
                    scores[c] = scoreAll(names[c], query, documents, corpusMean);
                }
                for (int c = 0; c < names.length; c++) {
                    metrics[c][0] += recallAt10(scores[0], scores[c]);
                    metrics[c][1] += spearman(scores[0], scores[c]);
                    metrics[c][2] += meanAbsDiff(scores[0], scores[c]);
                    metrics[c][3] += ndcgAt10(scores[c], relevance);
                }
            }
            for (int c = 0; c < names.length; c++) {
                System.out.printf(
                    Locale.ROOT,
                    "%-26s %8.3f %8.3f %10.4f %9.3f%n",
                    names[c],
                    metrics[c][0] / queries,
                    metrics[c][1] / queries,
                    metrics[c][2] / queries,
                    metrics[c][3] / queries
                );
            }
        }
    }

    private static float[] scoreAll(String config, float[][] query, float[][][] documents, float[] corpusMean) {
        TokenEncoding encoding = TokenEncoding.parse(config.split(" ")[0]);
        boolean perDoc = config.endsWith("(per doc)");
        float[] center = config.endsWith("(corpus)") ? corpusMean : null;
        EncodedMaxSim kernel = new EncodedMaxSim(query, QUERY_TOKENS, DIMS, encoding, center);
        float[] scores = new float[documents.length];
        for (int i = 0; i < documents.length; i++) {
            float[] docCenter = perDoc ? TokenEncoding.mean(documents[i]) : center;
            if (perDoc) {
                kernel.setCenter(docCenter);
            }
            scores[i] = kernel.score(encoding.encode(documents[i], docCenter), 0, documents[i].length);
        }
        return scores;
    }

    /**
     * Token vectors made of a document's topics plus noise, and, like bge-small's, not centred: every token (query and
     * document) carries the same offset, spread over all dims or concentrated in a few outlier dims.
     */
    private static final class Synthetic {

        private final Random random;
        private final float strength;
        private final float[] offset;
        private final float[][] topics;

        Synthetic(Random random, float strength, boolean outlierDims) {
            this.random = random;
            this.strength = strength;
            this.offset = new float[DIMS];
            if (outlierDims) {
                for (int k = 0; k < 8; k++) {
                    offset[random.nextInt(DIMS)] = random.nextBoolean() ? 1f : -1f;
                }
            } else {
                for (int k = 0; k < DIMS; k++) {
                    offset[k] = (float) random.nextGaussian();
                }
            }
            VectorMath.l2NormalizeInPlace(offset);
            this.topics = new float[TOPICS][];
            for (int t = 0; t < TOPICS; t++) {
                topics[t] = gaussianUnit();
            }
        }

        /** A document's topics: {@value #TOPICS_PER_DOC} draws from all topics. */
        int[] topics() {
            int[] own = new int[TOPICS_PER_DOC];
            for (int i = 0; i < own.length; i++) {
                own[i] = random.nextInt(TOPICS);
            }
            return own;
        }

        float[][] document(int[] own) {
            float[][] tokens = new float[DOC_TOKENS][];
            for (int j = 0; j < DOC_TOKENS; j++) {
                tokens[j] = token(topics[own[random.nextInt(own.length)]], 0.8f);
            }
            return tokens;
        }

        /** Three of a document's topics. */
        int[] queryTopics(int[] documentTopics) {
            int[] chosen = new int[3];
            for (int i = 0; i < chosen.length; i++) {
                chosen[i] = documentTopics[random.nextInt(documentTopics.length)];
            }
            return chosen;
        }

        /** Query tokens: 30% on the query's topics, the rest off-topic, all much noisier than document tokens. */
        float[][] query(int[] queryTopics) {
            float[][] tokens = new float[QUERY_TOKENS][];
            for (int t = 0; t < QUERY_TOKENS; t++) {
                int topic = random.nextFloat() < 0.3f ? queryTopics[random.nextInt(queryTopics.length)] : random.nextInt(TOPICS);
                tokens[t] = token(topics[topic], 3f);
            }
            return tokens;
        }

        double meanCosine(float[][][] documents) {
            double sum = 0;
            int pairs = 2000;
            for (int p = 0; p < pairs; p++) {
                float[][] a = documents[random.nextInt(documents.length)];
                float[][] b = documents[random.nextInt(documents.length)];
                sum += VectorUtil.dotProduct(a[random.nextInt(a.length)], b[random.nextInt(b.length)]);
            }
            return sum / pairs;
        }

        private float[] token(float[] topic, float noise) {
            float[] noiseRow = gaussianUnit();
            float[] row = new float[DIMS];
            for (int k = 0; k < DIMS; k++) {
                row[k] = strength * offset[k] + topic[k] + noise * noiseRow[k];
            }
            return VectorMath.l2NormalizeInPlace(row);
        }

        private float[] gaussianUnit() {
            float[] row = new float[DIMS];
            for (int k = 0; k < DIMS; k++) {
                row[k] = (float) random.nextGaussian();
            }
            return VectorMath.l2NormalizeInPlace(row);
        }
    }

    private static double recallAt10(float[] reference, float[] scores) {
        int[] a = top(reference, 10);
        int[] b = top(scores, 10);
        int common = 0;
        for (int x : a) {
            for (int y : b) {
                common += x == y ? 1 : 0;
            }
        }
        return common / 10.0;
    }

    private static int[] top(float[] scores, int k) {
        return Arrays.stream(ranks(scores)).limit(k).toArray();
    }

    /** Document indices by descending score. */
    private static int[] ranks(float[] scores) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Float.compare(scores[y], scores[x]));
        return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    }

    /** nDCG@10 with linear gains. */
    private static double ndcgAt10(float[] scores, double[] relevance) {
        int[] order = ranks(scores);
        double[] ideal = relevance.clone();
        Arrays.sort(ideal);
        double dcg = 0;
        double idcg = 0;
        for (int r = 0; r < 10; r++) {
            double discount = 1 / (Math.log(r + 2) / Math.log(2));
            dcg += relevance[order[r]] * discount;
            idcg += ideal[ideal.length - 1 - r] * discount;
        }
        return idcg == 0 ? 0 : dcg / idcg;
    }

    private static double spearman(float[] a, float[] b) {
        int n = a.length;
        int[] ra = ranks(a);
        int[] rb = ranks(b);
        double[] posA = new double[n];
        double[] posB = new double[n];
        for (int r = 0; r < n; r++) {
            posA[ra[r]] = r;
            posB[rb[r]] = r;
        }
        double squared = 0;
        for (int i = 0; i < n; i++) {
            squared += (posA[i] - posB[i]) * (posA[i] - posB[i]);
        }
        return 1 - 6 * squared / ((double) n * ((double) n * n - 1));
    }

    private static double meanAbsDiff(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs(a[i] - b[i]);
        }
        return sum / a.length;
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    private static int intArg(List<String> args, String name, int fallback) {
        int at = args.indexOf(name);
        return at >= 0 && at + 1 < args.size() ? Integer.parseInt(args.get(at + 1)) : fallback;
    }
}
