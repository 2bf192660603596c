package org.opensearch.multimodal.query.fusion;

import org.opensearch.multimodal.math.Fusion;
import org.opensearch.multimodal.math.ScoreNormalization;

/**
 * Each retriever's ranks and normalized scores over one pool, computed once per retriever when a hit's explanation or
 * structured scores first ask (a shard that fuses alone never asks; the coordinating node asks for every pool document).
 */
final class PoolRanks {

    private final float[][] scores;
    private final ScoreNormalization normalization;
    private final int[][] ranks;
    private final float[][] normalized;

    /** {@code scores[retriever][i]}; {@code normalization} for {@link #normalized}, null when it is not asked for. */
    PoolRanks(float[][] scores, ScoreNormalization normalization) {
        this.scores = scores;
        this.normalization = normalization;
        this.ranks = new int[scores.length][];
        this.normalized = new float[scores.length][];
    }

    /** Retriever r's 1-based competition rank of pool document i, 0 where it cannot score it. */
    synchronized int rank(int r, int i) {
        if (ranks[r] == null) {
            ranks[r] = Fusion.ranks(scores[r]);
        }
        return ranks[r][i];
    }

    /** Retriever r's normalized score of pool document i. */
    synchronized float normalized(int r, int i) {
        if (normalized[r] == null) {
            normalized[r] = normalization.apply(scores[r]);
        }
        return normalized[r][i];
    }
}
