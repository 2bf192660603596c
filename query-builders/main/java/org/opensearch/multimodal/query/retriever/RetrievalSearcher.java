package org.opensearch.multimodal.query.retriever;

import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.QueryTimeout;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.CollectionStatistics;
import org.apache.lucene.search.CollectorManager;
import org.apache.lucene.search.FilterCollector;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.LeafCollector;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermStatistics;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopScoreDocCollector;
import org.apache.lucene.search.TopScoreDocCollectorManager;
import org.opensearch.multimodal.query.common.SearchDeadline;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The searcher a shard's retrievers search: the shard searcher's reader, similarity and term and collection statistics
 * (the whole index's under {@code dfs_query_then_fetch}, and the dfs phase learns the terms through it), no query
 * cache. Not the shard searcher itself: it may be profiling, and a search nested in its timers would break them.
 */
public final class RetrievalSearcher {

    /** Hits counted exactly up to this many, as {@link IndexSearcher#search(Query, int)} counts them. */
    private static final int TOTAL_HITS_THRESHOLD = 1_000;

    private RetrievalSearcher() {
    }

    /** Over {@code shard}'s reader and statistics; {@code timeout} (may be null) stops its searches, Lucene's kNN included. */
    public static IndexSearcher over(IndexSearcher shard, QueryTimeout timeout) {
        IndexSearcher searcher = new IndexSearcher(shard.getIndexReader()) {

            @Override
            public TermStatistics termStatistics(Term term, int docFreq, long totalTermFreq) throws IOException {
                return shard.termStatistics(term, docFreq, totalTermFreq);
            }

            @Override
            public CollectionStatistics collectionStatistics(String field) throws IOException {
                return shard.collectionStatistics(field);
            }
        };
        searcher.setSimilarity(shard.getSimilarity());
        searcher.setQueryCache(null);
        searcher.setTimeout(timeout);
        return searcher;
    }

    /**
     * The top {@code k} of a lexical query, checking {@code searcher}'s deadline as each segment starts: not under Lucene's
     * timeout, which scores in windows of 100 documents growing by half (a few percent of a BM25 search's time).
     */
    static int[] lexicalTopK(IndexSearcher searcher, Query query, int k) throws IOException {
        SearchDeadline deadline = SearchDeadline.of(searcher);
        TopScoreDocCollectorManager top = new TopScoreDocCollectorManager(
            Math.max(1, Math.min(k, searcher.getIndexReader().maxDoc())),
            TOTAL_HITS_THRESHOLD
        );
        TopDocs hits = over(searcher, null).search(query, new CollectorManager<PerSegmentCheck, TopDocs>() {

            @Override
            public PerSegmentCheck newCollector() throws IOException {
                return new PerSegmentCheck(top.newCollector(), deadline);
            }

            @Override
            public TopDocs reduce(Collection<PerSegmentCheck> collectors) throws IOException {
                List<TopScoreDocCollector> inner = new ArrayList<>(collectors.size());
                for (PerSegmentCheck collector : collectors) {
                    inner.add(collector.top);
                }
                return top.reduce(inner);
            }
        });
        return Arrays.stream(hits.scoreDocs).mapToInt(hit -> hit.doc).toArray();
    }

    /** A top-docs collector that checks the deadline before each segment. */
    private static final class PerSegmentCheck extends FilterCollector {

        private final TopScoreDocCollector top;
        private final SearchDeadline deadline;

        PerSegmentCheck(TopScoreDocCollector top, SearchDeadline deadline) {
            super(top);
            this.top = top;
            this.deadline = deadline;
        }

        @Override
        public LeafCollector getLeafCollector(LeafReaderContext context) throws IOException {
            deadline.check();
            return super.getLeafCollector(context);
        }
    }
}
