package org.opensearch.multimodal.bench;

import org.opensearch.action.bulk.BulkRequestBuilder;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.transport.client.Client;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Indexes SciFact with the cached vectors given (no pipeline), in bulks, failing on the first refused document. */
final class CachedVectorBulk {

    /** One document's source, from its text and cached vectors. */
    interface Source {

        Map<String, Object> of(SciFact.Doc doc, float[] dense, float[][] tokens);
    }

    private CachedVectorBulk() {
    }

    /** Every document of {@code corpus} into {@code index}, {@code bulkSize} at a time; returns the seconds it took. */
    static double index(Client client, String index, List<SciFact.Doc> corpus, Path cache, boolean withTokens, int bulkSize, Source source)
        throws IOException {
        return index(client, index, corpus, cache, withTokens, bulkSize, source, null);
    }

    /** The same, each id followed by {@code idSuffix} (null: none), so a corpus can be indexed again beside itself. */
    static double index(
        Client client,
        String index,
        List<SciFact.Doc> corpus,
        Path cache,
        boolean withTokens,
        int bulkSize,
        Source source,
        String idSuffix
    ) throws IOException {
        long start = System.nanoTime();
        BulkRequestBuilder[] bulk = {client.prepareBulk().setTimeout(TimeValue.timeValueMinutes(10))};
        SciFactVectorCache.read(cache, corpus, withTokens, (doc, dense, tokens) -> {
            String id = idSuffix == null ? doc.id() : doc.id() + idSuffix;
            bulk[0].add(client.prepareIndex(index).setId(id).setSource(source.of(doc, dense, tokens)));
            if (bulk[0].numberOfActions() == bulkSize) {
                flush(bulk[0]);
                bulk[0] = client.prepareBulk().setTimeout(TimeValue.timeValueMinutes(10));
            }
        });
        if (bulk[0].numberOfActions() > 0) {
            flush(bulk[0]);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static void flush(BulkRequestBuilder bulk) {
        BulkResponse response = bulk.get();
        if (response.hasFailures()) {
            throw new IllegalStateException(response.buildFailureMessage());
        }
    }
}
