package org.opensearch.multimodal.rest;

import org.opensearch.test.OpenSearchTestCase;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;

/** An {@code _embed} call's texts in batches small enough that a cancel stops it soon, each text once and in order. */
public final class TextBatchesTests extends OpenSearchTestCase {

    public void testShortTextsGoSixteenAtATime() {
        List<String> texts = Collections.nCopies(40, "a short query");
        assertEquals(List.of(16, 16, 8), TransportEmbedAction.textBatches(texts).stream().map(List::size).toList());
    }

    public void testLongTextsGoFewAtATimeAndAVeryLongOneAlone() {
        List<String> texts = new ArrayList<>();
        texts.add("x".repeat(1_500));
        texts.add("x".repeat(1_500));
        texts.add("x".repeat(1_500));
        texts.add("x".repeat(10_000));
        texts.add("short");
        List<List<Integer>> batches = TransportEmbedAction.textBatches(texts);
        assertEquals(List.of(List.of(0, 1), List.of(2), List.of(3), List.of(4)), batches);
        for (List<Integer> batch : batches) {
            int chars = batch.stream().mapToInt(i -> texts.get(i).length()).sum();
            assertTrue(batch.size() == 1 || chars <= TransportEmbedAction.TEXT_BATCH_CHARS);
        }
    }

    public void testEveryTextOnceInOrder() {
        List<String> texts = IntStream.range(0, 300).mapToObj(i -> "t".repeat(randomIntBetween(1, 3_000))).toList();
        List<Integer> flattened = TransportEmbedAction.textBatches(texts).stream().flatMap(List::stream).toList();
        assertEquals(IntStream.range(0, 300).boxed().toList(), flattened);
        assertTrue(TransportEmbedAction.textBatches(List.of()).isEmpty());
    }
}
