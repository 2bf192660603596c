package org.opensearch.multimodal.query.fusion;

import org.apache.lucene.search.Explanation;
import org.apache.lucene.util.BytesRef;
import org.opensearch.core.common.breaker.CircuitBreaker;
import org.opensearch.multimodal.memory.TokenMemory;
import org.opensearch.multimodal.query.common.SearchDeadline;
import org.opensearch.multimodal.query.retriever.RetrieverSpec;
import org.opensearch.multimodal.services.MultimodalServices;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The coordinating node's fusion over the whole index (docs/search.md): from the shards' gathered pools it takes each
 * retriever's top {@code k} among the documents that retriever proposed on its shard (what one shard holding every
 * document would have proposed), scores that pool with the exact scores the shards computed, fuses it as a shard
 * would, and ranks it with ties broken by {@code _index} then {@code _id}. What it holds is charged to the node's
 * {@code multimodal} breaker while it works.
 */
public final class CoordinatorFusion {

    private CoordinatorFusion() {
    }

    public static FusedPool fuse(
        GatheredPool gathered,
        FusionSpec fusion,
        Map<String, RetrieverSpec> retrievers,
        MultimodalServices node,
        boolean explain,
        SearchDeadline deadline
    ) throws IOException {
        deadline.stopped(); // a search cancelled while its first round ran stops here
        CircuitBreaker breaker = node.limits().breaker();
        long held = gathered.docs().stream().mapToLong(GatheredPool.Doc::bytes).sum();
        breaker.addEstimateBytesAndMaybeBreak(held, "the multimodal query's pool on the coordinating node");
        try {
            return fuse(gathered, fusion.onCoordinator(retrievers, node.stats()), retrievers, node, explain, deadline);
        } finally {
            breaker.addWithoutBreaking(-held);
        }
    }

    private static FusedPool fuse(
        GatheredPool gathered,
        PoolFusion fusion,
        Map<String, RetrieverSpec> retrievers,
        MultimodalServices node,
        boolean explain,
        SearchDeadline deadline
    ) throws IOException {
        List<String> names = gathered.names();
        List<GatheredPool.Doc> pool = pool(gathered, names, retrievers);
        if (pool.isEmpty()) {
            return new FusedPool(fusion.describe(), List.of());
        }
        float[][] scores = new float[names.size()][pool.size()];
        BytesRef[] vectors = new BytesRef[pool.size()];
        for (int i = 0; i < pool.size(); i++) {
            for (int r = 0; r < names.size(); r++) {
                scores[r][i] = pool.get(i).scores()[r];
            }
            vectors[i] = pool.get(i).vector();
        }
        PrimaryCandidates primary = gathered.primary() == null
            ? null
            : PrimaryCandidates.gathered(gathered.primary(), vectors, TokenMemory.of(node.limits()));
        PoolFusion.Fused fused = fusion.fuseGathered(names, scores, primary, deadline);
        float[] values = fused.scores();
        Integer[] order = new Integer[pool.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // the pool is in _index, _id order, so equal scores keep it
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -values[i]).thenComparingInt(i -> i));
        float lowest = 0f;
        for (float value : values) {
            lowest = Math.min(lowest, value);
        }
        List<FusedPool.Entry> entries = new ArrayList<>(pool.size());
        float previous = Float.POSITIVE_INFINITY;
        for (int rank = 0; rank < order.length; rank++) {
            int i = order[rank];
            // non-negative for Lucene, and strictly decreasing so every shard count merges hits in this order
            float score = Math.max(0f, Math.min(values[i] - lowest, Math.nextDown(previous)));
            previous = score;
            Map<String, Object> details = new LinkedHashMap<>(fused.details().apply(i));
            details.put("rank", rank + 1);
            Explanation explanation = explain ? explanation(fused.explain().apply(i), score, rank, pool.size()) : null;
            entries.add(new FusedPool.Entry(pool.get(i).index(), pool.get(i).id(), score, details, explanation));
        }
        return new FusedPool(fusion.describe(), entries);
    }

    /** Each retriever's top k among what it proposed on its shard, their union, in _index, _id order, each document once. */
    private static List<GatheredPool.Doc> pool(GatheredPool gathered, List<String> names, Map<String, RetrieverSpec> retrievers) {
        TreeSet<GatheredPool.Doc> chosen = new TreeSet<>(Comparator.comparing(CoordinatorFusion::key));
        for (int r = 0; r < names.size(); r++) {
            int retriever = r;
            RetrieverSpec spec = retrievers.get(names.get(r));
            int k = spec == null ? Integer.MAX_VALUE : spec.k();
            gathered.docs()
                .stream()
                .filter(doc -> doc.proposedBy(retriever) && Float.isNaN(doc.scores()[retriever]) == false)
                .sorted(
                    Comparator.comparingDouble((GatheredPool.Doc doc) -> -doc.scores()[retriever]).thenComparing(CoordinatorFusion::key)
                )
                .limit(k)
                .forEach(chosen::add);
        }
        return new ArrayList<>(chosen);
    }

    private static String key(GatheredPool.Doc doc) {
        return doc.index() + '\u0000' + doc.id();
    }

    private static Explanation explanation(Explanation fused, float score, int rank, int poolSize) {
        return Explanation.match(
            score,
            String.format(
                Locale.ROOT,
                "rank %d of the %d documents of the whole index's pool, fused on the coordinating node (scores made non-negative and "
                    + "distinct; ties broken by _index, then _id)",
                rank + 1,
                poolSize
            ),
            fused
        );
    }
}
