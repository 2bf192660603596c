package org.opensearch.multimodal.query;

import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Weight;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * One retriever of a shard's hybrid retrieval: it proposes its top {@code k} documents for the pool, and then scores
 * every pool document exactly, whichever retriever proposed it ({@code NaN} where it cannot: no vector, no match).
 */
interface PoolRetriever {

    String name();

    /** Global doc ids of this retriever's top k in the shard. */
    int[] topK(IndexSearcher searcher) throws IOException;

    /** The exact score of each of {@code pool} (global doc ids, increasing). */
    float[] score(IndexSearcher searcher, int[] pool) throws IOException;

    /** The scores of one segment's pool documents, asked for in increasing doc order; {@code NaN} where there is none. */
    @FunctionalInterface
    interface LeafScores {
        float score(int leafDoc) throws IOException;
    }

    /** Opens a segment for scoring; null when nothing in it can be scored. */
    @FunctionalInterface
    interface LeafScoresFactory {
        LeafScores open(LeafReaderContext leaf) throws IOException;
    }

    /** Scores {@code pool} (global doc ids, increasing) segment by segment, {@code NaN} where the segment gives none. */
    static float[] scoreByLeaf(IndexSearcher searcher, int[] pool, LeafScoresFactory factory) throws IOException {
        float[] scores = new float[pool.length];
        Arrays.fill(scores, Float.NaN);
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        int i = 0;
        while (i < pool.length) {
            LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(pool[i], leaves));
            int end = leaf.docBase + leaf.reader().maxDoc();
            LeafScores leafScores = factory.open(leaf);
            for (; i < pool.length && pool[i] < end; i++) {
                if (leafScores != null) {
                    scores[i] = leafScores.score(pool[i] - leaf.docBase);
                }
            }
        }
        return scores;
    }

    /** Moves {@code iterator} to {@code doc} if it can; true when it stands on it. */
    static boolean advanceTo(DocIdSetIterator iterator, int doc) throws IOException {
        return (iterator.docID() < doc ? iterator.advance(doc) : iterator.docID()) == doc;
    }

    /** Top k by running {@code query} (its own scores), e.g. a KNN query or a lexical query with the filter. */
    static int[] topDocs(IndexSearcher searcher, Query query, int k) throws IOException {
        ScoreDoc[] hits = searcher.search(query, k).scoreDocs;
        return Arrays.stream(hits).mapToInt(h -> h.doc).toArray();
    }

    /** A dense retriever: its KNN query proposes, the stored vectors score the pool exactly with the field's similarity. */
    record Dense(String name, String field, float[] queryVector, VectorSimilarityFunction similarity, Query knnQuery, int k) implements PoolRetriever {
        @Override
        public int[] topK(IndexSearcher searcher) throws IOException {
            return topDocs(searcher, knnQuery, k);
        }

        @Override
        public float[] score(IndexSearcher searcher, int[] pool) throws IOException {
            return scoreByLeaf(searcher, pool, leaf -> {
                FloatVectorValues values = leaf.reader().getFloatVectorValues(field);
                if (values == null) {
                    return null;
                }
                KnnVectorValues.DocIndexIterator iterator = values.iterator();
                return doc -> advanceTo(iterator, doc) ? similarity.compare(queryVector, values.vectorValue(iterator.index())) : Float.NaN;
            });
        }
    }

    /** A lexical retriever: any query (BM25 and the like) proposes its top k and scores the pool documents it matches. */
    record Lexical(String name, Query query, int k) implements PoolRetriever {
        @Override
        public int[] topK(IndexSearcher searcher) throws IOException {
            return topDocs(searcher, query, k);
        }

        @Override
        public float[] score(IndexSearcher searcher, int[] pool) throws IOException {
            Weight weight = searcher.createWeight(searcher.rewrite(query), ScoreMode.COMPLETE, 1f);
            return scoreByLeaf(searcher, pool, leaf -> {
                Scorer scorer = weight.scorer(leaf);
                if (scorer == null) {
                    return null;
                }
                DocIdSetIterator iterator = scorer.iterator();
                return doc -> advanceTo(iterator, doc) ? scorer.score() : Float.NaN;
            });
        }
    }
}
