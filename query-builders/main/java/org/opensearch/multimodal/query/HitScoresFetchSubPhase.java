package org.opensearch.multimodal.query;

import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.opensearch.common.document.DocumentField;
import org.opensearch.search.fetch.FetchContext;
import org.opensearch.search.fetch.FetchSubPhase;
import org.opensearch.search.fetch.FetchSubPhaseProcessor;

import java.util.List;
import java.util.Map;

/** Adds each hit of a fused {@code multimodal} query its structured scores, the hit field {@value HitScores#FIELD}. */
public final class HitScoresFetchSubPhase implements FetchSubPhase {

    @Override
    public FetchSubPhaseProcessor getProcessor(FetchContext context) {
        FusedPoolQuery fused = context.query() == null ? null : find(context.query());
        if (fused == null) {
            return null;
        }
        return new FetchSubPhaseProcessor() {

            @Override
            public void setNextReader(LeafReaderContext readerContext) {
            }

            @Override
            public void process(HitContext hit) {
                Map<String, Object> details = fused.details(hit.hit().getId());
                if (details != null) {
                    hit.hit().setDocumentField(HitScores.FIELD, new DocumentField(HitScores.FIELD, List.of(details)));
                }
            }
        };
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
