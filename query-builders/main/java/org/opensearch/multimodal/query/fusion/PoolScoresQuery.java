package org.opensearch.multimodal.query.fusion;

import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.ScorerSupplier;
import org.apache.lucene.search.Weight;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * The result of a shard's hybrid retrieval as a Lucene query: it matches exactly the pool's documents, each with its
 * fused score, so size/from, aggregations, highlighting, explain and profile work on it like on any query. Built for
 * one reader (the one it was rewritten against) and never cached.
 */
final class PoolScoresQuery extends Query {

    private final Object readerId;
    private final int[] docs;
    private final float[] scores;
    private final IntFunction<Explanation> explain;
    private final String description;
    /** The shard's pool as the first round of a fused search gathers it; null otherwise. */
    private final ShardPool gathered;
    /** The fused ranking it is this shard's part of (second round); null otherwise. */
    private final FusedPoolQuery fused;

    /** {@code docs} are global doc ids in increasing order; {@code explain} gives the i-th document's arithmetic. */
    PoolScoresQuery(Object readerId, int[] docs, float[] scores, IntFunction<Explanation> explain, String description) {
        this(readerId, docs, scores, explain, description, null, null);
    }

    /** With what a fused search's rounds attach: the gathered pool (first round) or the fused ranking (second round). */
    PoolScoresQuery(
        Object readerId,
        int[] docs,
        float[] scores,
        IntFunction<Explanation> explain,
        String description,
        ShardPool gathered,
        FusedPoolQuery fused
    ) {
        for (int i = 1; i < docs.length; i++) {
            if (docs[i] <= docs[i - 1]) {
                throw new IllegalArgumentException("pool documents must be in increasing order");
            }
        }
        this.readerId = readerId;
        this.docs = docs;
        this.scores = scores;
        this.explain = explain;
        this.description = description;
        this.gathered = gathered;
        this.fused = fused;
    }

    int size() {
        return docs.length;
    }

    ShardPool gathered() {
        return gathered;
    }

    FusedPoolQuery fused() {
        return fused;
    }

    Object readerId() {
        return readerId;
    }

    @Override
    public Weight createWeight(IndexSearcher searcher, ScoreMode scoreMode, float boost) {
        if (searcher.getIndexReader().getContext().id() != readerId) {
            throw new IllegalStateException("this hybrid pool was built for another reader");
        }
        if (fused != null) {
            fused.used(searcher);
        }
        return new Weight(this) {

            @Override
            public Explanation explain(LeafReaderContext context, int doc) {
                int i = Arrays.binarySearch(docs, context.docBase + doc);
                if (i < 0) {
                    return Explanation.noMatch("not in the hybrid retrieval pool");
                }
                Explanation detail = explain.apply(i);
                return Explanation.match(scores[i] * boost, description + (boost == 1f ? "" : ", boosted by " + boost), detail);
            }

            @Override
            public ScorerSupplier scorerSupplier(LeafReaderContext context) {
                int lo = lowerBound(context.docBase);
                int hi = lowerBound(context.docBase + context.reader().maxDoc());
                if (lo == hi) {
                    return null;
                }
                return new ScorerSupplier() {

                    @Override
                    public Scorer get(long leadCost) {
                        return new PoolScorer(context.docBase, lo, hi, boost);
                    }

                    @Override
                    public long cost() {
                        return hi - lo;
                    }
                };
            }

            @Override
            public int count(LeafReaderContext context) {
                return lowerBound(context.docBase + context.reader().maxDoc()) - lowerBound(context.docBase);
            }

            @Override
            public boolean isCacheable(LeafReaderContext ctx) {
                return false;
            }
        };
    }

    /** The first index whose doc is >= {@code doc}. */
    private int lowerBound(int doc) {
        int i = Arrays.binarySearch(docs, doc);
        return i >= 0 ? i : -i - 1;
    }

    /** Iterates the pool's documents of one segment. */
    private final class PoolScorer extends Scorer {

        private final int docBase;
        private final int lo;
        private final int hi;
        private final float boost;
        private int index;

        PoolScorer(int docBase, int lo, int hi, float boost) {
            this.docBase = docBase;
            this.lo = lo;
            this.hi = hi;
            this.boost = boost;
            this.index = lo - 1;
        }

        @Override
        public int docID() {
            if (index < lo) {
                return -1;
            }
            return index >= hi ? DocIdSetIterator.NO_MORE_DOCS : docs[index] - docBase;
        }

        @Override
        public float score() {
            return scores[index] * boost;
        }

        @Override
        public float getMaxScore(int upTo) {
            float max = 0f;
            for (int i = Math.max(lo, index); i < hi && docs[i] - docBase <= upTo; i++) {
                max = Math.max(max, scores[i] * boost);
            }
            return max;
        }

        @Override
        public DocIdSetIterator iterator() {
            return new DocIdSetIterator() {

                @Override
                public int docID() {
                    return PoolScorer.this.docID();
                }

                @Override
                public int nextDoc() {
                    index++;
                    return docID();
                }

                @Override
                public int advance(int target) {
                    index = Math.max(index + 1, lowerBound(docBase + target));
                    return docID();
                }

                @Override
                public long cost() {
                    return hi - lo;
                }
            };
        }
    }

    @Override
    public String toString(String field) {
        return description + " (" + docs.length + " documents)";
    }

    @Override
    public void visit(QueryVisitor visitor) {
        visitor.visitLeaf(this);
    }

    @Override
    public boolean equals(Object other) {
        return sameClassAs(other)
            && readerId == ((PoolScoresQuery) other).readerId
            && Arrays.equals(docs, ((PoolScoresQuery) other).docs)
            && Arrays.equals(scores, ((PoolScoresQuery) other).scores);
    }

    @Override
    public int hashCode() {
        return Objects.hash(classHash(), Arrays.hashCode(docs), Arrays.hashCode(scores));
    }
}
