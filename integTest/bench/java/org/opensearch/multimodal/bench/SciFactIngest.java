package org.opensearch.multimodal.bench;

import org.opensearch.action.bulk.BulkRequestBuilder;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.transport.client.Client;

import java.util.List;
import java.util.Locale;

/** SciFact documents into an index through its default pipeline, in bulks, with progress every 1,000 documents. */
final class SciFactIngest {

    private SciFactIngest() {
    }

    /** Returns the seconds the bulks took (refresh not included). */
    static double index(Client client, String index, List<SciFact.Doc> corpus, int bulkSize) {
        long start = System.nanoTime();
        for (int from = 0; from < corpus.size(); from += bulkSize) {
            int to = Math.min(from + bulkSize, corpus.size());
            BulkRequestBuilder bulk = client.prepareBulk().setTimeout(TimeValue.timeValueMinutes(30));
            for (SciFact.Doc doc : corpus.subList(from, to)) {
                bulk.add(client.prepareIndex(index).setId(doc.id()).setSource(doc.source()));
            }
            BulkResponse response = bulk.get();
            if (response.hasFailures()) {
                throw new IllegalStateException(response.buildFailureMessage());
            }
            if (to / 1000 > from / 1000 || to == corpus.size()) {
                System.out.printf(Locale.ROOT, "  indexed %d/%d%n", to, corpus.size());
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
