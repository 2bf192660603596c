package org.opensearch.multimodal.math;

import org.apache.lucene.util.VectorUtil;
import org.opensearch.test.OpenSearchTestCase;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;

/** MUVERA's encodings: sizes, determinism, filled buckets, and candidates that hold the MaxSim winner. */
public final class FixedDimensionalEncodingTests extends OpenSearchTestCase {

    private static final int DIMS = 64;

    public void testDimensionsAndTheHnswLimit() {
        assertEquals(4 * 16 * 16, new FixedDimensionalEncoding(DIMS, 4, 4, 16, 1).dimensions());
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> new FixedDimensionalEncoding(DIMS, 8, 4, 16, 1));
        assertTrue(e.getMessage(), e.getMessage().contains("2048 dimensions, more than the 1024"));
    }

    public void testOneBucketWithoutProjectionIsTheMeanTokenAgainstTheSumOfTheQuerys() {
        Random random = new Random(randomLong());
        float[][] document = tokens(random, 5);
        float[][] query = tokens(random, 3);
        FixedDimensionalEncoding encoding = new FixedDimensionalEncoding(DIMS, 1, 0, 0, 1);
        assertEquals(DIMS, encoding.dimensions());
        float[] mean = new float[DIMS];
        float[] sum = new float[DIMS];
        for (float[] token : document) {
            for (int k = 0; k < DIMS; k++) {
                mean[k] += token[k] / document.length;
            }
        }
        for (float[] token : query) {
            for (int k = 0; k < DIMS; k++) {
                sum[k] += token[k];
            }
        }
        assertArrayEquals(mean, encoding.encodeDocument(document), 1e-6f);
        assertArrayEquals(sum, encoding.encodeQuery(query, query.length), 1e-6f);
    }

    public void testTheSameSeedGivesTheSameEncodingAndAnotherSeedAnother() {
        Random random = new Random(randomLong());
        float[][] tokens = tokens(random, 12);
        float[] a = new FixedDimensionalEncoding(DIMS, 2, 3, 8, 7).encodeDocument(tokens);
        assertArrayEquals(a, new FixedDimensionalEncoding(DIMS, 2, 3, 8, 7).encodeDocument(tokens), 0f);
        assertFalse(Arrays.equals(a, new FixedDimensionalEncoding(DIMS, 2, 3, 8, 8).encodeDocument(tokens)));
    }

    public void testEveryDocumentBucketIsFilledSoEveryQueryTokenMeetsADocumentToken() {
        FixedDimensionalEncoding encoding = new FixedDimensionalEncoding(DIMS, 2, 4, 8, 3);
        float[][] one = tokens(new Random(randomLong()), 1);
        float[] document = encoding.encodeDocument(one);
        // one token: every bucket of every repetition holds it, so all 16 blocks of a repetition are equal and non-zero
        for (int r = 0; r < 2; r++) {
            float[] first = Arrays.copyOfRange(document, r * 16 * 8, r * 16 * 8 + 8);
            assertTrue(VectorUtil.dotProduct(first, first) > 0);
            for (int b = 1; b < 16; b++) {
                int offset = (r * 16 + b) * 8;
                assertArrayEquals(first, Arrays.copyOfRange(document, offset, offset + 8), 0f);
            }
        }
    }

    /** Documents made of tokens around a few topics each; a query from one document's topics. */
    public void testTheEncodingsTopCandidatesHoldTheMaxSimWinner() {
        Random random = new Random(randomLong());
        int docs = 300;
        float[][][] corpus = new float[docs][][];
        float[][][] topics = new float[docs][][];
        for (int d = 0; d < docs; d++) {
            topics[d] = tokens(random, 4);
            corpus[d] = new float[40][];
            for (int t = 0; t < 40; t++) {
                corpus[d][t] = noisy(random, topics[d][t % 4], 0.4f);
            }
        }
        FixedDimensionalEncoding encoding = new FixedDimensionalEncoding(DIMS, 4, 3, 32, 11);
        float[][] encoded = Arrays.stream(corpus).map(encoding::encodeDocument).toArray(float[][]::new);
        int queries = 40;
        int held = 0;
        for (int q = 0; q < queries; q++) {
            int source = random.nextInt(docs);
            float[][] query = new float[6][];
            for (int t = 0; t < query.length; t++) {
                query[t] = noisy(random, topics[source][t % 4], 0.6f);
            }
            int winner = IntStream.range(0, docs)
                .boxed()
                .max(Comparator.comparingDouble(d -> MaxSim.score(query, query.length, corpus[d])))
                .orElseThrow();
            float[] fde = encoding.encodeQuery(query, query.length);
            int[] top10 = IntStream.range(0, docs)
                .boxed()
                .sorted(Comparator.comparingDouble(d -> -VectorUtil.dotProduct(fde, encoded[d])))
                .limit(10)
                .mapToInt(Integer::intValue)
                .toArray();
            if (Arrays.stream(top10).anyMatch(d -> d == winner)) {
                held++;
            }
        }
        assertTrue("the MaxSim winner among the encoding's top 10 of 300: " + held + "/" + queries, held >= queries * 0.9);
    }

    private static float[][] tokens(Random random, int n) {
        float[][] tokens = new float[n][DIMS];
        for (float[] token : tokens) {
            for (int k = 0; k < DIMS; k++) {
                token[k] = (float) random.nextGaussian();
            }
            VectorUtil.l2normalize(token);
        }
        return tokens;
    }

    private static float[] noisy(Random random, float[] center, float noise) {
        float[] token = new float[DIMS];
        for (int k = 0; k < DIMS; k++) {
            token[k] = center[k] + noise * (float) random.nextGaussian() / (float) Math.sqrt(DIMS);
        }
        return VectorUtil.l2normalize(token);
    }
}
