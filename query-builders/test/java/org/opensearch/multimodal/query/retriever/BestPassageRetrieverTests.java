package org.opensearch.multimodal.query.retriever;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.store.Directory;
import org.apache.lucene.util.VectorUtil;
import org.opensearch.multimodal.mapper.DenseVectorFieldMapper.DenseVectorFieldType;
import org.opensearch.multimodal.mapper.FieldModel;
import org.opensearch.multimodal.mapper.HnswOptions;
import org.opensearch.multimodal.mapper.VectorSimilarity;
import org.opensearch.multimodal.math.RefinablePrimary;
import org.opensearch.multimodal.memory.TokenMemory;
import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** A chunked field's dense retriever on a real Lucene index: a document is its best passage, for search, scoring and GQR. */
public class BestPassageRetrieverTests extends OpenSearchTestCase {

    private static final int DIMS = 8;
    private static final DenseVectorFieldType FIELD = new DenseVectorFieldType(
        "v",
        DIMS,
        VectorSimilarity.parse("dot_product"),
        true,
        true,
        HnswOptions.DEFAULT,
        new FieldModel(null, null),
        Map.of()
    );

    private float[][][] passages;
    private Directory directory;
    private DirectoryReader reader;
    private IndexSearcher searcher;

    @Override
    public void setUp() throws Exception {
        super.setUp();
        int docs = randomIntBetween(20, 60);
        passages = new float[docs][][];
        directory = newDirectory();
        try (IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig().setMergePolicy(NoMergePolicy.INSTANCE))) {
            for (int d = 0; d < docs; d++) {
                passages[d] = new float[randomIntBetween(1, 6)][];
                Document doc = new Document();
                for (int p = 0; p < passages[d].length; p++) {
                    passages[d][p] = randomUnit();
                    doc.add(new KnnFloatVectorField(FIELD.chunkField(p), passages[d][p], FIELD.similarity().luceneFunction()));
                }
                writer.addDocument(doc);
                if (rarely()) {
                    writer.commit(); // several segments
                }
            }
        }
        reader = DirectoryReader.open(directory);
        searcher = newSearcher(reader, false);
    }

    @Override
    public void tearDown() throws Exception {
        reader.close();
        directory.close();
        super.tearDown();
    }

    private float[] randomUnit() {
        float[] v = new float[DIMS];
        for (int k = 0; k < DIMS; k++) {
            v[k] = (float) random().nextGaussian();
        }
        return VectorUtil.l2normalize(v);
    }

    private float best(int doc, float[] query) {
        float best = Float.NEGATIVE_INFINITY;
        for (float[] passage : passages[doc]) {
            best = Math.max(best, VectorUtil.dotProduct(query, passage));
        }
        return best;
    }

    private BestPassageRetriever retriever(float[] query, int k) {
        return BestPassageRetriever.of("dense", FIELD, query, k, 100, null, reader);
    }

    public void testTheTopKAreTheDocumentsWithTheBestPassagesEachOnce() throws IOException {
        float[] query = randomUnit();
        int k = randomIntBetween(1, 10);
        int[] top = retriever(query, k).topK(searcher);
        Integer[] exact = IntStream.range(0, passages.length)
            .boxed()
            .sorted(Comparator.comparingDouble(d -> -best(d, query)))
            .toArray(Integer[]::new);
        assertEquals(k, top.length);
        assertEquals("distinct documents", k, Arrays.stream(top).distinct().count());
        // HNSW over so few vectors is exact: the same documents as a scan of every passage
        assertEquals(Arrays.stream(exact).limit(k).sorted().toList(), Arrays.stream(top).sorted().boxed().toList());
    }

    public void testPoolScoresAreTheBestPassagesSimilarity() throws IOException {
        float[] query = randomUnit();
        int[] pool = IntStream.range(0, passages.length).filter(d -> randomBoolean()).toArray();
        float[] scores = retriever(query, 5).score(searcher, pool);
        for (int i = 0; i < pool.length; i++) {
            assertEquals(FIELD.similarity().luceneFunction().compare(query, bestPassage(pool[i], query)), scores[i], 1e-6f);
        }
    }

    private float[] bestPassage(int doc, float[] query) {
        return Arrays.stream(passages[doc]).max(Comparator.comparingDouble(p -> VectorUtil.dotProduct(query, p))).orElseThrow();
    }

    public void testAsGqrsPrimaryItIsMaxSimOfOneRowWhoseGradientIsTheBestPassage() throws IOException {
        float[] query = randomUnit();
        BestPassageRetriever retriever = retriever(query, 5);
        assertNull(retriever.cannotRefine());
        int[] docs = IntStream.range(0, passages.length).filter(d -> randomBoolean() || d == 0).toArray();
        try (TokenMemory.Reservation held = retriever.memory().reservation()) {
            RefinablePrimary primary = retriever.primary(searcher, docs, held);
            float[] z = randomUnit();
            float[] scores = primary.scores(z);
            for (int i = 0; i < docs.length; i++) {
                assertEquals("the best passage's product", best(docs[i], z), scores[i], 1e-5f);
            }
            int one = randomIntBetween(0, docs.length - 1);
            float[] weights = new float[docs.length];
            weights[one] = 1f;
            float[] gradient = new float[DIMS];
            primary.weightedGradient(z, weights, gradient);
            assertArrayEquals("d score / dz is the best passage", bestPassage(docs[one], z), gradient, 1e-5f);
        }
    }

    public void testGqrsSecondSearchFindsTheRefinedQuerysBestDocumentsByTheirBestPassage() throws IOException {
        BestPassageRetriever retriever = retriever(randomUnit(), 3);
        float[] z = randomUnit();
        float[] unnormalized = z.clone();
        for (int d = 0; d < DIMS; d++) {
            unnormalized[d] *= 3f; // the refined query arrives unnormalized
        }
        int topK = randomIntBetween(1, 10);
        int[] found = retriever.searchAgain(searcher, unnormalized, topK);
        List<Integer> exact = IntStream.range(0, passages.length)
            .boxed()
            .sorted(Comparator.comparingDouble(d -> -best(d, z)))
            .limit(topK)
            .sorted()
            .toList();
        assertEquals("the refined query's top by best passage, in doc id order", exact, Arrays.stream(found).boxed().toList());
    }
}
