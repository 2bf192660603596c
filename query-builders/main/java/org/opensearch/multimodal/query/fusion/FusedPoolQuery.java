package org.opensearch.multimodal.query.fusion;

import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.Bits;
import org.opensearch.index.mapper.IdFieldMapper;
import org.opensearch.index.mapper.Uid;
import org.opensearch.multimodal.query.common.SearchDeadline;
import org.opensearch.multimodal.query.retriever.PassageQueries;
import org.opensearch.multimodal.services.ActiveSearches;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A shard's part of the whole index's fused ranking (the second round of a fused search): the pool's documents of this
 * shard's index, found by {@code _id}, each with the score the coordinating node gave it. A document deleted since the
 * first round is simply missing; one updated since keeps its fused score.
 */
public final class FusedPoolQuery extends Query implements PassageQueries {

    private final FusedPool pool;
    private final String index;
    private final ActiveSearches searches;
    private final Map<String, FusedPool.Entry> byId = new HashMap<>();
    /** The shard's retrievers that compared passages (chunked dense, multi-vector), for the best-passage highlighter. */
    private final List<PassageQueries> passageQueries;

    FusedPoolQuery(FusedPool pool, String index, ActiveSearches searches) {
        this(pool, index, searches, List.of());
    }

    public FusedPoolQuery(FusedPool pool, String index, ActiveSearches searches, List<PassageQueries> passageQueries) {
        this.pool = pool;
        this.index = index;
        this.searches = searches;
        this.passageQueries = List.copyOf(passageQueries);
        for (FusedPool.Entry entry : pool.entries()) {
            if (entry.index().equals(index)) {
                byId.put(entry.id(), entry);
            }
        }
    }

    @Override
    public float[] passageQuery(String field) {
        return PassageQueries.first(passageQueries, passages -> passages.passageQuery(field));
    }

    @Override
    public float[][] passageTokens(String field) {
        return PassageQueries.first(passageQueries, passages -> passages.passageTokens(field));
    }

    /** The structured scores of the hit with {@code id}, null when it is not in the ranking. */
    public Map<String, Object> details(String id) {
        FusedPool.Entry entry = byId.get(id);
        return entry == null ? null : entry.details();
    }

    /** When a shard's search uses the ranking: a ranking cut short by the request's timeout makes it {@code timed_out}. */
    void used(IndexSearcher searcher) {
        if (pool.timedOut()) {
            SearchDeadline.onShard(searches, searcher).markTimedOut();
        }
    }

    /** The fused ranking in a shard's query, rewritten or not; null when there is none. */
    public static FusedPoolQuery in(Query query) {
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

    @Override
    public Query rewrite(IndexSearcher searcher) throws IOException {
        List<int[]> found = new ArrayList<>(); // {global doc, entry}
        List<FusedPool.Entry> entries = new ArrayList<>(byId.values());
        boolean[] located = new boolean[entries.size()];
        PostingsEnum postings = null;
        for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
            Terms terms = leaf.reader().terms(IdFieldMapper.NAME);
            if (terms == null) {
                continue;
            }
            TermsEnum ids = terms.iterator();
            Bits live = leaf.reader().getLiveDocs();
            for (int e = 0; e < entries.size(); e++) {
                if (located[e] || ids.seekExact(Uid.encodeId(entries.get(e).id())) == false) {
                    continue;
                }
                postings = ids.postings(postings, PostingsEnum.NONE);
                for (int doc = postings.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = postings.nextDoc()) {
                    if (live == null || live.get(doc)) {
                        found.add(new int[]{leaf.docBase + doc, e});
                        located[e] = true;
                        break;
                    }
                }
            }
        }
        found.sort((a, b) -> Integer.compare(a[0], b[0]));
        int[] docs = new int[found.size()];
        float[] scores = new float[found.size()];
        FusedPool.Entry[] ofDoc = new FusedPool.Entry[found.size()];
        for (int i = 0; i < docs.length; i++) {
            docs[i] = found.get(i)[0];
            ofDoc[i] = entries.get(found.get(i)[1]);
            scores[i] = ofDoc[i].score();
        }
        return new PoolScoresQuery(
            searcher.getIndexReader().getContext().id(),
            docs,
            scores,
            i -> ofDoc[i].explanation() != null ? ofDoc[i].explanation()
                : Explanation
                    .match(ofDoc[i].score(), String.format(Locale.ROOT, "rank %s of the fused pool", ofDoc[i].details().get("rank"))),
            pool.description(),
            null,
            this
        );
    }

    @Override
    public Weight createWeight(IndexSearcher searcher, ScoreMode scoreMode, float boost) {
        throw new IllegalStateException("the fused pool query must be rewritten before it is used");
    }

    @Override
    public String toString(String field) {
        return "fused(" + pool.description() + ", " + byId.size() + " of " + pool.entries().size() + " documents in [" + index + "])";
    }

    @Override
    public void visit(QueryVisitor visitor) {
        visitor.visitLeaf(this);
    }

    @Override
    public boolean equals(Object other) {
        return sameClassAs(other) && index.equals(((FusedPoolQuery) other).index) && pool.equals(((FusedPoolQuery) other).pool);
    }

    @Override
    public int hashCode() {
        return Objects.hash(classHash(), index, pool);
    }
}
