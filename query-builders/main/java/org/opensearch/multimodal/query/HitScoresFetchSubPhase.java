package org.opensearch.multimodal.query;

import org.apache.lucene.index.LeafReaderContext;
import org.opensearch.common.document.DocumentField;
import org.opensearch.multimodal.query.fusion.FusedPoolQuery;
import org.opensearch.multimodal.query.fusion.HitScores;
import org.opensearch.multimodal.query.highlight.HitPassages;
import org.opensearch.multimodal.query.rescore.RescoredMaxSims;
import org.opensearch.search.fetch.FetchContext;
import org.opensearch.search.fetch.FetchSubPhase;
import org.opensearch.search.fetch.FetchSubPhaseProcessor;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Adds each hit of a fused {@code multimodal} query its structured scores, the hit field {@value HitScores#FIELD} (from
 * the fused ranking, {@link FusedPoolQuery}); with a {@code late_interaction} rescorer, whether its shard rescored the
 * hit and the MaxSim it computed (under {@code late_interaction}, on any query; {@link RescoredMaxSims}); with the
 * {@code passage} highlighter, the best passages' offsets and scores (under {@code passages.<field>}; {@link HitPassages}).
 */
public final class HitScoresFetchSubPhase implements FetchSubPhase {

    @Override
    public FetchSubPhaseProcessor getProcessor(FetchContext context) {
        FusedPoolQuery fused = context.query() == null ? null : FusedPoolQuery.in(context.query());
        HitPassages passages = HitPassages.requested(context);
        IntFunction<Map<String, Object>> lateInteraction = RescoredMaxSims.shownInFetch(context);
        if (fused == null && lateInteraction == null && passages == null) {
            return null;
        }
        return new FetchSubPhaseProcessor() {

            @Override
            public void setNextReader(LeafReaderContext readerContext) {
            }

            @Override
            public void process(HitContext hit) throws IOException {
                Map<String, Object> details = fused == null ? null : fused.details(hit.hit().getId());
                if (lateInteraction != null) {
                    details = details == null ? new LinkedHashMap<>() : new LinkedHashMap<>(details);
                    details.put("late_interaction", lateInteraction.apply(hit.readerContext().docBase + hit.docId()));
                }
                if (passages != null) {
                    Map<String, Object> shown = passages.of(hit);
                    details = details == null ? new LinkedHashMap<>() : new LinkedHashMap<>(details);
                    details.put("passages", shown);
                }
                if (details != null) {
                    hit.hit().setDocumentField(HitScores.FIELD, new DocumentField(HitScores.FIELD, List.of(details)));
                }
            }
        };
    }
}
