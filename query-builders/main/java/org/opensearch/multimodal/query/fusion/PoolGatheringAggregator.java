package org.opensearch.multimodal.query.fusion;

import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreMode;
import org.opensearch.index.fieldvisitor.FieldsVisitor;
import org.opensearch.search.aggregations.InternalAggregation;
import org.opensearch.search.aggregations.LeafBucketCollector;
import org.opensearch.search.aggregations.LeafBucketCollectorBase;
import org.opensearch.search.aggregations.metrics.MetricsAggregator;
import org.opensearch.search.internal.SearchContext;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Collects the shard's pool documents that match the whole query (alias filters included) into a {@link GatheredPool}. */
final class PoolGatheringAggregator extends MetricsAggregator {

    private int[] collected = new int[16];
    private int count;

    PoolGatheringAggregator(String name, SearchContext context, Map<String, Object> metadata) throws IOException {
        super(name, context, null, metadata);
        if (gathering(context.query()) == null) {
            throw new IllegalArgumentException(
                "[" + PoolGatheringAggregationBuilder.NAME + "] is internal to the multimodal query and aggregates only its pool"
            );
        }
    }

    /** The gathering retrieval inside {@code query} (the shard's query), or null. */
    static HybridRetrievalQuery gathering(Query query) {
        HybridRetrievalQuery[] found = new HybridRetrievalQuery[1];
        query.visit(new QueryVisitor() {

            @Override
            public void visitLeaf(Query leaf) {
                if (leaf instanceof HybridRetrievalQuery retrieval && retrieval.gathers()) {
                    found[0] = retrieval;
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
    public ScoreMode scoreMode() {
        return ScoreMode.COMPLETE_NO_SCORES;
    }

    @Override
    protected LeafBucketCollector getLeafCollector(LeafReaderContext leaf, LeafBucketCollector sub) {
        return new LeafBucketCollectorBase(sub, null) {

            @Override
            public void collect(int doc, long bucket) {
                if (count == collected.length) {
                    collected = Arrays.copyOf(collected, count * 2);
                }
                collected[count++] = leaf.docBase + doc;
            }
        };
    }

    @Override
    public InternalAggregation buildAggregation(long owningBucketOrd) throws IOException {
        ShardPool pool = pool();
        int[] docs = Arrays.copyOf(collected, count);
        Arrays.sort(docs);
        String index = context.indexShard().shardId().getIndexName();
        List<LeafReaderContext> leaves = context.searcher().getIndexReader().leaves();
        List<GatheredPool.Doc> gathered = new ArrayList<>(docs.length);
        long bytes = 0;
        LeafReaderContext leaf = null;
        StoredFields storedFields = null;
        for (int doc : docs) {
            int i = pool.position(doc);
            if (i < 0) {
                continue;
            }
            if (leaf == null || doc >= leaf.docBase + leaf.reader().maxDoc()) {
                leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
                // one reader a leaf: each holds its decompression buffers, as large as the leaf's largest document
                storedFields = leaf.reader().storedFields();
            }
            FieldsVisitor id = new FieldsVisitor(false);
            storedFields.document(doc - leaf.docBase, id);
            float[] scores = new float[pool.names().size()];
            for (int r = 0; r < scores.length; r++) {
                scores[r] = pool.scores()[r][i];
            }
            GatheredPool.Doc entry = new GatheredPool.Doc(
                index,
                id.id(),
                scores,
                pool.proposedBy()[i],
                pool.vectors() == null ? null : pool.vectors()[i]
            );
            bytes += entry.bytes();
            gathered.add(entry);
        }
        addRequestCircuitBreakerBytes(bytes); // the result is held until it is sent
        return new GatheredPool(name, metadata(), pool.names(), pool.primary(), gathered);
    }

    @Override
    public InternalAggregation buildEmptyAggregation() {
        return new GatheredPool(name, metadata(), List.of(), null, List.of());
    }

    /** The shard's pool, computed when the search created the query's weight (or now, for a shard it never reached). */
    private ShardPool pool() throws IOException {
        return gathering(context.query()).pool(context.searcher()).gathered();
    }
}
