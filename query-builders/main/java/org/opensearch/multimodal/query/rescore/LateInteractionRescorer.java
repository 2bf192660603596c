package org.opensearch.multimodal.query.rescore;

import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.opensearch.multimodal.mapper.MultiVectorFormat;
import org.opensearch.multimodal.mapper.StoredTokenMaxSim;
import org.opensearch.multimodal.query.common.ExplainLabels;
import org.opensearch.multimodal.query.common.SearchDeadline;
import org.opensearch.multimodal.query.retriever.PassageQueries;
import org.opensearch.multimodal.services.ActiveSearches;
import org.opensearch.multimodal.stats.MultimodalStats;
import org.opensearch.search.rescore.RescoreContext;
import org.opensearch.search.rescore.Rescorer;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code late_interaction} rescorer, in each shard's query phase: the top {@code window_size} hits get MaxSim of the
 * query's token vectors against their {@code multi_vector} field, computed on the field's encoded form
 * ({@link org.opensearch.multimodal.mapper.StoredTokenMaxSim}, on {@link org.opensearch.multimodal.math.EncodedMaxSim}); hits without token vectors, and those past the window, keep their weighted first-pass score,
 * as OpenSearch's query rescorer does.
 */
final class LateInteractionRescorer implements Rescorer {

    static final LateInteractionRescorer INSTANCE = new LateInteractionRescorer();

    /**
     * What one shard's rescoring needs: the field and how it is stored, the query's token vectors and how to combine;
     * in the fetch phase, the query's token vectors for the best-passage highlighter.
     */
    static final class Context extends RescoreContext implements PassageQueries {

        final String field;
        final MultiVectorFormat format;
        final int dims;
        final float[][] queryTokens;
        final LateInteractionScoreMode scoreMode;
        final float queryWeight;
        final float rescoreQueryWeight;
        final MultimodalStats stats;
        /** Where the shard search's deadline is found. */
        final ActiveSearches searches;

        Context(
            int windowSize,
            String field,
            MultiVectorFormat format,
            float[][] queryTokens,
            LateInteractionScoreMode scoreMode,
            float queryWeight,
            float rescoreQueryWeight,
            MultimodalStats stats,
            ActiveSearches searches
        ) {
            super(windowSize, INSTANCE);
            this.field = field;
            this.format = format;
            this.dims = queryTokens.length == 0 ? 0 : queryTokens[0].length;
            this.queryTokens = queryTokens;
            this.scoreMode = scoreMode;
            this.queryWeight = queryWeight;
            this.rescoreQueryWeight = rescoreQueryWeight;
            this.stats = stats;
            this.searches = searches;
        }

        float combine(float firstPass, boolean present, double maxSim) {
            return present ? scoreMode.combine(firstPass * queryWeight, (float) maxSim * rescoreQueryWeight) : firstPass * queryWeight;
        }

        StoredTokenMaxSim maxSim() {
            return new StoredTokenMaxSim(field, queryTokens, format, dims);
        }

        @Override
        public float[][] passageTokens(String field) {
            return this.field.equals(field) ? queryTokens : null;
        }
    }

    /**
     * Rescores the window; once the search's timeout passes (checked every {@link SearchDeadline#BLOCK} hits),
     * the first pass's hits and scores stand and the shard answers {@code timed_out: true}; a cancelled search throws.
     */
    @Override
    public TopDocs rescore(TopDocs topDocs, IndexSearcher searcher, RescoreContext rescoreContext) throws IOException {
        if (topDocs == null || topDocs.scoreDocs.length == 0) {
            return topDocs;
        }
        Context context = (Context) rescoreContext;
        SearchDeadline deadline = SearchDeadline.onShard(context.searches, searcher);
        long start = System.nanoTime();
        int window = Math.min(context.getWindowSize(), topDocs.scoreDocs.length);
        ScoreDoc[] all = topDocs.scoreDocs;
        ScoreDoc[] firstPass = Arrays.copyOf(all, window);
        // by doc id, so each segment's doc values are read forward once
        Arrays.sort(firstPass, (a, b) -> Integer.compare(a.doc, b.doc));
        float[] rescoredScores = new float[window];
        Map<Integer, Float> maxSims = new HashMap<>();
        try {
            scoreWindow(firstPass, searcher, context, deadline, rescoredScores, maxSims);
        } catch (SearchDeadline.Expired e) {
            deadline.markTimedOut();
            return topDocs;
        }
        for (int i = 0; i < window; i++) {
            firstPass[i].score = rescoredScores[i];
        }
        // the window's doc ids are the MaxSims' keys
        context.setRescoredDocs(new HashSet<>(maxSims.keySet()));
        RescoredMaxSims.remember(context.searches, searcher, context, maxSims);
        for (int i = window; i < all.length; i++) {
            all[i].score *= context.queryWeight;
        }
        Arrays.sort(all, (a, b) -> a.score != b.score ? Float.compare(b.score, a.score) : Integer.compare(a.doc, b.doc));
        context.stats.rescore(window, System.nanoTime() - start);
        return topDocs;
    }

