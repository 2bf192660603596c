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
 * {@code GET /_plugins/_multimodal/ui}: the search page, a static page served from the plugin's own resources (no CDN,
 * no external fonts). It talks to the cluster only through the public REST API from the person's browser, so whatever
 * security the cluster has applies to every search it makes. Only the three files below can be served.
 */
public final class RestSearchPageAction extends BaseRestHandler {

    static final String PAGE_PATH = MultimodalPaths.BASE + "/ui";

    private static final Map<String, String> ASSETS = Map.of(
        "index.html",
        "text/html; charset=UTF-8",
        "search-page.js",
        "text/javascript; charset=UTF-8",
        "search-page.css",
        "text/css; charset=UTF-8"
    );

    /** The page loads its script, styles and data from this node only; photos may be data URIs or image URLs. */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
        + "img-src 'self' data: blob: http: https:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    /** Query parameters the page reads itself (a deep link: {@code ?index=products&q=black+watch}). */
    private static final Set<String> PAGE_PARAMETERS = Set.of("index", "q");

    private final Map<String, byte[]> contents;

    public RestSearchPageAction() {
        this.contents = ASSETS.keySet().stream().collect(Collectors.toUnmodifiableMap(name -> name, RestSearchPageAction::read));
    }

    @Override
    public String getName() {
        return "multimodal_search_page";
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
            BytesRestResponse response = new BytesRestResponse(RestStatus.OK, ASSETS.get(asset), content);
            response.addHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            response.addHeader("X-Content-Type-Options", "nosniff");
            response.addHeader("Cache-Control", "no-cache");
            channel.sendResponse(response);
        };
    }

    private static byte[] read(String asset) {
        try (InputStream in = RestSearchPageAction.class.getResourceAsStream("/search-page/" + asset)) {
            if (in == null) {
                throw new IllegalStateException("the plugin jar lacks search-page/" + asset);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
