package org.opensearch.multimodal.chunking;

import org.opensearch.test.OpenSearchTestCase;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The splitter on whitespace-and-punctuation "tokens", so each case's windows can be read off the text. */
public class TokenWindowsTests extends OpenSearchTestCase {

    /** Words and punctuation marks as tokens, as a BERT pre-tokenizer sees them. */
    static TokenSpans spans(String text) {
        List<int[]> spans = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (Character.isLetterOrDigit(c)) {
                int start = i;
                while (i < text.length() && Character.isLetterOrDigit(text.charAt(i))) {
                    i++;
                }
                spans.add(new int[]{start, i});
            } else {
                int width = Character.charCount(text.codePointAt(i));
                spans.add(new int[]{i, i + width});
                i += width;
            }
        }
        return new TokenSpans(
            spans.stream().mapToInt(s -> s[0]).toArray(),
            spans.stream().mapToInt(s -> s[1]).toArray(),
            spans.size(),
            false
        );
    }

    private static List<String> passages(String text, ChunkingOptions options) {
        return TokenWindows.split(text, spans(text), options).chunks().stream().map(chunk -> chunk.text(text)).toList();
    }

    public void testWindowsEndAtTheSentenceNearestTheCut() {
        String text = "One two three four. Five six seven eight. Nine ten eleven twelve. Thirteen fourteen.";
        // 5 tokens a sentence: a window of 12 ends after the second sentence, not inside the third
        List<String> passages = passages(text, new ChunkingOptions(12, 0, Boundary.SENTENCE, 10, false));
        assertEquals(List.of("One two three four. Five six seven eight.", "Nine ten eleven twelve. Thirteen fourteen."), passages);
    }

    public void testOverlapStartsAtASentenceWithinIt() {
        String text = "One two three four. Five six seven eight. Nine ten eleven twelve. Thirteen fourteen fifteen.";
        List<String> passages = passages(text, new ChunkingOptions(12, 6, Boundary.SENTENCE, 10, false));
        assertEquals("One two three four. Five six seven eight.", passages.get(0));
        assertEquals(
            "the next window starts at the sentence inside its overlap",
            "Five six seven eight.",
            passages.get(1).substring(0, 21)
        );
        assertEquals(
            "Thirteen fourteen fifteen.",
            passages.get(passages.size() - 1).substring(passages.get(passages.size() - 1).length() - 26)
        );
    }

    public void testWithoutAnyBoundaryWindowsHoldMaxTokensAndOverlap() {
        String text = String.join(" ", java.util.stream.IntStream.range(0, 100).mapToObj(i -> "w" + i).toList());
        List<String> passages = passages(text, new ChunkingOptions(30, 5, Boundary.SENTENCE, 10, false));
        assertEquals("w0", passages.get(0).split(" ")[0]);
        assertEquals(30, passages.get(0).split(" ").length);
        assertEquals("w25", passages.get(1).split(" ")[0]);
        assertEquals("w99", passages.get(passages.size() - 1).split(" ")[passages.get(passages.size() - 1).split(" ").length - 1]);
        assertEquals(4, passages.size()); // 0-29, 25-54, 50-79, 75-99
    }

    public void testParagraphBoundariesAreLineBreaks() {
        String text = "alpha beta gamma\ndelta epsilon zeta\n\neta theta iota kappa lambda";
        List<String> passages = passages(text, new ChunkingOptions(8, 0, Boundary.PARAGRAPH, 10, false));
        assertEquals(List.of("alpha beta gamma\ndelta epsilon zeta", "eta theta iota kappa lambda"), passages);
    }

    public void testWholeParagraphsArePackedAndTheNextWindowStartsAtAParagraph() {
        String text = "a1 a2 a3.\nb1 b2 b3 b4.\nc1 c2. c3 c4 c5 c6 c7 c8 c9. c10 c11.";
        List<String> passages = passages(text, new ChunkingOptions(10, 3, Boundary.PARAGRAPH, 10, false));
        assertEquals("two whole paragraphs fit in 10 tokens", "a1 a2 a3.\nb1 b2 b3 b4.", passages.get(0));
        assertTrue("no overlap back into the paragraph before: " + passages.get(1), passages.get(1).startsWith("c1 c2."));
        assertTrue("a paragraph longer than the window is cut inside it", passages.size() >= 3);
        assertTrue(passages.get(passages.size() - 1).endsWith("c10 c11."));
    }

    public void testOneHugeTokenRunStillEnds() {
        // a run the splitter cannot cut at a boundary nor at a word's start: windows at the token count
        String text = "x".repeat(5) + "-".repeat(200);
        Chunks chunks = TokenWindows.split(text, spans(text), new ChunkingOptions(50, 49, Boundary.SENTENCE, 256, false));
        assertTrue(chunks.chunks().size() > 1);
        for (int i = 1; i < chunks.chunks().size(); i++) {
            assertTrue("every window moves on", chunks.chunks().get(i).start() > chunks.chunks().get(i - 1).start());
        }
        assertEquals(text.length(), chunks.chunks().get(chunks.chunks().size() - 1).end());
    }

    public void testMaxChunksKeepsTheFirstAndSaysTheTextWasCut() {
        String text = String.join(" ", java.util.stream.IntStream.range(0, 100).mapToObj(i -> "w" + i).toList());
        Chunks chunks = TokenWindows.split(text, spans(text), new ChunkingOptions(10, 0, Boundary.NONE, 3, false));
        assertEquals(3, chunks.chunks().size());
        assertTrue(chunks.cut());
        assertEquals("w29", chunks.chunks().get(2).text(text).substring(chunks.chunks().get(2).text(text).lastIndexOf(' ') + 1));
        assertFalse(TokenWindows.split(text, spans(text), new ChunkingOptions(10, 0, Boundary.NONE, 10, false)).cut());
    }

    public void testTokensNotReadMeanTheTextWasCut() {
        String text = "a b c d e";
        TokenSpans all = spans(text);
        TokenSpans firstThree = new TokenSpans(all.starts(), all.ends(), 3, true);
        Chunks chunks = TokenWindows.split(text, firstThree, new ChunkingOptions(10, 0, Boundary.NONE, 5, false));
        assertTrue(chunks.cut());
        assertEquals("a b c", chunks.chunks().get(0).text(text));
    }

    public void testNoTokensNoPassages() {
        assertTrue(TokenWindows.split("   ", spans("   "), new ChunkingOptions(10, 0, Boundary.SENTENCE, 5, false)).chunks().isEmpty());
    }

    public void testCjkAndSurrogatePairsStayWhole() {
        String text = "東京は日本の首都です。大阪は大きな都市です。😀😀 emoji 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 text。".repeat(5);
        Chunks chunks = TokenWindows.split(text, spans(text), new ChunkingOptions(16, 4, Boundary.SENTENCE, 256, false));
        for (Chunk chunk : chunks.chunks()) {
            assertFalse("no passage starts inside a surrogate pair", Character.isLowSurrogate(text.charAt(chunk.start())));
            assertFalse("no passage ends inside a surrogate pair", Character.isHighSurrogate(text.charAt(chunk.end() - 1)));
        }
        assertEquals(0, chunks.chunks().get(0).start());
        assertEquals(text.length(), chunks.chunks().get(chunks.chunks().size() - 1).end());
    }

    public void testRandomTextsAreCoveredInOrder() {
        for (int trial = 0; trial < 50; trial++) {
            StringBuilder text = new StringBuilder();
            int words = randomIntBetween(1, 400);
            for (int w = 0; w < words; w++) {
                text.append(randomAlphaOfLengthBetween(1, 8)).append(randomFrom(" ", " ", " ", ". ", "\n", ", "));
            }
            String value = text.toString();
            int maxTokens = randomIntBetween(2, 60);
            ChunkingOptions options = new ChunkingOptions(
                maxTokens,
                randomIntBetween(0, maxTokens - 1),
                randomFrom(Boundary.values()),
                ChunkingOptions.MAX_CHUNKS,
                false
            );
            TokenSpans spans = spans(value);
            Chunks result = TokenWindows.split(value, spans, options);
            List<Chunk> chunks = result.chunks();
            if (result.cut()) {
                assertEquals("cut only at max_chunks", ChunkingOptions.MAX_CHUNKS, chunks.size());
            }
            int previousStart = -1;
            for (Chunk chunk : chunks) {
                assertTrue("passages start in order", chunk.start() > previousStart);
                previousStart = chunk.start();
                int tokens = (int) Arrays.stream(spans.starts())
                    .limit(spans.count())
                    .filter(s -> s >= chunk.start() && s < chunk.end())
                    .count();
                assertTrue("a passage holds at most max_tokens tokens: " + tokens, tokens <= maxTokens);
            }
            for (int t = 0; t < spans.count() && result.cut() == false; t++) {
                int start = spans.starts()[t];
                int end = spans.ends()[t];
                assertTrue("token " + t + " lies in a passage", chunks.stream().anyMatch(c -> c.start() <= start && end <= c.end()));
            }
        }
    }
}
