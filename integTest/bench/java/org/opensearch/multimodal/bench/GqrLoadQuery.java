package org.opensearch.multimodal.bench;

import org.opensearch.action.search.SearchRequestBuilder;
import org.opensearch.index.query.MultiMatchQueryBuilder;
import org.opensearch.multimodal.math.ScoreNormalization;
import org.opensearch.multimodal.query.MultimodalQueryBuilder;
import org.opensearch.multimodal.query.fusion.FusionSpec;
import org.opensearch.multimodal.query.fusion.GqrSpec;
import org.opensearch.multimodal.query.rescore.LateInteractionRescorerBuilder;
import org.opensearch.multimodal.query.rescore.LateInteractionScoreMode;
import org.opensearch.multimodal.query.retriever.DenseRetriever;
import org.opensearch.multimodal.query.retriever.LexicalRetriever;
import org.opensearch.multimodal.query.retriever.MultiVectorRetriever;
import org.opensearch.multimodal.query.retriever.RetrieverSpec;
import org.opensearch.transport.client.Client;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The heaviest query the load benchmarks send: BM25 ({@code multi_match} over title and text) + dense ({@code vec}) +
 * multi_vector ({@code tokens}), fused by GQR with the multi-vector primary, then a {@code late_interaction} rescore;
 * top 10, no {@code _source}.
 */
final class GqrLoadQuery {

    private GqrLoadQuery() {
    }

    /** {@code k} from BM25 and dense each, GQR's {@code poolK}, a rescore window of {@code window}. */
    static SearchRequestBuilder of(Client client, String index, String text, int k, int poolK, int window) {
        String model = SciFactVectorCache.MODEL;
        Map<String, RetrieverSpec> retrievers = new LinkedHashMap<>();
        retrievers.put("bm25", new LexicalRetriever(new MultiMatchQueryBuilder(text, "title", "text"), k));
        retrievers.put("dense", new DenseRetriever("vec", model, k));
        retrievers.put("tokens", new MultiVectorRetriever("tokens", model));
        FusionSpec gqr = FusionSpec
            .gqr(new GqrSpec("tokens", List.of("bm25", "dense"), poolK, null, null, 1f, 0.5f, ScoreNormalization.MIN_MAX));
        return client.prepareSearch(index)
            .setQuery(new MultimodalQueryBuilder(text, null, null, retrievers, gqr, null))
            .addRescorer(new LateInteractionRescorerBuilder("tokens", text, model, LateInteractionScoreMode.REPLACE, 1f, 1f), window)
            .setSize(10)
            .setFetchSource(false);
    }
}
