package org.opensearch.multimodal.rest;

import org.junit.Before;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.rest.RestRequest;
import org.opensearch.test.rest.FakeRestChannel;
import org.opensearch.test.rest.FakeRestRequest;
import org.opensearch.test.rest.RestActionTestCase;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** The stats API's parameters as a person types them: {@code history}, {@code history_after}, node filters. */
public final class RestStatsActionTests extends RestActionTestCase {

    private final AtomicReference<StatsRequest> sent = new AtomicReference<>();

    @Before
    public void registerTheHandler() {
        controller().registerHandler(new RestStatsAction());
        verifyingClient.setExecuteVerifier((action, request) -> {
            assertSame(StatsAction.INSTANCE, action);
            sent.set((StatsRequest) request);
            return null;
        });
    }

    public void testHistoryIsLeftOutUnlessAskedFor() {
        channel("/_plugins/_multimodal/stats", Map.of());
        assertFalse(sent.get().history());
    }

    public void testHistoryTrueAsksEveryNodeForAllItsSamples() {
        channel("/_plugins/_multimodal/stats", Map.of("history", "true"));
        assertTrue(sent.get().history());
        assertEquals(Long.MIN_VALUE, sent.get().historyAfter());
        assertArrayEquals(new String[]{"_all"}, sent.get().nodesIds());
    }

    public void testHistoryAfterAsksOnlyForNewerSamplesOfTheNodesNamed() {
        channel("/_plugins/_multimodal/_local/stats", Map.of("nodeId", "_local", "history", "true", "history_after", "1764450000000"));
        assertTrue(sent.get().history());
        assertEquals(1764450000000L, sent.get().historyAfter());
        assertArrayEquals(new String[]{"_local"}, sent.get().nodesIds());
    }

    public void testHistoryAfterWithoutHistoryIsA400ThatSaysSo() {
        FakeRestChannel channel = channel("/_plugins/_multimodal/stats", Map.of("history_after", "5"));
        assertEquals(RestStatus.BAD_REQUEST, channel.capturedResponse().status());
        assertTrue(
            channel.capturedResponse().content().utf8ToString(),
            channel.capturedResponse().content().utf8ToString().contains("[history_after] needs [history=true]")
        );
        assertNull("nothing was sent", sent.get());
    }

    private FakeRestChannel channel(String path, Map<String, String> params) {
        RestRequest request = new FakeRestRequest.Builder(NamedXContentRegistry.EMPTY).withMethod(RestRequest.Method.GET)
            .withPath(path)
            .withParams(new HashMap<>(params))
            .build();
        FakeRestChannel channel = new FakeRestChannel(request, true, 1);
        controller().dispatchRequest(request, channel, new ThreadContext(Settings.EMPTY));
        return channel;
    }
}
