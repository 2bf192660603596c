package org.opensearch.multimodal.query;

import org.apache.lucene.util.SetOnce;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.core.action.ActionListener;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryCoordinatorContext;
import org.opensearch.index.query.QueryRewriteContext;
import org.opensearch.multimodal.query.common.ActionListenerAdapters;
import org.opensearch.multimodal.query.common.SearchDeadline;
import org.opensearch.multimodal.query.common.SearchTaskFilter;
import org.opensearch.multimodal.query.encoding.MappedModels;
import org.opensearch.multimodal.query.encoding.QueryEncoder;
import org.opensearch.multimodal.query.encoding.QueryVectors;
import org.opensearch.multimodal.query.fusion.CoordinatorFusion;
import org.opensearch.multimodal.query.fusion.FusedPool;
import org.opensearch.multimodal.query.fusion.FusionSpec;
import org.opensearch.multimodal.query.fusion.PoolGathering;
import org.opensearch.multimodal.query.retriever.EncodingPlan;
import org.opensearch.multimodal.query.retriever.RetrieverSpec;
import org.opensearch.multimodal.services.MultimodalServices;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code multimodal} query's rewrite on the coordinating node, one thing at a time, each asynchronous step
 * registered with the rewrite context and waited for ({@link Awaiting}): the filter's and retrievers' own rewrites, the
 * liked document's vectors, the models the mappings name for retrievers that name none, the query's encodings (once per
 * model), and, with several retrievers or a fusion in a search, the first round that gathers the whole index's pool and
 * the fusion over it (docs/search.md). Shards receive a query with everything it needs.
 */
final class CoordinatingRewrite {

    private CoordinatingRewrite() {
    }

    /** The next step of {@code query}'s rewrite: a copy with what it now waits for or has, or {@code query} when done. */
    static QueryBuilder rewrite(MultimodalQueryBuilder query, QueryRewriteContext context) throws IOException {
        if (query.filter() != null) {
            QueryBuilder rewrittenFilter = query.filter().rewrite(context);
            if (rewrittenFilter != query.filter()) {
                return query.copy(rewrittenFilter, query.retrievers(), query.vectors(), query.likeVectors(), query.awaiting());
            }
        }
        Map<String, RetrieverSpec> rewrittenRetrievers = new LinkedHashMap<>();
        boolean changed = false;
        for (Map.Entry<String, RetrieverSpec> retriever : query.retrievers().entrySet()) {
            RetrieverSpec rewritten = retriever.getValue().rewrite(context);
            changed |= rewritten != retriever.getValue();
            rewrittenRetrievers.put(retriever.getKey(), rewritten);
        }
        if (changed) {
            return query.copy(query.filter(), rewrittenRetrievers, query.vectors(), query.likeVectors(), query.awaiting());
        }
        if (query.awaiting() != Awaiting.NOTHING) {
            return query.awaiting().done() ? query.awaiting().apply(query) : query;
        }
        if (query.inputs().like() != null && query.likeVectors().isEmpty()) {
            // the liked document's vectors are read once, on the coordinating node, as query text is encoded
            SetOnce<Map<String, float[]>> fetching = new SetOnce<>();
            List<String> fields = query.retrievers().values().stream().flatMap(r -> r.likeField().stream()).distinct().toList();
            context.registerAsyncAction(
                (client, listener) -> LikeVectors
                    .fetch(client, query.inputs().like(), fields, ActionListenerAdapters.setting(fetching, listener))
            );
            return query.copy(query.filter(), query.retrievers(), query.vectors(), query.likeVectors(), Awaiting.like(fetching));
        }
        Map<String, String> unnamed = new LinkedHashMap<>(); // retriever -> the field whose mapping must name its model
        for (Map.Entry<String, RetrieverSpec> named : query.retrievers().entrySet()) {
            named.getValue().fieldNamingItsModel(query.inputs()).ifPresent(field -> unnamed.put(named.getKey(), field));
        }
        if (unnamed.isEmpty() == false) {
            String[] indices = MappedModels.searchedIndices(context);
            if (indices == null) {
                throw new IllegalArgumentException(
                    String.format(
                        Locale.ROOT,
                        "[retrievers.%s.model] is required here: this request does not read mappings",
                        unnamed.keySet().iterator().next()
                    )
                );
            }
            SetOnce<Map<String, Set<String>>> fetched = new SetOnce<>();
            context.registerAsyncAction(
                (client, listener) -> MappedModels
                    .fetch(client, indices, unnamed.values(), ActionListenerAdapters.setting(fetched, listener))
            );
            return query.copy(query.filter(), query.retrievers(), query.vectors(), query.likeVectors(), Awaiting.models(unnamed, fetched));
        }
        EncodingPlan plan = new EncodingPlan(new QueryEncoder(query.services().get()));
        for (Map.Entry<String, RetrieverSpec> named : query.retrievers().entrySet()) {
            named.getValue().planEncodings(named.getKey(), query.inputs(), query.vectors(), plan);
        }
        List<SetOnce<QueryVectors>> encoding = plan.start(context, query.inputs());
        if (encoding.isEmpty() == false) {
            return query.copy(query.filter(), query.retrievers(), query.vectors(), query.likeVectors(), Awaiting.encodings(encoding));
        }
        return fuseOnCoordinator(query, context);
    }

