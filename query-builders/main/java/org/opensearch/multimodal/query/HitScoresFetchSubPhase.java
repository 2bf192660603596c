package org.opensearch.multimodal.query;

import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.opensearch.common.document.DocumentField;
import org.opensearch.search.fetch.FetchContext;
import org.opensearch.search.fetch.FetchSubPhase;
import org.opensearch.search.fetch.FetchSubPhaseProcessor;
import org.opensearch.search.rescore.RescoreContext;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds each hit of a fused {@code multimodal} query its structured scores, the hit field {@value HitScores#FIELD}; with
 * a {@code late_interaction} rescorer, the hit's MaxSim too (under {@code late_interaction.max_sim}, on any query).
 */
public final class HitScoresFetchSubPhase implements FetchSubPhase {

    @Override
    public FetchSubPhaseProcessor getProcessor(FetchContext context) {
        FusedPoolQuery fused = context.query() == null ? null : find(context.query());
        LateInteractionRescorer.Context rescorer = null;
        for (RescoreContext rescore : context.rescore() == null ? List.<RescoreContext>of() : context.rescore()) {
            if (rescore instanceof LateInteractionRescorer.Context lateInteraction) {
                rescorer = lateInteraction;
            }
        }
        if (fused == null && rescorer == null) {
            return null;
        }
        LateInteractionRescorer.Context lateInteraction = rescorer;
        return new FetchSubPhaseProcessor() {

            @Override
            public void setNextReader(LeafReaderContext readerContext) {
            }

            @Override
            public void process(HitContext hit) throws IOException {
                Map<String, Object> details = fused == null ? null : fused.details(hit.hit().getId());
                if (lateInteraction != null) {
                    details = details == null ? new LinkedHashMap<>() : new LinkedHashMap<>(details);
                    details.put("late_interaction", maxSim(lateInteraction, hit));
                }
                if (details != null) {
                    hit.hit().setDocumentField(HitScores.FIELD, new DocumentField(HitScores.FIELD, List.of(details)));
                }
            }
        };
    }

    /** The hit's MaxSim against the rescorer's query tokens; {@code max_sim} null where it has no token vectors. */
    private static Map<String, Object> maxSim(LateInteractionRescorer.Context rescorer, HitContext hit) throws IOException {
        BinaryDocValues values = hit.reader().getBinaryDocValues(rescorer.field);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("field", rescorer.field);
        out.put("max_sim", values != null && values.advanceExact(hit.docId()) ? rescorer.maxSim().score(values.binaryValue()) : null);
        return out;
    }

    /** The fused ranking in a shard's query, rewritten or not; null when there is none. */
    static FusedPoolQuery find(Query query) {
        FusedPoolQuery[] found = new FusedPoolQuery[1];
        query.visit(new QueryVisitor() {

            @Override
            public void visitLeaf(Query leaf) {
                if (leaf instanceof FusedPoolQuery fusedPool) {
                    found[0] = fusedPool;
                } else if (leaf instanceof PoolScoresQuery scores && scores.fused() != null) {
                    found[0] = scores.fused();
                }
            }

            @Override
            public QueryVisitor getSubVisitor(BooleanClause.Occur occur, Query parent) {
                return this;
            }
        });
        return found[0];
    }
}