    /**
     * The window's combined scores, into {@code out} (the hits themselves keep theirs until all are computed), and each
     * hit's MaxSim by top-level doc id into {@code maxSims} (null for a hit without token vectors).
     */
    private static void scoreWindow(
        ScoreDoc[] firstPass,
        IndexSearcher searcher,
        Context context,
        SearchDeadline deadline,
        float[] out,
        Map<Integer, Float> maxSims
    ) throws IOException {
        StoredTokenMaxSim maxSim = context.maxSim();
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        LeafReaderContext leaf = null;
        BinaryDocValues values = null;
        for (int i = 0; i < firstPass.length; i++) {
            if (i % SearchDeadline.BLOCK == 0) {
                deadline.check();
            }
            ScoreDoc hit = firstPass[i];
            if (leaf == null || hit.doc >= leaf.docBase + leaf.reader().maxDoc()) {
                leaf = leaves.get(ReaderUtil.subIndex(hit.doc, leaves));
                values = leaf.reader().getBinaryDocValues(context.field);
            }
            boolean present = values != null && values.advanceExact(hit.doc - leaf.docBase);
            float score = present ? maxSim.score(values.binaryValue()) : 0f;
            maxSims.put(hit.doc, present ? score : null);
            out[i] = context.combine(hit.score, present, score);
        }
    }

    @Override
    public Explanation explain(int topLevelDocId, IndexSearcher searcher, RescoreContext rescoreContext, Explanation sourceExplanation)
        throws IOException {
        Context context = (Context) rescoreContext;
        if (sourceExplanation == null || sourceExplanation.isMatch() == false) {
            return Explanation.noMatch("first pass did not match");
        }
        float first = sourceExplanation.getValue().floatValue() * context.queryWeight;
        Explanation firstPass = Explanation.match(first, "first pass score * query_weight " + context.queryWeight, sourceExplanation);
        if (context.isRescored(topLevelDocId) == false) {
            return firstPass;
        }
        LeafReaderContext leaf = searcher.getIndexReader()
            .leaves()
            .get(ReaderUtil.subIndex(topLevelDocId, searcher.getIndexReader().leaves()));
        BinaryDocValues values = leaf.reader().getBinaryDocValues(context.field);
        if (values == null || values.advanceExact(topLevelDocId - leaf.docBase) == false) {
            return Explanation
                .match(first, String.format(Locale.ROOT, "no token vectors in [%s]: first pass score kept", context.field), firstPass);
        }
        StoredTokenMaxSim scorer = context.maxSim();
        float maxSim = scorer.score(values.binaryValue());
        Explanation second = Explanation.match(
            maxSim * context.rescoreQueryWeight,
            String.format(
                Locale.ROOT,
                ExplainLabels.MAX_SIM + ", * rescore_query_weight %s",
                context.queryTokens.length,
                scorer.rows(values.binaryValue()),
                context.field,
                maxSim,
                context.rescoreQueryWeight
            )
        );
        return Explanation.match(
            context.combine(sourceExplanation.getValue().floatValue(), true, maxSim),
            "late_interaction " + context.scoreMode + " of:",
            firstPass,
            second
        );
    }
}
