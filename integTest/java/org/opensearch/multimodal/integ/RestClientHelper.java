package org.opensearch.multimodal.integ;

import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * JSON over plain HTTP against one node of a {@link DistributionCluster}. Deliberately not the OpenSearch REST client:
 * the integration tests should depend on nothing but the wire format.
 */
public final class RestClientHelper {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final URI base;
    private final HttpClient client;

    public RestClientHelper(URI base) {
        this.base = base;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT).build();
    }

    public URI base() {
        return base;
    }

    public Response get(String path) throws IOException {
        return request("GET", path, null);
    }

    public Response delete(String path) throws IOException {
        return request("DELETE", path, null);
    }

    public Response put(String path, Object body) throws IOException {
        return request("PUT", path, body);
    }

    public Response post(String path, Object body) throws IOException {
        return request("POST", path, body);
    }

    /** {@code body} is null, a raw JSON / NDJSON string sent as is, or a Map / List serialised to JSON. */
    public Response request(String method, String path, Object body) throws IOException {
        return request(method, path, body, DEFAULT_REQUEST_TIMEOUT);
    }

    public Response request(String method, String path, Object body, Duration timeout) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            String json = body instanceof String s ? s : toJson(body);
            request.header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        }
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + method + " " + path, e);
        }
        return new Response(method + " " + path, response.statusCode(), response.body(), parseJson(response.body()));
    }

    public static String toJson(Object value) throws IOException {
        try (XContentBuilder builder = JsonXContent.contentBuilder()) {
            builder.value(value);
            return builder.toString();
        }
    }

    public static Map<String, Object> parseMap(String json) throws IOException {
        try (XContentParser parser = parser(json)) {
            return parser.map();
        }
    }

    public static List<Object> parseList(String json) throws IOException {
        try (XContentParser parser = parser(json)) {
            return parser.list();
        }
    }

    /** A JSON object or array, or null when the body is empty or not JSON (e.g. a {@code _cat} API without format=json). */
    private static Object parseJson(String body) throws IOException {
        String trimmed = body == null ? "" : body.strip();
        if (trimmed.startsWith("{")) {
            return parseMap(trimmed);
        }
        if (trimmed.startsWith("[")) {
            return parseList(trimmed);
        }
        return null;
    }

    private static XContentParser parser(String json) throws IOException {
        return JsonXContent.jsonXContent.createParser(NamedXContentRegistry.EMPTY, DeprecationHandler.THROW_UNSUPPORTED_OPERATION, json);
    }

    /** Status code, raw body and the parsed JSON (a Map for objects, a List for arrays). */
    public record Response(String request, int status, String body, Object json) {

        @SuppressWarnings("unchecked")
        public Map<String, Object> map() {
            if (json instanceof Map<?, ?> m) {
                return (Map<String, Object>) m;
            }
            throw new AssertionError(describe("expected a JSON object"));
        }

        @SuppressWarnings("unchecked")
        public List<Object> list() {
            if (json instanceof List<?> l) {
                return (List<Object>) l;
            }
            throw new AssertionError(describe("expected a JSON array"));
        }

        public boolean isSuccess() {
            return status >= 200 && status < 300;
        }

        /** Fails with the body in the message unless the status is 2xx, so test failures show what the node said. */
        public Response assertSuccess() {
            if (isSuccess() == false) {
                throw new AssertionError(describe("expected a 2xx status"));
            }
            return this;
        }

        public String describe(String what) {
            return String.format(Locale.ROOT, "%s: %s, got HTTP %d: %s", request, what, status, body);
        }
    }
}
