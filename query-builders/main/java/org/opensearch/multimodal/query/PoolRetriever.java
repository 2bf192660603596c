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
            float[] scores = new float[pool.length];
            Arrays.fill(scores, Float.NaN);
            List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
            int i = 0;
            while (i < pool.length) {
                LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(pool[i], leaves));
                int end = leaf.docBase + leaf.reader().maxDoc();
                FloatVectorValues values = leaf.reader().getFloatVectorValues(field);
                KnnVectorValues.DocIndexIterator iterator = values == null ? null : values.iterator();
                for (; i < pool.length && pool[i] < end; i++) {
                    if (iterator == null) {
                        continue;
                    }
                    int doc = pool[i] - leaf.docBase;
                    int at = iterator.docID() < doc ? iterator.advance(doc) : iterator.docID();
                    if (at == doc) {
                        scores[i] = similarity.compare(queryVector, values.vectorValue(iterator.index()));
                    }
                }
            }
            return scores;
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
            float[] scores = new float[pool.length];
            Arrays.fill(scores, Float.NaN);
            Weight weight = searcher.createWeight(searcher.rewrite(query), ScoreMode.COMPLETE, 1f);
            List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
            int i = 0;
            while (i < pool.length) {
                LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(pool[i], leaves));
                int end = leaf.docBase + leaf.reader().maxDoc();
                Scorer scorer = weight.scorer(leaf);
                DocIdSetIterator iterator = scorer == null ? null : scorer.iterator();
                for (; i < pool.length && pool[i] < end; i++) {
                    if (iterator == null) {
                        continue;
                    }
                    int doc = pool[i] - leaf.docBase;
                    int at = iterator.docID() < doc ? iterator.advance(doc) : iterator.docID();
                    if (at == doc) {
                        scores[i] = scorer.score();
                    }
                }
            }
            return scores;
        }
    }
}
