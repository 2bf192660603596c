package org.opensearch.multimodal.query.retriever;

import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Weight;

import java.io.IOException;

/** A lexical retriever: any query (BM25 and the like) proposes its top k and scores the pool documents it matches. */
record LexicalPoolRetriever(String name, Query query, int k) implements PoolRetriever {

    @Override
    public int[] topK(IndexSearcher searcher) throws IOException {
        return RetrievalSearcher.lexicalTopK(searcher, query, k);
    }

    @Override
    public float[] score(IndexSearcher searcher, int[] pool) throws IOException {
        Weight weight = searcher.createWeight(searcher.rewrite(query), ScoreMode.COMPLETE, 1f);
        return PoolRetriever.scoreByLeaf(searcher, pool, leaf -> {
            Scorer scorer = weight.scorer(leaf);
            if (scorer == null) {
                return null;
            }
            DocIdSetIterator iterator = scorer.iterator();
            return doc -> PoolRetriever.advanceTo(iterator, doc) ? scorer.score() : Float.NaN;
        });
    }
}
