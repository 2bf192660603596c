package org.opensearch.multimodal.chunking;

import org.opensearch.test.OpenSearchTestCase;

import java.util.Map;

public class ChunkingOptionsTests extends OpenSearchTestCase {

    private static final int WINDOW = 510;

    public void testEmptyMeansTheWindowWithATenthOverlapAtSentences() {
        ChunkingOptions options = ChunkingOptions.parse(Map.of(), WINDOW);
        assertEquals(new ChunkingOptions(510, 51, Boundary.SENTENCE, ChunkingOptions.DEFAULT_MAX_CHUNKS, false), options);
        assertEquals("token_windows(max_tokens=510,overlap_tokens=51,boundary=sentence)", options.describe());
    }

    public void testEveryOption() {
        ChunkingOptions options = ChunkingOptions.parse(
            Map.of("max_tokens", 256, "overlap_tokens", 0, "boundary", "paragraph", "max_chunks", 8, "on_max_chunks", "fail"),
            WINDOW
        );
        assertEquals(new ChunkingOptions(256, 0, Boundary.PARAGRAPH, 8, true), options);
    }

    public void testBadOptionsNameTheOption() {
        assertInvalid(Map.of("max_tokens", 600), "chunking.max_tokens", "more than the model's window");
        assertInvalid(Map.of("max_tokens", 0), "chunking.max_tokens", "positive");
        assertInvalid(Map.of("max_tokens", -3), "chunking.max_tokens", "positive");
        assertInvalid(Map.of("max_tokens", 12.5), "chunking.max_tokens", "integer");
        assertInvalid(Map.of("max_tokens", "100"), "chunking.max_tokens", "integer");
        assertInvalid(Map.of("max_tokens", 100, "overlap_tokens", 100), "chunking.overlap_tokens", "less than max_tokens");
        assertInvalid(Map.of("overlap_tokens", -1), "chunking.overlap_tokens", "positive");
        assertInvalid(Map.of("boundary", "word"), "chunking.boundary", "sentence, paragraph, none");
        assertInvalid(Map.of("max_chunks", 0), "chunking.max_chunks", "positive");
        assertInvalid(Map.of("max_chunks", 1000), "chunking.max_chunks", "between 1 and 256");
        assertInvalid(Map.of("on_max_chunks", "drop"), "chunking.on_max_chunks", "keep_first");
        assertInvalid(Map.of("size", 3), "chunking.size", "unknown option");
    }

    private static void assertInvalid(Map<String, Object> config, String option, String message) {
        ChunkingOptions.InvalidOption e = expectThrows(ChunkingOptions.InvalidOption.class, () -> ChunkingOptions.parse(config, WINDOW));
        assertEquals(option, e.option());
        assertTrue(e.getMessage(), e.getMessage().contains(message));
    }
}
