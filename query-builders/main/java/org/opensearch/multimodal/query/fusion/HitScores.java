package org.opensearch.multimodal.query.fusion;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a hit got its score, as data: the field {@value #FIELD} of each hit of a fused {@code multimodal} query, which the
 * search and relevance pages read. {@code {"fusion": "rrf", "fused": 0.0325, "global_rank": 1, "retrievers": {"bm25":
 * {"score": 12.1, "rank": 2, "weight": 1, "share": 0.0161}, ...}}}; linear adds each retriever's {@code normalized} score,
 * GQR a {@code gqr} object (whether the document was a refinement candidate, the primary's score before and after).
 */
public final class HitScores {

    /** The hit field that carries it. */
    public static final String FIELD = "_multimodal";

    private HitScores() {
    }

    /** One retriever's part: its raw score (null where it cannot score the document), rank in the pool, weight, share. */
    static Map<String, Object> retriever(float raw, int rank, Float normalized, float weight, float share) {
        Map<String, Object> out = new LinkedHashMap<>();
        boolean scored = Float.isNaN(raw) == false;
        out.put("score", scored ? raw : null);
        out.put("rank", scored && rank > 0 ? rank : null);
        if (normalized != null) {
            out.put("normalized", scored ? normalized : null);
        }
        out.put("weight", weight);
        out.put("share", share);
        return out;
    }

    static Map<String, Object> of(String fusion, float fused, Map<String, Object> retrievers) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("fusion", fusion);
        out.put("fused", fused);
        out.put("retrievers", retrievers);
        return out;
    }
}
