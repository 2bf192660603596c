package org.opensearch.multimodal.demo;

import org.opensearch.action.bulk.BulkRequestBuilder;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.transport.client.Client;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Indexes a JSON-lines file (one document per line, its {@code id} field as the id) in bulks, with a progress bar. */
final class JsonLinesIngest {

    private JsonLinesIngest() {
    }

    static void index(Client client, String index, Path jsonLines, int bulkSize, String label, PrintStream out) throws IOException {
        index(client, index, jsonLines, bulkSize, label, out, UnaryOperator.identity());
    }

    /** As above, each document passed through {@code enrich} first (e.g. to add a field computed from a file). */
    static void index(
        Client client,
        String index,
        Path jsonLines,
        int bulkSize,
        String label,
        PrintStream out,
        UnaryOperator<Map<String, Object>> enrich
    )
        throws IOException {
        List<String> lines = Files.readAllLines(jsonLines).stream().filter(line -> line.isBlank() == false).toList();
        ProgressBar progress = new ProgressBar(out, label, lines.size());
        for (int start = 0; start < lines.size(); start += bulkSize) {
            BulkRequestBuilder bulk = client.prepareBulk();
            List<String> part = lines.subList(start, Math.min(start + bulkSize, lines.size()));
            for (String line : part) {
                Map<String, Object> doc = XContentHelper.convertToMap(new BytesArray(line), false, XContentType.JSON).v2();
                bulk.add(client.prepareIndex(index).setId(String.valueOf(doc.get("id"))).setSource(enrich.apply(doc)));
            }
            BulkResponse response = bulk.get();
            if (response.hasFailures()) {
                throw new IllegalStateException("demo ingest into [" + index + "] failed: " + response.buildFailureMessage());
            }
            progress.advance(part.size());
        }
        progress.done();
        client.admin().indices().prepareRefresh(index).get();
    }
}
