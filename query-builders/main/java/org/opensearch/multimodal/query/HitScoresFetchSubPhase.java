package org.opensearch.multimodal.query;

import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.opensearch.common.document.DocumentField;
import org.opensearch.multimodal.mapper.DenseVectorFieldMapper.DenseVectorFieldType;
import org.opensearch.search.fetch.FetchContext;
import org.opensearch.search.fetch.FetchSubPhase;
import org.opensearch.search.fetch.FetchSubPhaseProcessor;
import org.opensearch.search.fetch.subphase.highlight.SearchHighlightContext;
import org.opensearch.search.rescore.RescoreContext;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds each hit of a fused {@code multimodal} query its structured scores, the hit field {@value HitScores#FIELD}; with
 * a {@code late_interaction} rescorer, whether its shard rescored the hit and the MaxSim it computed (under
 * {@code late_interaction}, on any query); with
 * the {@code passage} highlighter, the best passages' offsets and scores (under {@code passages.<field>}).
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
        List<PassageField> passageFields = passageHighlights(context);
        if (fused == null && rescorer == null && passageFields.isEmpty()) {
            return null;
        }
        LateInteractionRescorer.Context lateInteraction = rescorer;
        Map<Integer, Float> rescoredMaxSims = rescorer == null
            ? Map.of()
            : RescoredMaxSims.recall(rescorer.searches, context.searcher(), rescorer);
        return new FetchSubPhaseProcessor() {

            @Override
            public void setNextReader(LeafReaderContext readerContext) {
            }

            /**
             * What this hit's shard's rescorer computed in the query phase: {@code rescored} whether the hit was in its
             * window, {@code max_sim} its MaxSim (null past the window, or without token vectors). Hits past the window
             * are not scored here: their MaxSim is not part of their score, and on long documents it costs what the
             * rescoring does.
             */
            private Map<String, Object> maxSimOf(HitContext hit) {
                int doc = hit.readerContext().docBase + hit.docId();
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("field", lateInteraction.field);
                out.put("rescored", rescoredMaxSims.containsKey(doc));
                out.put("max_sim", rescoredMaxSims.get(doc));
                return out;
            }

            @Override
            public void process(HitContext hit) throws IOException {
                Map<String, Object> details = fused == null ? null : fused.details(hit.hit().getId());
                if (lateInteraction != null) {
                    details = details == null ? new LinkedHashMap<>() : new LinkedHashMap<>(details);
                    details.put("late_interaction", maxSimOf(hit));
                }
                if (passageFields.isEmpty() == false) {
                    Map<String, Object> passages = new LinkedHashMap<>();
                    for (PassageField field : passageFields) {
                        List<BestPassages.Passage> ranked = BestPassages.rank(hit.reader(), hit.docId(), field.type(), field.query());
                        passages.put(
                            field.type().name(),
                            ranked.subList(0, Math.min(field.fragments(), ranked.size())).stream().map(BestPassages.Passage::toMap).toList()
                        );
                    }
                    details = details == null ? new LinkedHashMap<>() : new LinkedHashMap<>(details);
                    details.put("passages", passages);
                }
                if (details != null) {
                    hit.hit().setDocumentField(HitScores.FIELD, new DocumentField(HitScores.FIELD, List.of(details)));
                }
            }
        };
    }

    /** A field the passage highlighter shows: the query vector it was searched with, and how many passages to give. */
    private record PassageField(DenseVectorFieldType type, float[] query, int fragments) {
    }

    /**
     * The chunked dense fields the request highlights with the {@code passage} highlighter and the query searched, with
     * the query vector each was searched with.
     */
    private static List<PassageField> passageHighlights(FetchContext context) {
        List<PassageField> fields = new ArrayList<>();
        // the query as parsed, as the highlighters see it (context.query() may be its rewritten form)
        Query parsed = context.parsedQuery() == null ? context.query() : context.parsedQuery().query();
        if (context.highlight() == null || parsed == null) {
            return fields;
        }
        for (SearchHighlightContext.Field field : context.highlight().fields()) {
            if (BestPassageHighlighter.NAME.equals(field.fieldOptions().highlighterType())
                && context.mapperService().fieldType(field.field()) instanceof DenseVectorFieldType vectors
                && vectors.chunked()) {
                float[] query = BestPassageHighlighter.queryVector(parsed, vectors.name());
                if (query != null) {
                    fields.add(new PassageField(vectors, query, Math.max(1, field.fieldOptions().numberOfFragments())));
                }
            }
        }
        return fields;
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
