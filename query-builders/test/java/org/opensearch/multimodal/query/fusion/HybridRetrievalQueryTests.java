package org.opensearch.multimodal.query.fusion;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.opensearch.multimodal.math.ScoreNormalization;
import org.opensearch.multimodal.query.retriever.PoolRetriever;
import org.opensearch.multimodal.query.retriever.TestPoolRetrievers;
import org.opensearch.multimodal.stats.MultimodalStats;
import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hybrid retrieval on a real Lucene index spread over several segments: the pool is the union of each retriever's
 * top k, every pool document is scored exactly by every retriever, and the fused scores come back as a query.
 */
public final class HybridRetrievalQueryTests extends OpenSearchTestCase {

    private static final float[] QUERY = {1f, 0f};

    /** Doc i: its vector (or none) and its body text. */
    private static final float[][] VECTORS = {{1f, 0f}, {0.8f, 0.6f}, {0f, 1f}, {0.6f, 0.8f}, null, {-1f, 0f}};
    private static final String[] BODIES = {"red shoes", "blue shoes", "red dress", "green hat", "red red hat", "blue dress"};

    private static void index(IndexWriter writer) throws IOException {
        for (int i = 0; i < BODIES.length; i++) {
            Document doc = new Document();
            if (VECTORS[i] != null) {
                doc.add(new KnnFloatVectorField("v", VECTORS[i], VectorSimilarityFunction.DOT_PRODUCT));
            }
            doc.add(new TextField("body", BODIES[i], Field.Store.NO));
            writer.addDocument(doc);
            if (i % 2 == 1) {
                writer.commit(); // several segments: doc ids cross leaf boundaries
            }
        }
    }

    private static List<PoolRetriever> retrievers() {
        return List.of(
            TestPoolRetrievers.dense("text", "v", QUERY, VectorSimilarityFunction.DOT_PRODUCT, new KnnFloatVectorQuery("v", QUERY, 2), 2),
            TestPoolRetrievers.lexical("bm25", new TermQuery(new Term("body", "red")), 2)
        );
    }

    private static PoolFusion rrf() {
        return new ScoreFusion(true, 60, ScoreNormalization.MIN_MAX, Map.of());
    }

