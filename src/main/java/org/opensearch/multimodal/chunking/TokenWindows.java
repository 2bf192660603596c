package org.opensearch.multimodal.chunking;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The {@value ChunkingOptions#SPLITTER} splitter: windows of at most {@code max_tokens} of the model's own tokens, each
 * starting {@code overlap_tokens} before the previous one ended. A window ends at the last boundary within its final
 * quarter when there is one, else at the token count, moved back to a word's start when it would split a word; the next
 * window starts at the first boundary within its overlap when there is one. With {@code paragraph}, whole paragraphs
 * are packed instead: a window ends at the last paragraph end inside it, and the next starts right there, without
 * overlap (a paragraph is a unit of meaning: its start needs no context from the one before); only a paragraph longer
 * than the window is cut, at sentences as above. Every window moves past the previous one's start, so a text without
 * any boundary still ends.
 */
public final class TokenWindows {

    /** Tokens a cut may move back to reach a word's start (a word of more wordpieces is cut inside it). */
    private static final int WORD_BACKTRACK = 16;

    private TokenWindows() {
    }

    /** The passages of {@code text}, whose tokens lie at {@code spans}; none when it has no token. */
    public static Chunks split(String text, TokenSpans spans, ChunkingOptions options) {
        int n = spans.count();
        if (n == 0) {
            return new Chunks(List.of(), false);
        }
        int limit = spans.ends()[n - 1];
        boolean packParagraphs = options.boundary() == Boundary.PARAGRAPH;
        int[] paragraphs = packParagraphs ? boundaries(text, limit, Boundary.PARAGRAPH) : new int[0];
        // inside a paragraph longer than the window, and for sentence boundaries: sentence ends
        int[] boundaries = boundaries(text, limit, packParagraphs ? Boundary.SENTENCE : options.boundary());
        List<Chunk> chunks = new ArrayList<>();
        int start = 0;
        while (true) {
            int end = Math.min(start + options.maxTokens(), n);
            boolean atParagraph = false;
            if (end < n || spans.more()) {
                int paragraphEnd = lastBoundary(spans, paragraphs, start + 1, end);
                atParagraph = paragraphEnd > 0;
                end = atParagraph ? paragraphEnd : cut(spans, boundaries, start, end, options.maxTokens());
            }
            chunks.add(new Chunk(0, spans.starts()[start], spans.ends()[end - 1]));
            if (end >= n) {
                return new Chunks(chunks, spans.more());
            }
            if (chunks.size() == options.maxChunks()) {
                return new Chunks(chunks, true);
            }
            start = atParagraph ? end : nextStart(spans, boundaries, start, end, options.overlapTokens());
        }
    }

    /** The last token position in {@code [lowest, end]} with a boundary before it, or -1. */
    private static int lastBoundary(TokenSpans spans, int[] boundaries, int lowest, int end) {
        if (boundaries.length > 0) {
            for (int e = end; e >= lowest; e--) {
                if (boundaryBetween(spans, boundaries, e)) {
                    return e;
                }
            }
        }
        return -1;
    }

    /** Where the window {@code [start, end)} ends: at a boundary in its last quarter, else not inside a word. */
    private static int cut(TokenSpans spans, int[] boundaries, int start, int end, int maxTokens) {
        int atBoundary = lastBoundary(spans, boundaries, Math.max(start + 1, end - Math.max(1, maxTokens / 4)), end);
        if (atBoundary > 0) {
            return atBoundary;
        }
        for (int e = end; e > start + 1 && e > end - WORD_BACKTRACK; e--) {
            if (spans.joinsPrevious(e) == false) {
                return e;
            }
        }
        return end;
    }

    /** Where the window after {@code [start, end)} starts: within the overlap, at a sentence's or word's start. */
    private static int nextStart(TokenSpans spans, int[] boundaries, int start, int end, int overlap) {
        int next = Math.max(start + 1, end - overlap);
        if (boundaries.length > 0) {
            for (int s = next; s < end; s++) {
                if (boundaryBetween(spans, boundaries, s)) {
                    return s;
                }
            }
        }
        for (int s = next; s < end; s++) {
            if (spans.joinsPrevious(s) == false) {
                return s;
            }
        }
        return next;
    }

    /** Whether a boundary lies between token {@code i - 1}'s end and token {@code i}'s start. */
    private static boolean boundaryBetween(TokenSpans spans, int[] boundaries, int i) {
        int from = spans.ends()[i - 1];
        int to = spans.starts()[i];
        int at = Arrays.binarySearch(boundaries, from);
        int index = at >= 0 ? at : -at - 1;
        return index < boundaries.length && boundaries[index] <= to;
    }

    /** The boundary offsets of {@code text} up to {@code limit}, increasing. */
    static int[] boundaries(String text, int limit, Boundary boundary) {
        if (boundary == Boundary.NONE) {
            return new int[0];
        }
        String covered = text.substring(0, Math.min(text.length(), limit + 1));
        int[] found = new int[16];
        int count = 0;
        if (boundary == Boundary.SENTENCE) {
            BreakIterator sentences = BreakIterator.getSentenceInstance(Locale.ROOT);
            sentences.setText(covered);
            for (int at = sentences.next(); at != BreakIterator.DONE; at = sentences.next()) {
                found = grow(found, count);
                found[count++] = at;
            }
        } else {
            for (int i = 0; i < covered.length(); i++) {
                if (covered.charAt(i) == '\n') {
                    found = grow(found, count);
                    found[count++] = i + 1;
                }
            }
        }
        return Arrays.copyOf(found, count);
    }

    private static int[] grow(int[] array, int count) {
        return count < array.length ? array : Arrays.copyOf(array, array.length * 2);
    }
}
