package org.opensearch.multimodal.stats;

import org.opensearch.test.OpenSearchTestCase;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The ring behind the stats API's history: oldest first, wraps around at its size, filters by time, stays small. */
public final class StatsHistoryTests extends OpenSearchTestCase {

    public void testKeepsTheLastSamplesOldestFirstWhenItWrapsAround() {
        StatsHistory history = new StatsHistory(3);
        for (int i = 1; i <= 7; i++) {
            history.add(1000L * i, sample(i));
        }
        assertEquals(3, history.size());
        List<Map<String, Object>> samples = history.samplesAfter(Long.MIN_VALUE);
        assertEquals(List.of(5000L, 6000L, 7000L), samples.stream().map(s -> s.get("timestamp")).toList());
        assertEquals("the sample's own tree comes back", 5L, ((Map<?, ?>) samples.get(0).get("queries")).get("count"));
        assertEquals(List.of("timestamp", "queries", "name"), List.copyOf(samples.get(0).keySet()));
    }

    public void testSamplesAfterATimeAreOnlyTheNewerOnes() {
        StatsHistory history = new StatsHistory(5);
        for (int i = 1; i <= 4; i++) {
            history.add(1000L * i, sample(i));
        }
        assertEquals(List.of(3000L, 4000L), history.samplesAfter(2000).stream().map(s -> s.get("timestamp")).toList());
        assertEquals(List.of(), history.samplesAfter(4000));
    }

    public void testMemoryIsBoundedByTheRingsSize() {
        StatsHistory history = new StatsHistory(10);
        history.add(1, sample(1));
        long one = history.memoryBytes();
        assertTrue("a small sample deflates to well under a kilobyte: " + one, one > 0 && one < 200);
        for (int i = 2; i <= 1000; i++) {
            history.add(i, sample(i));
        }
        assertEquals(10, history.size());
        assertTrue("ten samples' worth, not a thousand: " + history.memoryBytes(), history.memoryBytes() < 12 * one);
    }

    public void testSizeZeroKeepsNothing() {
        StatsHistory history = new StatsHistory(0);
        history.add(1, sample(1));
        assertEquals(0, history.size());
        assertEquals(List.of(), history.samplesAfter(Long.MIN_VALUE));
        expectThrows(IllegalArgumentException.class, () -> new StatsHistory(-1));
    }

    private static Map<String, Object> sample(long count) {
        Map<String, Object> sample = new LinkedHashMap<>();
        sample.put("queries", Map.of("count", count));
        sample.put("name", "node-" + count);
        return sample;
    }
}