    public void testThePoolIsTheUnionScoredByEveryRetrieverAndFusedByRank() throws IOException {
        try (Directory directory = newDirectory()) {
            try (IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig().setMergePolicy(NoMergePolicy.INSTANCE))) {
                index(writer);
            }
            try (DirectoryReader reader = DirectoryReader.open(directory)) {
                assertTrue("several segments", reader.leaves().size() > 1);
                IndexSearcher searcher = new IndexSearcher(reader);
                HybridRetrievalQuery query = new HybridRetrievalQuery(retrievers(), rrf(), new MultimodalStats());
                TopDocs top = searcher.search(query, 10);
                // dense top 2: docs 0, 1; "red" top 2: doc 4 (red twice), doc 0 (ties with 2, the lower id first)
                assertEquals("the pool: docs 0, 1, 4", 3, top.totalHits.value());
                int[] order = Arrays.stream(top.scoreDocs).mapToInt(d -> d.doc).toArray();
                assertArrayEquals(new int[]{0, 4, 1}, order);
                ScoreDoc[] hits = top.scoreDocs;
                assertEquals("rank 1 dense, rank 2 lexical", 1f / 61 + 1f / 62, hits[0].score, 1e-7f);
                assertEquals("rank 1 lexical only", 1f / 61, hits[1].score, 1e-7f);
                assertEquals("rank 2 dense only", 1f / 62, hits[2].score, 1e-7f);
                assertEquals(3, searcher.count(query));

                Explanation explanation = searcher.explain(query, 1);
                assertTrue(explanation.isMatch());
                assertTrue(explanation.toString(), explanation.toString().contains("retriever [bm25] cannot score this document"));
                assertTrue(explanation.toString(), explanation.toString().contains("retriever [text] raw score"));
                assertFalse("not in the pool", searcher.explain(query, 5).isMatch());
            }
        }
    }

    public void testExactScoresReachDocumentsTheRetrieverDidNotPropose() throws IOException {
        try (Directory directory = newDirectory()) {
            try (IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig().setMergePolicy(NoMergePolicy.INSTANCE))) {
                index(writer);
            }
            try (DirectoryReader reader = DirectoryReader.open(directory)) {
                IndexSearcher searcher = new IndexSearcher(reader);
                PoolRetriever dense = retrievers().get(0);
                float[] scores = dense.score(searcher, new int[]{1, 3, 4, 5});
                assertEquals((1 + 0.8f) / 2, scores[0], 1e-6f);
                assertEquals("proposed by nobody, still scored", (1 + 0.6f) / 2, scores[1], 1e-6f);
                assertTrue("no vector: cannot score", Float.isNaN(scores[2]));
                assertEquals(0f, scores[3], 1e-6f);
                float[] lexical = retrievers().get(1).score(searcher, new int[]{0, 1, 2, 4});
                assertTrue(lexical[0] > 0 && lexical[2] > 0 && lexical[3] > lexical[0]);
                assertTrue("no match: cannot score", Float.isNaN(lexical[1]));
            }
        }
    }

    public void testNegativeFusedScoresAreShiftedKeepingTheOrder() throws IOException {
        try (Directory directory = newDirectory()) {
            try (IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig().setMergePolicy(NoMergePolicy.INSTANCE))) {
                index(writer);
            }
            try (DirectoryReader reader = DirectoryReader.open(directory)) {
                IndexSearcher searcher = new IndexSearcher(reader);
                PoolFusion zScore = new ScoreFusion(false, 60, ScoreNormalization.Z_SCORE, Map.of());
                TopDocs top = searcher.search(new HybridRetrievalQuery(retrievers(), zScore, new MultimodalStats()), 10);
                for (ScoreDoc hit : top.scoreDocs) {
                    assertTrue("Lucene scores are never negative: " + hit.score, hit.score >= 0f);
                }
                assertEquals(3, top.scoreDocs.length);
            }
        }
    }

    /**
     * Linear fusion normalizes each retriever's scores over the whole pool, not over its own top k: a document another
     * retriever brought in is scored exactly and widens the range.
     */
    public void testLinearNormalizationSpansThePoolNotEachRetrieversOwnTopK() throws IOException {
        try (Directory directory = newDirectory()) {
            try (IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig().setMergePolicy(NoMergePolicy.INSTANCE))) {
                index(writer);
            }
            try (DirectoryReader reader = DirectoryReader.open(directory)) {
                IndexSearcher searcher = new IndexSearcher(reader);
                List<PoolRetriever> retrievers = List.of(
                    TestPoolRetrievers.dense(
                        "text",
                        "v",
                        QUERY,
                        VectorSimilarityFunction.DOT_PRODUCT,
                        new KnnFloatVectorQuery("v", QUERY, 2),
                        2
                    ),
                    TestPoolRetrievers.lexical("bm25", new TermQuery(new Term("body", "dress")), 2)
                );
                // only the dense scores count; the pool is dense's top 2 (docs 0, 1) and the "dress" docs 2 and 5
                PoolFusion denseOnly = new ScoreFusion(false, 60, ScoreNormalization.MIN_MAX, Map.of("bm25", 0f));
                TopDocs top = searcher.search(new HybridRetrievalQuery(retrievers, denseOnly, new MultimodalStats()), 10);
                Map<Integer, Float> scores = new HashMap<>();
                for (ScoreDoc hit : top.scoreDocs) {
                    scores.put(hit.doc, hit.score);
                }
                assertEquals("the pool", Set.of(0, 1, 2, 5), scores.keySet());
                // dense scores (1 + cos) / 2: doc 0 1.0, doc 1 0.9, doc 2 0.5, doc 5 0.0; min-max over the pool keeps them
                assertEquals(1f, scores.get(0), 1e-6f);
                assertEquals("over its own top 2 (1.0, 0.9) it would be 0", 0.9f, scores.get(1), 1e-6f);
                assertEquals(0.5f, scores.get(2), 1e-6f);
                assertEquals(0f, scores.get(5), 1e-6f);
            }
        }
    }
}
