package org.opensearch.multimodal.query;

import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.VectorUtil;
import org.opensearch.multimodal.mapper.MultiVectorFormat;
import org.opensearch.multimodal.mapper.StoredTokenMaxSim;
import org.opensearch.multimodal.math.FixedDimensionalEncoding;
import org.opensearch.multimodal.math.RefinablePrimary;
import org.opensearch.multimodal.memory.TokenMemory;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * One retriever of a shard's hybrid retrieval: it proposes its top {@code k} documents for the pool, and then scores
 * every pool document exactly, whichever retriever proposed it ({@code NaN} where it cannot: no vector, no match).
 */
interface PoolRetriever {

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

    /** How many documents are scored between two checks of the search's deadline. */
    int DEADLINE_BLOCK = 64;

    /**
     * Scores {@code pool} (global doc ids, increasing) segment by segment, {@code NaN} where the segment gives none;
     * checks the deadline the searcher was given ({@link SearchDeadline#of(IndexSearcher)}) every
     * {@link #DEADLINE_BLOCK} documents.
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
                if (i % DEADLINE_BLOCK == 0) {
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

    /** A dense retriever: its KNN query proposes, the stored vectors score the pool exactly with the field's similarity. */
    record Dense(String name, String field, float[] queryVector, VectorSimilarityFunction similarity, Query knnQuery, int k)
        implements
            Refinable {

        @Override
        public int[] topK(IndexSearcher searcher) throws IOException {
            return topDocs(searcher, knnQuery, k);
        }

        @Override
        public float[] score(IndexSearcher searcher, int[] pool) throws IOException {
            return scoreByLeaf(searcher, pool, leaf -> {
                FloatVectorValues values = leaf.reader().getFloatVectorValues(field);
                if (values == null) {
                    return null;
                }
                KnnVectorValues.DocIndexIterator iterator = values.iterator();
                return doc -> advanceTo(iterator, doc) ? similarity.compare(queryVector, values.vectorValue(iterator.index())) : Float.NaN;
            });
        }

        @Override
        public float[] queryParameters() {
            return queryVector.clone();
        }

        @Override
        public String cannotRefine() {
            return cannotRefine(field, similarity);
        }

        /** Why a dense field's scores cannot be refined: GQR moves inner products, not distances; null when they can. */
        static String cannotRefine(String field, VectorSimilarityFunction similarity) {
            return similarity == VectorSimilarityFunction.EUCLIDEAN
                ? "searches [" + field + "] by l2_norm; GQR refines inner-product scores (cosine or dot_product fields)"
                : null;
        }

        /** The refined vector searched in the same graph, with the same filter and beam (its length does not change the order). */
        @Override
        public int[] searchAgain(IndexSearcher searcher, float[] z, int topK) throws IOException {
            if (knnQuery instanceof KnnFloatVectorQuery == false) {
                return null;
            }
            KnnFloatVectorQuery original = (KnnFloatVectorQuery) knnQuery;
            float[] refined = VectorUtil.l2normalize(z.clone(), false);
            Query again = WideBeamKnnQuery.of(field, refined, topK, original.getK(), original.getFilter());
            int[] found = topDocs(searcher, again, topK);
            Arrays.sort(found);
            return found;
        }

        @Override
        public GatheredPrimary shape() {
            return GatheredPrimary.dense(queryVector.length, queryParameters());
        }

        @Override
        public BytesRef[] vectors(IndexSearcher searcher, int[] docs, TokenMemory.Reservation held) throws IOException {
            BytesRef[] out = new BytesRef[docs.length];
            int[] position = {0};
            scoreByLeaf(searcher, docs, leaf -> {
                FloatVectorValues values = leaf.reader().getFloatVectorValues(field);
                KnnVectorValues.DocIndexIterator iterator = values == null ? null : values.iterator();
                return doc -> {
                    int i = position[0]++;
                    if (iterator != null && advanceTo(iterator, doc)) {
                        held.reserve((long) Float.BYTES * queryVector.length, field);
                        out[i] = GatheredPrimary.floatBytes(values.vectorValue(iterator.index()));
                    }
                    return 0f;
                };
            });
            return out;
        }

        /** Alone in a query with no fusion, its KNN query is the whole query. */
        @Override
        public Query standalone() {
            return knnQuery;
        }
    }

    /** The MaxSim a multi-vector retriever computed for its candidates (doc ids increasing), for its own pool scoring. */
    static final class ProposalScores {

        private int[] docs = new int[0];
        private float[] scores = new float[0];
    }

    /**
     * A multi_vector field's candidate index: {@code count} documents from the HNSW graph of its fixed-dimensional
     * encodings ({@code field}) for a query token matrix, with the query's filter.
     */
    record CandidateSearch(String field, FixedDimensionalEncoding encoding, Query filter, int count) {

        Query query(float[][] tokens) {
            return new KnnFloatVectorQuery(field, encoding.encodeQuery(tokens, tokens.length), count, filter);
        }
    }

