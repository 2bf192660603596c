package org.opensearch.multimodal.plugin;

import org.opensearch.action.bulk.BulkRequestBuilder;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.transport.client.Client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The demo corpus (48 paragraphs, 8 topics, ids as in the file) in one bulk, for the in-JVM cluster tests. */
final class DemoCorpusBulk {

    private DemoCorpusBulk() {
    }

    /** Every paragraph into {@code index} (through its default pipeline, if any); the response, for the test to check. */
    static BulkResponse index(Client client, String index) throws IOException {
        BulkRequestBuilder bulk = client.prepareBulk();
        Path corpus = Path.of(System.getProperty("tests.demo.corpus", "integTest/demo/corpus/docs.jsonl"));
        for (String line : Files.readAllLines(corpus, StandardCharsets.UTF_8)) {
            if (line.isBlank() == false) {
                String id = line.replaceAll("^\\{\"id\": \"(\\d+)\".*$", "$1");
                bulk.add(client.prepareIndex(index).setId(id).setSource(line, XContentType.JSON));
            }
        }
        return bulk.get();
    }
}
