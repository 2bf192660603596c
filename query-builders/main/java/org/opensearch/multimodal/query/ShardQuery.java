package org.opensearch.multimodal.query;

import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.index.mapper.IdFieldMapper;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.multimodal.mapper.DenseVectorFieldMapper.DenseVectorFieldType;
import org.opensearch.multimodal.query.fusion.FusedPool;
import org.opensearch.multimodal.query.fusion.FusedPoolQuery;
import org.opensearch.multimodal.query.fusion.FusionSpec;
import org.opensearch.multimodal.query.fusion.HybridRetrievalQuery;
import org.opensearch.multimodal.query.fusion.PoolGathering;
import org.opensearch.multimodal.query.retriever.DenseRetriever;
import org.opensearch.multimodal.query.retriever.MultiVectorRetriever;
import org.opensearch.multimodal.query.retriever.PassageQueries;
import org.opensearch.multimodal.query.retriever.PoolRetriever;
import org.opensearch.multimodal.query.retriever.RetrieverSpec;
import org.opensearch.multimodal.query.retriever.ShardInputs;
import org.opensearch.multimodal.services.MultimodalServices;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a shard runs for a rewritten {@code multimodal} query: in a fused search's second round, the coordinating
 * node's ranking ({@link FusedPoolQuery}); otherwise its retrievers over the shard (one alone without fusion as its own
 * query, several as a {@link HybridRetrievalQuery}: one pool, exact scores from every retriever, then the fusion, or in
 * a fused search's first round the pool gathered for the coordinating node).
 */
final class ShardQuery {

    private ShardQuery() {
    }

    static Query of(MultimodalQueryBuilder query, FusedPool fused, boolean gathering, QueryShardContext context) throws IOException {
        if (fused != null) {
            PoolGathering.ShardFailure failure = fused.failure(context.index().getName(), context.getShardId());
            if (failure != null) {
                throw new OpenSearchStatusException(
                    "this shard could not gather its pool in the fused search's first round: " + failure.reason(),
                    failure.status()
                );
            }
            ShardInputs shard = new ShardInputs(
                context,
                null,
                query.inputs(),
                query.vectors(),
                query.likeVectors(),
                query.services().get()
            );
            return new FusedPoolQuery(fused, context.index().getName(), query.services().get().searches(), passageQueries(query, shard));
        }
        MultimodalServices node = query.services().get();
        Query filterQuery = query.filter() == null ? null : query.filter().toQuery(context);
        if (query.inputs().like() != null && query.inputs().like().index().equals(context.index().getName())) {
            // "more like this": the liked document is not one of its own hits
            BooleanQuery.Builder withoutLiked = new BooleanQuery.Builder();
            withoutLiked.add(filterQuery == null ? new MatchAllDocsQuery() : filterQuery, BooleanClause.Occur.FILTER);
            withoutLiked
                .add(context.fieldMapper(IdFieldMapper.NAME).termQuery(query.inputs().like().id(), context), BooleanClause.Occur.MUST_NOT);
            filterQuery = withoutLiked.build();
        }
        ShardInputs shard = new ShardInputs(context, filterQuery, query.inputs(), query.vectors(), query.likeVectors(), node);
        List<PoolRetriever> pool = new ArrayList<>();
        for (Map.Entry<String, RetrieverSpec> named : query.retrievers().entrySet()) {
            pool.add(named.getValue().onShard(named.getKey(), shard));
        }
        if (pool.stream().noneMatch(PoolRetriever::proposes)) {
            throw new IllegalArgumentException(
                "[query.retrievers()] nothing proposes candidates: a multi_vector field without an index of its own (\"index\": true in its "
                    + "mapping) only scores them; add a dense or lexical retriever"
            );
        }
        if (pool.size() == 1 && query.fusion() == null && pool.get(0).standalone() != null) {
            return pool.get(0).standalone();
        }
        FusionSpec fusionSpec = query.effectiveFusion();
        return HybridRetrievalQuery.of(pool, fusionSpec, query.retrievers(), node.stats(), gathering, node.searches());
    }

    /**
     * The shard's retrievers that compare passages, for the best-passage highlighter: dense retrievers on chunked
     * fields (their query vector) and multi-vector retrievers (their query's token vectors).
     */
    private static List<PassageQueries> passageQueries(MultimodalQueryBuilder query, ShardInputs shard) throws IOException {
        List<PassageQueries> passages = new ArrayList<>();
        for (Map.Entry<String, RetrieverSpec> named : query.retrievers().entrySet()) {
            RetrieverSpec spec = named.getValue();
            boolean comparesPassages = spec instanceof MultiVectorRetriever
                || (spec instanceof DenseRetriever dense
                    && shard.context().fieldMapper(dense.field()) instanceof DenseVectorFieldType vectorField
                    && vectorField.chunked());
            if (comparesPassages && spec.onShard(named.getKey(), shard) instanceof PassageQueries retriever) {
                passages.add(retriever);
            }
        }
        return passages;
    }
}
