package org.opensearch.multimodal.query;

import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.MultiVectorSimilarity;
import org.opensearch.multimodal.math.MaxSim;

/**
 * docs/DESIGN.md §4's MaxSim for Lucene's late-interaction machinery: the mean over query tokens of the best raw dot product
 * (rows are L2-normalized, so cosines), where Lucene's own SUM_MAX_SIM sums (1 + cos) / 2. The mean keeps scores in
 * [-1, 1] whatever the query's length, so they combine with first-pass scores the same way for every query.
 */
enum AverageMaxSim implements MultiVectorSimilarity {

    INSTANCE;

    @Override
    public float compare(float[][] query, float[][] document, VectorSimilarityFunction ignored) {
        return MaxSim.score(query, query.length, document);
    }
}