    /**
     * A late-interaction retriever: proposes nothing, scores each pool document by MaxSim of the query's token vectors
     * against the document's {@code multi_vector} field, on its encoded form ({@link MultiVectorFormat},
     * {@link org.opensearch.multimodal.math.EncodedMaxSim}: rows L2-normalized when indexed).
     */
    record MultiVector(
        String name,
        String field,
        float[][] queryTokens,
        MultiVectorFormat format,
        int dims,
        TokenMemory memory,
        CandidateSearch candidates,
        int k,
        ProposalScores proposed
    ) implements Refinable {

        /** Without a candidate index: it proposes nothing. */
        MultiVector(String name, String field, float[][] queryTokens, MultiVectorFormat format, int dims, TokenMemory memory) {
            this(name, field, queryTokens, format, dims, memory, null, 0);
        }

        MultiVector(
            String name,
            String field,
            float[][] queryTokens,
            MultiVectorFormat format,
            int dims,
            TokenMemory memory,
            CandidateSearch candidates,
            int k
        ) {
            this(name, field, queryTokens, format, dims, memory, candidates, k, new ProposalScores());
        }

        /** The candidate index's proposals ranked by exact MaxSim, the best k; nothing without a candidate index. */
        @Override
        public int[] topK(IndexSearcher searcher) throws IOException {
            return candidates == null ? new int[0] : proposals(searcher, queryTokens, k, proposed);
        }

        /** GQR's second search: the refined token matrix's candidates from the field's index, the best k by its MaxSim. */
        @Override
        public int[] searchAgain(IndexSearcher searcher, float[] z, int topK) throws IOException {
            if (candidates == null) {
                return null;
            }
            float[][] refined = new float[queryTokens.length][];
            for (int t = 0; t < refined.length; t++) {
                refined[t] = Arrays.copyOfRange(z, t * dims, (t + 1) * dims);
            }
            int[] found = proposals(searcher, refined, topK, null);
            Arrays.sort(found);
            return found;
        }

        /** The best {@code topK} candidates by MaxSim of {@code tokens}; their scores into {@code remember} when given. */
        private int[] proposals(IndexSearcher searcher, float[][] tokens, int topK, ProposalScores remember) throws IOException {
            int[] found = topDocs(searcher, candidates.query(tokens), candidates.count());
            Arrays.sort(found);
            float[] scores = maxSim(searcher, found, tokens);
            if (remember != null) {
                remember.docs = found;
                remember.scores = scores;
            }
            Integer[] order = new Integer[found.length];
            int n = 0;
            for (int i = 0; i < found.length; i++) {
                if (Float.isNaN(scores[i]) == false) {
                    order[n++] = i;
                }
            }
            Arrays.sort(order, 0, n, (a, b) -> Float.compare(scores[b], scores[a]));
            int[] top = new int[Math.min(topK, n)];
            for (int i = 0; i < top.length; i++) {
                top[i] = found[order[i]];
            }
            return top;
        }

        @Override
        public boolean proposes() {
            return candidates != null;
        }

        /** MaxSim of each pool document; those it proposed were scored when it proposed them and are not scored again. */
        @Override
        public float[] score(IndexSearcher searcher, int[] pool) throws IOException {
            float[] scores = new float[pool.length];
            int[] missing = new int[pool.length];
            int missingCount = 0;
            for (int i = 0; i < pool.length; i++) {
                int known = Arrays.binarySearch(proposed.docs, pool[i]);
                if (known >= 0) {
                    scores[i] = proposed.scores[known];
                } else {
                    missing[missingCount++] = pool[i];
                }
            }
            if (missingCount == pool.length) {
                return maxSim(searcher, pool, queryTokens);
            }
            float[] computed = maxSim(searcher, Arrays.copyOf(missing, missingCount), queryTokens);
            for (int i = 0, m = 0; i < pool.length && m < missingCount; i++) {
                if (pool[i] == missing[m]) {
                    scores[i] = computed[m++];
                }
            }
            return scores;
        }

        private float[] maxSim(IndexSearcher searcher, int[] pool, float[][] tokens) throws IOException {
            StoredTokenMaxSim maxSim = new StoredTokenMaxSim(field, tokens, format, dims);
            return scoreByLeaf(searcher, pool, leaf -> {
                BinaryDocValues values = leaf.reader().getBinaryDocValues(field);
                if (values == null) {
                    return null;
                }
                return doc -> {
                    if (values.advanceExact(doc) == false) {
                        return Float.NaN;
                    }
                    return maxSim.score(values.binaryValue());
                };
            });
        }

        @Override
        public float[] queryParameters() {
            float[] z = new float[queryTokens.length * dims];
            for (int t = 0; t < queryTokens.length; t++) {
                System.arraycopy(queryTokens[t], 0, z, t * dims, dims);
            }
            return z;
        }

        @Override
        public GatheredPrimary shape() {
            return GatheredPrimary.multiVector(dims, format, queryTokens.length, queryParameters());
        }

        @Override
        public BytesRef[] vectors(IndexSearcher searcher, int[] docs, TokenMemory.Reservation held) throws IOException {
            BytesRef[] out = new BytesRef[docs.length];
            int[] position = {0};
            scoreByLeaf(searcher, docs, leaf -> {
                BinaryDocValues values = leaf.reader().getBinaryDocValues(field);
                return doc -> {
                    int i = position[0]++;
                    if (values != null && values.advanceExact(doc)) {
                        held.reserve(values.binaryValue().length, field);
                        out[i] = BytesRef.deepCopyOf(values.binaryValue());
                    }
                    return 0f;
                };
            });
            return out;
        }
    }

    /** A lexical retriever: any query (BM25 and the like) proposes its top k and scores the pool documents it matches. */
    record Lexical(String name, Query query, int k) implements PoolRetriever {

        @Override
        public int[] topK(IndexSearcher searcher) throws IOException {
            return RetrievalSearcher.lexicalTopK(searcher, query, k);
        }

        @Override
        public float[] score(IndexSearcher searcher, int[] pool) throws IOException {
            Weight weight = searcher.createWeight(searcher.rewrite(query), ScoreMode.COMPLETE, 1f);
            return scoreByLeaf(searcher, pool, leaf -> {
                Scorer scorer = weight.scorer(leaf);
                if (scorer == null) {
                    return null;
                }
                DocIdSetIterator iterator = scorer.iterator();
                return doc -> advanceTo(iterator, doc) ? scorer.score() : Float.NaN;
            });
        }
    }
}
