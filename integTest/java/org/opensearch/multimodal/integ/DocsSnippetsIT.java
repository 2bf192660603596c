package org.opensearch.multimodal.integ;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The docs' REST examples, run as written against one node of the real distribution with the zip installed (as
 * Elasticsearch tests its docs' snippets): the README first, then every page of {@code docs/} in name order, on the
 * same node, so a page may build on the README's index. Each request must be answered 2xx, a bulk without item errors,
 * a search without shard failures. How a page marks setup or a request that cannot run: {@link DocSnippets}.
 */
public final class DocsSnippetsIT {

    private static final Path ROOT = Path.of(System.getProperty("tests.docs.root", ".")).toAbsolutePath();

    private static DistributionCluster cluster;
    private static RestClientHelper client;

    @BeforeClass
    public static void startNode() throws IOException {
        cluster = DistributionCluster.start("it-docs", 1);
        client = cluster.client(0);
    }

    @AfterClass
    public static void stopNode() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    public void everyRequestTheDocsShowIsAnsweredAsTheyPromise() throws IOException {
        List<Path> pages = new ArrayList<>();
        pages.add(ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        int ran = 0;
        List<String> skipped = new ArrayList<>();
        for (Path page : pages) {
            for (DocSnippets.Snippet snippet : DocSnippets.of(page)) {
                if (snippet.skipReason() != null) {
                    skipped.add(snippet.where() + ": " + snippet.skipReason());
                    continue;
                }
                if (snippet.setup() != null) {
                    for (DocSnippets.Snippet step : DocSnippets
                        .setup(ROOT.resolve("integTest/doc-snippets/" + snippet.setup() + ".http"))) {
                        check(step, "setup for " + snippet.where());
                    }
                }
                check(snippet, snippet.where());
                ran++;
            }
        }
        System.out.println("ran " + ran + " doc requests; skipped " + skipped.size() + ": " + skipped);
        assertTrue("the README and the reference pages show at least 10 runnable requests, ran " + ran, ran >= 10);
    }

    private static void check(DocSnippets.Snippet snippet, String where) throws IOException {
        RestClientHelper.Response response = client.request(snippet.method(), snippet.path(), snippet.body());
        assertTrue(where + "\n" + response.describe("a 2xx answer") + "\n" + cluster.logTails(), response.isSuccess());
        if (response.json() instanceof Map<?, ?> answer) {
            assertFalse(where + ": bulk item errors: " + response.body(), Boolean.TRUE.equals(answer.get("errors")));
            if (answer.get("_shards") instanceof Map<?, ?> shards && answer.containsKey("hits")) {
                assertEquals(where + ": shard failures: " + response.body(), 0, ((Number) shards.get("failed")).intValue());
            }
        }
    }
}
