package org.opensearch.multimodal.rest;

import org.junit.Before;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.rest.RestRequest;
import org.opensearch.rest.RestResponse;
import org.opensearch.test.rest.FakeRestChannel;
import org.opensearch.test.rest.FakeRestRequest;
import org.opensearch.test.rest.RestActionTestCase;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The plugin's pages as a browser gets them: every script and stylesheet a page names is served from the jar, under the
 * policy that nothing comes from elsewhere, and any other name is a 404.
 */
public final class RestPagesActionTests extends RestActionTestCase {

    private static final Pattern LOCAL_FILES = Pattern.compile("(?:src|href)=\"/_plugins/_multimodal/ui/([^\"?]+)\"");
    /** An ES module's import of another of the pages' modules: {@code from './ui-common.js'}. */
    private static final Pattern MODULE_IMPORT = Pattern.compile("from '\\./([\\w.-]+\\.js)'");

    @Before
    public void registerTheHandler() {
        controller().registerHandler(new RestPagesAction());
    }

    public void testEachPageAndEveryFileItNamesIsServedWithThePolicy() {
        for (String page : List.of("", "/operations", "/relevance")) {
            RestResponse html = get("/_plugins/_multimodal/ui" + page, Map.of());
            assertEquals(page, RestStatus.OK, html.status());
            assertEquals("text/html; charset=UTF-8", html.contentType());
            String body = html.content().utf8ToString();
            assertFalse("nothing from elsewhere: " + page, body.matches("(?s).*(src|href)=\"(https?:)?//.*"));
            // the files the page names, and the modules its scripts import, each served from here with the policy
            Deque<String> toLoad = new ArrayDeque<>();
            Set<String> seen = new HashSet<>();
            Matcher named = LOCAL_FILES.matcher(body);
            while (named.find()) {
                toLoad.add(named.group(1));
            }
            int files = 0;
            while (toLoad.isEmpty() == false) {
                String file = toLoad.poll();
                if (List.of("operations", "relevance").contains(file) || seen.add(file) == false) {
                    continue; // the other pages, in the header
                }
                RestResponse asset = get("/_plugins/_multimodal/ui/" + file, Map.of());
                assertEquals(page + " names " + file, RestStatus.OK, asset.status());
                assertTrue(
                    file + ": " + asset.contentType(),
                    asset.contentType()
                        .startsWith(file.endsWith(".css") ? "text/css" : file.endsWith(".js") ? "text/javascript" : "text/plain")
                );
                assertTrue(file + " is not empty", asset.content().length() > 0);
                List<String> policy = asset.getHeaders().get("Content-Security-Policy");
                assertTrue(file + ": " + policy, policy.get(0).startsWith("default-src 'self'; script-src 'self'; style-src 'self';"));
                if (file.endsWith(".js")) {
                    Matcher imported = MODULE_IMPORT.matcher(asset.content().utf8ToString());
                    while (imported.find()) {
                        toLoad.add(imported.group(1));
                    }
                }
                files++;
            }
            assertTrue(page + " loads its own files and modules: " + files, files >= 4);
        }
    }

    public void testTheChartingLibraryShipsWithItsLicense() {
        RestResponse library = get("/_plugins/_multimodal/ui/chart.umd.min.js", Map.of());
        assertTrue(library.content().utf8ToString().startsWith("/*!\n * Chart.js v4."));
        RestResponse license = get("/_plugins/_multimodal/ui/chart.js-LICENSE.md", Map.of());
        assertEquals(license.content().utf8ToString(), "text/plain; charset=UTF-8", license.contentType());
        assertTrue(license.content().utf8ToString().contains("The MIT License"));
    }

    public void testDeepLinksAreAcceptedAndOtherNamesAreNotFound() {
        assertEquals(
            RestStatus.OK,
            get("/_plugins/_multimodal/ui/relevance", Map.of("judgments", "my-judgments", "index", "docs")).status()
        );
        assertEquals(RestStatus.OK, get("/_plugins/_multimodal/ui/operations", Map.of("node", "node-1")).status());
        for (String name : List.of("operations.html", "vendor%2Fchart.umd.min.js", "..%2Fsearch-page.js", "README.md")) {
            RestResponse missing = get("/_plugins/_multimodal/ui/" + name, Map.of());
            assertEquals(name, RestStatus.NOT_FOUND, missing.status());
        }
    }

    /** {@code GET path}; its last segment, decoded, is the asset name the route gives the handler. */
    private RestResponse get(String path, Map<String, String> params) {
        Map<String, String> all = new HashMap<>(params);
        String prefix = "/_plugins/_multimodal/ui/";
        if (path.startsWith(prefix)) {
            all.put("asset", URLDecoder.decode(path.substring(prefix.length()), StandardCharsets.UTF_8));
        }
        RestRequest request = new FakeRestRequest.Builder(NamedXContentRegistry.EMPTY).withMethod(RestRequest.Method.GET)
            .withPath(path)
            .withParams(all)
            .build();
        FakeRestChannel channel = new FakeRestChannel(request, true, 1);
        // each request in a context of its own, as each HTTP request has
        try (ThreadContext.StoredContext ignored = verifyingClient.threadPool().getThreadContext().stashContext()) {
            controller().dispatchRequest(request, channel, new ThreadContext(Settings.EMPTY));
        }
        return channel.capturedResponse();
    }
}
