package org.opensearch.multimodal.query.common;

import java.util.Locale;

/**
 * The wording of the {@code explain} descriptions that clients read back (the search page shows each retriever's raw
 * score, GQR's primary before and after refinement, and the rescorer's MaxSim from them). It is a contract: the search
 * page holds the same templates, and {@code ExplainLabelsTests} fails when the two part, so rewording an explanation
 * cannot break the page silently. {@code %s} stands for a name or a number, {@code %d} for a count.
 */
public final class ExplainLabels {

    /** A retriever's own score of the document (also after "complementary " in GQR's explanation). */
    public static final String RAW_SCORE = "retriever [%s] raw score";
    /** GQR's primary's score with the query as it was encoded. */
    public static final String PRIMARY_BEFORE = "primary [%s] score before refinement";
    /** GQR's primary's score with the refined query: the document's final score. */
    public static final String PRIMARY_REFINED = "primary [%s] score with the refined query";
    /** GQR's {@code search_again}: the primary's second search, with the refined query, found the document. */
    public static final String FOUND_AGAIN = "found by primary [%s]'s second search with the refined query";
    /** The late_interaction rescorer's MaxSim of the document. */
    public static final String MAX_SIM = "MaxSim of %d query tokens over %d document tokens in [%s] = %s";

    private ExplainLabels() {
    }

    public static String rawScore(String retriever) {
        return String.format(Locale.ROOT, RAW_SCORE, retriever);
    }
}
