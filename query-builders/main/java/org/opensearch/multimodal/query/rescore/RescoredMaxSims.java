package org.opensearch.multimodal.query.rescore;

import org.apache.lucene.search.IndexSearcher;
import org.opensearch.multimodal.services.ActiveSearches;
import org.opensearch.search.fetch.FetchContext;
import org.opensearch.search.internal.ReaderContext;
import org.opensearch.search.rescore.RescoreContext;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The hits a shard's {@code late_interaction} rescorer scored and their MaxSim, kept in the shard search's reader
 * context (which lives from its query phase to its fetch phase, on one shard or several) so the fetch phase shows
 * them without scoring token vectors again: on long documents that was as much work as the rescoring. Holds at most a
 * window's entries, freed with the reader context.
 */
public final class RescoredMaxSims {

    private RescoredMaxSims() {
    }

    /**
     * Keeps {@code maxSims} (each rescored hit's top-level doc id to its MaxSim, null without token vectors) for the
     * fetch phase of the search owning {@code searcher}.
     */
    static void remember(
        ActiveSearches searches,
        IndexSearcher searcher,
        LateInteractionRescorer.Context rescorer,
        Map<Integer, Float> maxSims
    ) {
        ReaderContext reader = readerOf(searches, searcher);
        if (reader != null) {
            reader.putInContext(key(rescorer), maxSims);
        }
    }

    /** What {@link #remember} kept for this rescorer in the search owning {@code searcher}; empty when nothing was. */
    static Map<Integer, Float> recall(ActiveSearches searches, IndexSearcher searcher, LateInteractionRescorer.Context rescorer) {
        ReaderContext reader = readerOf(searches, searcher);
        Map<Integer, Float> kept = reader == null ? null : reader.getFromContext(key(rescorer));
        return kept == null ? Map.of() : kept;
    }

    /**
     * What the fetch phase shows of the search's {@code late_interaction} rescorer for each hit, by top-level doc id: its
     * field, {@code rescored} whether the hit was in its shard's window, {@code max_sim} the MaxSim computed in the query
     * phase (null past the window, or without token vectors); null when the search has no such rescorer. Hits past the
     * window are not scored here: their MaxSim is not part of their score, and on long documents it costs what the
     * rescoring does.
     */
    public static IntFunction<Map<String, Object>> shownInFetch(FetchContext context) {
        LateInteractionRescorer.Context rescorer = null;
        for (RescoreContext rescore : context.rescore() == null ? List.<RescoreContext>of() : context.rescore()) {
            if (rescore instanceof LateInteractionRescorer.Context lateInteraction) {
                rescorer = lateInteraction;
            }
        }
        if (rescorer == null) {
            return null;
        }
        String field = rescorer.field;
        Map<Integer, Float> rescored = recall(rescorer.searches, context.searcher(), rescorer);
        return doc -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("field", field);
            out.put("rescored", rescored.containsKey(doc));
            out.put("max_sim", rescored.get(doc));
            return out;
        };
    }

    private static ReaderContext readerOf(ActiveSearches searches, IndexSearcher searcher) {
        ActiveSearches.Phase phase = searches == null ? null : searches.of(searcher);
        return phase == null ? null : phase.context().readerContext();
    }

    /** The rescorer's field and query tokens: the fetch phase rebuilds the rescorer from the request, with the same tokens. */
    private static String key(LateInteractionRescorer.Context rescorer) {
        return "multimodal.late_interaction.max_sim." + rescorer.field + "." + Arrays.deepHashCode(rescorer.queryTokens);
    }
}
