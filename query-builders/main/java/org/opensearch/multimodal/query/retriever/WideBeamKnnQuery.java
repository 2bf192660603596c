package org.opensearch.multimodal.query.retriever;

import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TopDocs;

/**
 * A KNN search whose graph search keeps {@code numCandidates} per segment (the HNSW beam) and which matches only the
 * best {@code k} of them over the shard: {@code num_candidates} buys recall without widening the results, as
 * Elasticsearch's kNN search has it.
 */
final class WideBeamKnnQuery extends KnnFloatVectorQuery {

    private final int topK;

    /** The KNN search of {@code topK} with a beam of {@code numCandidates}: a plain one when the beam is no wider. */
    static KnnFloatVectorQuery of(String field, float[] target, int topK, int numCandidates, Query filter) {
        return numCandidates > topK
            ? new WideBeamKnnQuery(field, target, topK, numCandidates, filter)
            : new KnnFloatVectorQuery(field, target, topK, filter);
    }

    WideBeamKnnQuery(String field, float[] target, int topK, int numCandidates, Query filter) {
        super(field, target, numCandidates, filter);
        this.topK = topK;
    }

    @Override
    protected TopDocs mergeLeafResults(TopDocs[] perLeafResults) {
        return TopDocs.merge(topK, perLeafResults);
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && ((WideBeamKnnQuery) o).topK == topK;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + topK;
    }

    @Override
    public String toString(String field) {
        return super.toString(field) + "[top " + topK + "]";
    }
}
