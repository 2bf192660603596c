package org.opensearch.multimodal.bench;

import org.opensearch.common.settings.Settings;
import org.opensearch.multimodal.math.TokenEncoding;
import org.opensearch.transport.client.Client;

import java.util.Locale;

/**
 * The SciFact index the token-vector benchmarks build: {@code title} and {@code text} with the English analyzer under
 * BM25 k1 0.9, b 0.4 (Anserini's BEIR setting), bge-small's dense vector, and its token vectors as {@code multi_vector}
 * in the given encoding and pool factor; one shard, no replica, no refresh while indexing.
 */
final class SciFactTokenIndex {

    private SciFactTokenIndex() {
    }

    /** Creates {@code index} (deleting one of that name first). */
    static void create(Client client, String index, TokenEncoding encoding, int poolFactor) {
        if (client.admin().indices().prepareExists(index).get().isExists()) {
            client.admin().indices().prepareDelete(index).get();
        }
        String mapping = String.format(
            Locale.ROOT,
            """
                {"properties": {
                  "title": {"type": "text", "analyzer": "english"},
                  "text": {"type": "text", "analyzer": "english"},
                  "vec": {"type": "dense_vector", "dims": 384, "similarity": "cosine", "model": "bge-small-en-v1.5"},
                  "tokens": {"type": "multi_vector", "dims": 384, "model": "bge-small-en-v1.5", "encoding": "%s", "pool_factor": %d}}}""",
            encoding,
            poolFactor
        );
        client.admin()
            .indices()
            .prepareCreate(index)
            .setSettings(
                Settings.builder()
                    .put("index.number_of_shards", 1)
                    .put("index.number_of_replicas", 0)
                    .put("index.refresh_interval", "-1")
                    .put("index.similarity.default.type", "BM25")
                    .put("index.similarity.default.k1", 0.9)
                    .put("index.similarity.default.b", 0.4)
            )
            .setMapping(mapping)
            .get();
    }
}
