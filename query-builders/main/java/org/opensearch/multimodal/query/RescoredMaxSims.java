package org.opensearch.multimodal.query;

import org.apache.lucene.search.IndexSearcher;
import org.opensearch.multimodal.services.ActiveSearches;
import org.opensearch.search.internal.ReaderContext;

import java.util.Arrays;
import java.util.Map;

/**
 * The hits a shard's {@code late_interaction} rescorer scored and their MaxSim, kept in the shard search's reader
 * context (which lives from its query phase to its fetch phase, on one shard or several) so the fetch phase shows
 * them without scoring token vectors again: on long documents that was as much work as the rescoring. Holds at most a
 * window's entries, freed with the reader context.
 */
final class RescoredMaxSims {

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

    private static ReaderContext readerOf(ActiveSearches searches, IndexSearcher searcher) {
        ActiveSearches.Phase phase = searches == null ? null : searches.of(searcher);
        return phase == null ? null : phase.context().readerContext();
    }

    /** The rescorer's field and query tokens: the fetch phase rebuilds the rescorer from the request, with the same tokens. */
    private static String key(LateInteractionRescorer.Context rescorer) {
        return "multimodal.late_interaction.max_sim." + rescorer.field + "." + Arrays.deepHashCode(rescorer.queryTokens);
    }
}