    /**
     * With several retrievers or a fusion, in a search's coordinating rewrite: the two rounds of docs/search.md. The
     * shards gather their pools (every retriever's exact scores), this node fuses the whole index's pool, and the
     * query the shards then run is that ranking. Elsewhere (no search request: {@code _explain/{id}}, {@code _validate},
     * a percolator) and for GQR's {@code search_again}, each shard fuses its own pool.
     */
    private static QueryBuilder fuseOnCoordinator(MultimodalQueryBuilder query, QueryRewriteContext context) {
        if (query.fusedOnCoordinator() || (query.fusion() == null && query.retrievers().size() == 1)) {
            return query;
        }
        if (query.fusion() != null && query.fusion().fusesOnCoordinator() == false) {
            return query;
        }
        QueryCoordinatorContext coordinator = context.convertToCoordinatorContext();
        if (coordinator == null || coordinator.getSearchRequest() instanceof SearchRequest == false) {
            return query;
        }
        SearchRequest outer = (SearchRequest) coordinator.getSearchRequest();
        boolean explain = outer.source() != null && Boolean.TRUE.equals(outer.source().explain());
        MultimodalQueryBuilder gatheringQuery = new MultimodalQueryBuilder(
            query.inputs(),
            query.retrievers(),
            query.fusion(),
            query.filter(),
            query.vectors(),
            query.likeVectors(),
            Awaiting.NOTHING,
            query.services(),
            true,
            null
        );
        FusionSpec fusionSpec = query.effectiveFusion();
        SetOnce<FusedPool> ranking = new SetOnce<>();
        MultimodalServices node = query.services().get();
        context.registerAsyncAction((client, listener) -> {
            long start = System.nanoTime();
            SearchDeadline deadline = SearchDeadline
                .onCoordinator(
                    SearchTaskFilter.searchTask(client.threadPool().getThreadContext()),
                    outer,
                    node.limits().defaultSearchTimeout()
                );
            PoolGathering
                .run(client, outer, gatheringQuery, ActionListener.map(ActionListenerAdapters.setting(ranking, listener), round -> {
                    FusedPool pool = round.pool() == null
                        ? new FusedPool(fusionSpec.method(), List.of())
                        : CoordinatorFusion.fuse(round.pool(), fusionSpec, query.retrievers(), node, explain, deadline);
                    node.stats().coordinated(fusionSpec.method(), round.shards(), System.nanoTime() - start);
                    if (deadline.expired()) {
                        deadline.markTimedOut();
                    }
                    return pool.after(round.failures(), round.timedOut() || deadline.expired());
                }));
        });
        return query.copy(query.filter(), query.retrievers(), query.vectors(), query.likeVectors(), Awaiting.fusion(ranking));
    }

    /**
     * What a coordinating rewrite waits for, one thing at a time: the query's encodings, the liked document's vectors,
     * or the models the mappings name for retrievers that name none ({@code unnamed}: retriever to field).
     */
    record Awaiting(
        List<SetOnce<QueryVectors>> encodings,
        SetOnce<Map<String, float[]>> likeVectors,
        Map<String, String> unnamed,
        SetOnce<Map<String, Set<String>>> mappedModels,
        SetOnce<FusedPool> fused
    ) {
        static final Awaiting NOTHING = new Awaiting(List.of(), null, Map.of(), null, null);

        static Awaiting encodings(List<SetOnce<QueryVectors>> encodings) {
            return new Awaiting(encodings, null, Map.of(), null, null);
        }

        static Awaiting like(SetOnce<Map<String, float[]>> vectors) {
            return new Awaiting(List.of(), vectors, Map.of(), null, null);
        }

        static Awaiting models(Map<String, String> unnamed, SetOnce<Map<String, Set<String>>> models) {
            return new Awaiting(List.of(), null, unnamed, models, null);
        }

        static Awaiting fusion(SetOnce<FusedPool> ranking) {
            return new Awaiting(List.of(), null, Map.of(), null, ranking);
        }

        boolean done() {
            return encodings.stream().allMatch(e -> e.get() != null)
                && (likeVectors == null || likeVectors.get() != null)
                && (mappedModels == null || mappedModels.get() != null)
                && (fused == null || fused.get() != null);
        }

        /** The query with what arrived. */
        MultimodalQueryBuilder apply(MultimodalQueryBuilder query) {
            QueryVectors encoded = query.vectors();
            for (SetOnce<QueryVectors> encoding : encodings) {
                encoded = encoded.with(encoding.get());
            }
            Map<String, float[]> liked = likeVectors == null ? query.likeVectors() : likeVectors.get();
            Map<String, RetrieverSpec> completed = new LinkedHashMap<>(query.retrievers());
            for (Map.Entry<String, String> retriever : unnamed.entrySet()) {
                RetrieverSpec spec = completed.get(retriever.getKey());
                String parameter = "retrievers." + retriever.getKey() + "." + spec.type();
                String field = retriever.getValue();
                completed.put(retriever.getKey(), spec.withModel(MappedModels.resolve(parameter, field, mappedModels.get().get(field))));
            }
            if (fused != null) {
                return new MultimodalQueryBuilder(
                    query.inputs(),
                    query.retrievers(),
                    query.fusion(),
                    query.filter(),
                    query.vectors(),
                    query.likeVectors(),
                    NOTHING,
                    query.services(),
                    false,
                    fused.get()
                ).boost(query.boost()).queryName(query.queryName());
            }
            return query.copy(query.filter(), completed, encoded, liked, NOTHING);
        }
    }
}
