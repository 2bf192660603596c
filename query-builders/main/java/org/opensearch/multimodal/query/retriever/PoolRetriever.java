package org.opensearch.multimodal.query.retriever;

import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.VectorUtil;
import org.opensearch.multimodal.math.RefinablePrimary;
import org.opensearch.multimodal.memory.TokenMemory;
import org.opensearch.multimodal.query.common.SearchDeadline;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * One retriever of a shard's hybrid retrieval: it proposes its top {@code k} documents for the pool, and then scores
 * every pool document exactly, whichever retriever proposed it ({@code NaN} where it cannot: no vector, no match).
 */
public interface PoolRetriever {

    String name();

    /** Global doc ids of this retriever's top k in the shard. */
    int[] topK(IndexSearcher searcher) throws IOException;

    /** Whether it proposes candidates at all (a multi_vector field without an index of its own only scores). */
    default boolean proposes() {
        return true;
    }

    /** The exact score of each of {@code pool} (global doc ids, increasing). */
    float[] score(IndexSearcher searcher, int[] pool) throws IOException;

    /** The query it is when it is a query's only retriever and there is no fusion; null: it goes through the pool. */
    default Query standalone() {
        return null;
    }

    /** The scores of one segment's pool documents, asked for in increasing doc order; {@code NaN} where there is none. */
    @FunctionalInterface
    interface LeafScores {

        float score(int leafDoc) throws IOException;
    }

    /** Opens a segment for scoring; null when nothing in it can be scored. */
    @FunctionalInterface
    interface LeafScoresFactory {

        LeafScores open(LeafReaderContext leaf) throws IOException;
    }

    /**
     * Scores {@code pool} (global doc ids, increasing) segment by segment, {@code NaN} where the segment gives none;
     * checks the deadline the searcher was given ({@link SearchDeadline#of(IndexSearcher)}) every
     * {@link SearchDeadline#BLOCK} documents.
     */
    static float[] scoreByLeaf(IndexSearcher searcher, int[] pool, LeafScoresFactory factory) throws IOException {
        float[] scores = new float[pool.length];
        Arrays.fill(scores, Float.NaN);
        SearchDeadline deadline = SearchDeadline.of(searcher);
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        int i = 0;
        while (i < pool.length) {
            LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(pool[i], leaves));
            int end = leaf.docBase + leaf.reader().maxDoc();
            LeafScores leafScores = factory.open(leaf);
            for (; i < pool.length && pool[i] < end; i++) {
                if (i % SearchDeadline.BLOCK == 0) {
                    deadline.check();
                }
                if (leafScores != null) {
                    scores[i] = leafScores.score(pool[i] - leaf.docBase);
                }
            }
        }
        return scores;
    }

    /** Moves {@code iterator} to {@code doc} if it can; true when it stands on it. */
    static boolean advanceTo(DocIdSetIterator iterator, int doc) throws IOException {
        return (iterator.docID() < doc ? iterator.advance(doc) : iterator.docID()) == doc;
    }

    /** Top k by running {@code query} (its own scores), e.g. a KNN query or a lexical query with the filter. */
    static int[] topDocs(IndexSearcher searcher, Query query, int k) throws IOException {
        ScoreDoc[] hits = searcher.search(query, k).scoreDocs;
        return Arrays.stream(hits).mapToInt(h -> h.doc).toArray();
    }

    /**
     * GQR's second search of a single-vector primary: the refined {@code z}, normalized (its length does not change the
     * order), searched by {@code search}; the top {@code k} in doc id order, as {@link Refinable#searchAgain} answers.
     */
    static int[] refinedTopDocs(IndexSearcher searcher, float[] z, Function<float[], Query> search, int k) throws IOException {
        int[] found = topDocs(searcher, search.apply(VectorUtil.l2normalize(z.clone(), false)), k);
        Arrays.sort(found);
        return found;
    }

    /**
     * A retriever whose score is a differentiable function of query parameters z, so it can be the primary of Guided
     * Query Refinement: single-vector {@code <z, d>} or multi-vector MaxSim.
     */
    interface Refinable extends PoolRetriever {

        /** The starting parameters z0: the query vector, or the query token matrix flattened. */
        float[] queryParameters();

        /**
         * The primary as a function of z over {@code docs} (global ids, increasing; each must have a vector); what it
         * copies of the documents is reserved in {@code held}, which the caller closes once it is done with it. Built
         * as the coordinating node builds it from what the shards send ({@link GatheredPrimary}).
         */
        default RefinablePrimary primary(IndexSearcher searcher, int[] docs, TokenMemory.Reservation held) throws IOException {
            return shape().primary(vectors(searcher, docs, held));
        }

        /** Where {@link #primary} reserves what it holds. */
        default TokenMemory memory() {
            return TokenMemory.UNBOUNDED;
        }

        /** Why it cannot be refined on this shard's field (completes "retriever [name] ..."); null when it can. */
        default String cannotRefine() {
            return null;
        }

        /**
         * GQR's {@code search_again}: its top {@code k} in the shard for the refined parameters {@code z} (global doc ids,
         * increasing), searched as it searched for its own candidates; null when it has no index of its own to search.
         */
        default int[] searchAgain(IndexSearcher searcher, float[] z, int k) throws IOException {
            return null;
        }

        /** What the coordinating node needs to rebuild this primary from {@link #vectors}: its kind, dims and z0. */
        GatheredPrimary shape();

        /**
         * Each of {@code docs}' (global ids, increasing) vectors as bytes, as {@link GatheredPrimary} reads them back
         * (null where a document has none); each reserved in {@code held} before it is copied.
         */
        BytesRef[] vectors(IndexSearcher searcher, int[] docs, TokenMemory.Reservation held) throws IOException;
    }

}
