package org.opensearch.multimodal.query.fusion;

import org.apache.lucene.util.BytesRef;
import org.opensearch.multimodal.query.retriever.GatheredPrimary;

import java.util.Arrays;
import java.util.List;

/**
 * One shard's pool as the first round of a fused search gathers it ({@link PoolGatheringAggregationBuilder}): each
 * pool document's score from every retriever ({@code NaN}: cannot score it), which retrievers proposed it (bit r of
 * {@code proposedBy[i]}), and for GQR the primary's shape and the vectors of its local candidates (null elsewhere).
 */
record ShardPool(List<String> names, int[] docs, float[][] scores, long[] proposedBy, GatheredPrimary primary, BytesRef[] vectors) {

    /** No pool: what a shard whose retrieval ran past the request's timeout gathers. */
    static ShardPool empty(List<String> names) {
        return new ShardPool(names, new int[0], new float[names.size()][0], new long[0], null, null);
    }

    /** The pool position of global doc id {@code doc}, or a negative number. */
    int position(int doc) {
        return Arrays.binarySearch(docs, doc);
    }
}
