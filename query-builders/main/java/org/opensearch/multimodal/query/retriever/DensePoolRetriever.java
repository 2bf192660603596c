package org.opensearch.multimodal.query.retriever;

import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.util.BytesRef;
import org.opensearch.multimodal.memory.TokenMemory;

import java.io.IOException;

/** A dense retriever: its KNN query proposes, the stored vectors score the pool exactly with the field's similarity. */
record DensePoolRetriever(String name, String field, float[] queryVector, VectorSimilarityFunction similarity, Query knnQuery, int k)
    implements
        PoolRetriever.Refinable {

    @Override
    public int[] topK(IndexSearcher searcher) throws IOException {
        return PoolRetriever.topDocs(searcher, knnQuery, k);
    }

    @Override
    public float[] score(IndexSearcher searcher, int[] pool) throws IOException {
        return PoolRetriever.scoreByLeaf(searcher, pool, leaf -> {
            FloatVectorValues values = leaf.reader().getFloatVectorValues(field);
            if (values == null) {
                return null;
            }
            KnnVectorValues.DocIndexIterator iterator = values.iterator();
            return doc -> PoolRetriever.advanceTo(iterator, doc) ? similarity.compare(queryVector, values.vectorValue(iterator.index()))
                : Float.NaN;
        });
    }

    @Override
    public float[] queryParameters() {
        return queryVector.clone();
    }

    @Override
    public String cannotRefine() {
        return cannotRefine(field, similarity);
    }

    /** Why a dense field's scores cannot be refined: GQR moves inner products, not distances; null when they can. */
    static String cannotRefine(String field, VectorSimilarityFunction similarity) {
        return similarity == VectorSimilarityFunction.EUCLIDEAN
            ? "searches [" + field + "] by l2_norm; GQR refines inner-product scores (cosine or dot_product fields)"
            : null;
    }

    /** The refined vector searched in the same graph, with the same filter and beam (its length does not change the order). */
    @Override
    public int[] searchAgain(IndexSearcher searcher, float[] z, int topK) throws IOException {
        if (knnQuery instanceof KnnFloatVectorQuery == false) {
            return null;
        }
        KnnFloatVectorQuery original = (KnnFloatVectorQuery) knnQuery;
        return PoolRetriever
            .refinedTopDocs(searcher, z, refined -> WideBeamKnnQuery.of(field, refined, topK, original.getK(), original.getFilter()), topK);
    }

    @Override
    public GatheredPrimary shape() {
        return GatheredPrimary.dense(queryVector.length, queryParameters());
    }

    @Override
    public BytesRef[] vectors(IndexSearcher searcher, int[] docs, TokenMemory.Reservation held) throws IOException {
        BytesRef[] out = new BytesRef[docs.length];
        int[] position = {0};
        PoolRetriever.scoreByLeaf(searcher, docs, leaf -> {
            FloatVectorValues values = leaf.reader().getFloatVectorValues(field);
            KnnVectorValues.DocIndexIterator iterator = values == null ? null : values.iterator();
            return doc -> {
                int i = position[0]++;
                if (iterator != null && PoolRetriever.advanceTo(iterator, doc)) {
                    held.reserve((long) Float.BYTES * queryVector.length, field);
                    out[i] = GatheredPrimary.floatBytes(values.vectorValue(iterator.index()));
                }
                return 0f;
            };
        });
        return out;
    }

    /** Alone in a query with no fusion, its KNN query is the whole query. */
    @Override
    public Query standalone() {
        return knnQuery;
    }
}
