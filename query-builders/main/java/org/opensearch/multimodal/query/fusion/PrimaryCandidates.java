package org.opensearch.multimodal.query.fusion;

import org.apache.lucene.util.BytesRef;
import org.opensearch.multimodal.math.RefinablePrimary;
import org.opensearch.multimodal.memory.TokenMemory;
import org.opensearch.multimodal.query.retriever.GatheredPrimary;

import java.io.IOException;

/** A GQR primary's candidates, wherever their vectors are: on the shard, or as the shards sent them. */
interface PrimaryCandidates {

    /** The starting parameters z0. */
    float[] start();

    /** The primary as a function of z over the pool documents at {@code positions} (increasing). */
    RefinablePrimary over(int[] positions, TokenMemory.Reservation held) throws IOException;

    TokenMemory memory();

    /**
     * The primary's candidates on the coordinating node: {@code vectors[i]} of pool position i (null: not sent), in the
     * form {@code shape} says the shards sent them.
     */
    static PrimaryCandidates gathered(GatheredPrimary shape, BytesRef[] vectors, TokenMemory memory) {
        return new PrimaryCandidates() {

            @Override
            public float[] start() {
                return shape.z0().clone();
            }

            @Override
            public RefinablePrimary over(int[] positions, TokenMemory.Reservation held) {
                BytesRef[] candidates = new BytesRef[positions.length];
                for (int c = 0; c < positions.length; c++) {
                    candidates[c] = vectors[positions[c]];
                    if (candidates[c] != null) {
                        held.reserve(candidates[c].length, "the GQR primary's field");
                    }
                }
                return shape.primary(candidates);
            }

            @Override
            public TokenMemory memory() {
                return memory;
            }
        };
    }
}
