package org.opensearch.multimodal.query.retriever;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.util.VectorUtil;
import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** {@code num_candidates}: a wider HNSW beam finds the exact nearest neighbours more often, and still matches k. */
public final class WideBeamKnnQueryTests extends OpenSearchTestCase {

    private static final int DOCS = 3000;
    private static final int DIMS = 32;
    private static final int K = 10;

    public void testAWiderBeamRecallsTheExactTopKAndMatchesOnlyK() throws IOException {
        Random random = new Random(randomLong());
        float[][] vectors = new float[DOCS][];
        for (int i = 0; i < DOCS; i++) {
            vectors[i] = unit(random);
        }
        try (Directory directory = newDirectory()) {
            try (IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig())) {
                for (float[] vector : vectors) {
                    Document doc = new Document();
                    doc.add(new KnnFloatVectorField("v", vector, VectorSimilarityFunction.DOT_PRODUCT));
                    writer.addDocument(doc);
                }
                writer.forceMerge(1);
            }
            try (DirectoryReader reader = DirectoryReader.open(directory)) {
                IndexSearcher searcher = new IndexSearcher(reader);
                int queries = 30;
                double narrow = 0;
                double wide = 0;
                for (int q = 0; q < queries; q++) {
                    float[] query = unit(random);
                    Set<Integer> exact = IntStream.range(0, DOCS)
                        .boxed()
                        .sorted(Comparator.comparingDouble(d -> -VectorUtil.dotProduct(query, vectors[d])))
                        .limit(K)
                        .collect(Collectors.toSet());
                    narrow += recall(searcher.search(new KnnFloatVectorQuery("v", query, K), DOCS), exact);
                    TopDocs widened = searcher.search(new WideBeamKnnQuery("v", query, K, 1000, null), DOCS);
                    assertEquals("a wide beam still matches k documents", K, widened.scoreDocs.length);
                    assertEquals(K, searcher.count(new WideBeamKnnQuery("v", query, K, 1000, null)));
                    wide += recall(widened, exact);
                }
                narrow /= queries;
                wide /= queries;
                logger.info("recall@{} over {} queries: beam k {}, beam 1000 {}", K, queries, narrow, wide);
                assertTrue("beam 1000 of 3000 documents is (nearly) exact: " + wide, wide >= 0.99);
                assertTrue("the wider beam recalls at least as much: " + wide + " vs " + narrow, wide >= narrow);
            }
        }
    }

    private static double recall(TopDocs found, Set<Integer> exact) {
        return Arrays.stream(found.scoreDocs).mapToInt((ScoreDoc d) -> d.doc).filter(exact::contains).count() / (double) K;
    }

    private static float[] unit(Random random) {
        float[] v = new float[DIMS];
        for (int i = 0; i < DIMS; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return VectorUtil.l2normalize(v);
    }
}
