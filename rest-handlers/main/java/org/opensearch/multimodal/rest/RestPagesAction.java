package org.opensearch.multimodal.rest;

import org.opensearch.core.rest.RestStatus;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.BytesRestResponse;
import org.opensearch.rest.RestRequest;
import org.opensearch.transport.client.node.NodeClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code GET /_plugins/_multimodal/ui}: the plugin's pages, static files served from the plugin's own resources (no
 * CDN, no external fonts): the search page, the operations page ({@code ui/operations}) and the relevance page
 * ({@code ui/relevance}), their scripts and styles, and the charting library they draw with (Chart.js, vendored with
 * its license). They talk to the cluster only through the public REST API from the person's browser, so whatever
 * security the cluster has applies to every call they make. Only the files named below can be served.
 */
public final class RestPagesAction extends BaseRestHandler {

    static final String PAGE_PATH = MultimodalPaths.BASE + "/ui";

    private static final String HTML = "text/html; charset=UTF-8";
    private static final String SCRIPT = "text/javascript; charset=UTF-8";
    private static final String STYLE = "text/css; charset=UTF-8";

    /** What can be asked for under {@code ui/}: the file in the jar's {@code ui/} and its content type. */
    private static final Map<String, Asset> ASSETS = Map.ofEntries(
        asset("index.html", "index.html", HTML),
        asset("operations", "operations.html", HTML),
        asset("relevance", "relevance.html", HTML),
        asset("ui-common.js", "ui-common.js", SCRIPT),
        asset("index-schema.js", "index-schema.js", SCRIPT),
        asset("search-page.js", "search-page.js", SCRIPT),
        asset("operations.js", "operations.js", SCRIPT),
        asset("judgments.js", "judgments.js", SCRIPT),
        asset("relevance-stats.js", "relevance-stats.js", SCRIPT),
        asset("relevance-settings.js", "relevance-settings.js", SCRIPT),
        asset("relevance.js", "relevance.js", SCRIPT),
        asset("search-page.css", "search-page.css", STYLE),
        asset("dashboards.css", "dashboards.css", STYLE),
        asset("chart.umd.min.js", "vendor/chart.umd.min.js", SCRIPT),
        asset("chart.js-LICENSE.md", "vendor/chart.js-LICENSE.md", "text/plain; charset=UTF-8")
    );

    private record Asset(String file, String contentType) {
    }

    private static Map.Entry<String, Asset> asset(String name, String file, String contentType) {
        return Map.entry(name, new Asset(file, contentType));
    }

    /** The pages load their scripts, styles and data from this node only; photos may be data URIs or image URLs. */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
        + "img-src 'self' data: blob: http: https:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    /** Query parameters the pages read themselves (deep links: {@code ?index=products&q=black+watch}, {@code ?judgments=...}). */
    private static final Set<String> PAGE_PARAMETERS = Set.of("index", "q", "judgments", "node");

    private final Map<String, byte[]> contents;

    public RestPagesAction() {
        this.contents = ASSETS.entrySet()
            .stream()
            .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, entry -> read(entry.getValue().file())));
    }

    @Override
    public String getName() {
        return "multimodal_pages";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(RestRequest.Method.GET, PAGE_PATH), new Route(RestRequest.Method.GET, PAGE_PATH + "/{asset}"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        String asset = request.param("asset", "index.html");
        PAGE_PARAMETERS.forEach(request::param);
        return channel -> {
            byte[] content = contents.get(asset);
            if (content == null) {
                channel.sendResponse(new BytesRestResponse(RestStatus.NOT_FOUND, "text/plain; charset=UTF-8", "no such file: " + asset));
                return;
            }
            BytesRestResponse response = new BytesRestResponse(RestStatus.OK, ASSETS.get(asset).contentType(), content);
            response.addHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            response.addHeader("X-Content-Type-Options", "nosniff");
            response.addHeader("Cache-Control", "no-cache");
            channel.sendResponse(response);
        };
    }

    private static byte[] read(String file) {
        try (InputStream in = RestPagesAction.class.getResourceAsStream("/ui/" + file)) {
            if (in == null) {
                throw new IllegalStateException("the plugin jar lacks ui/" + file);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
