package org.opensearch.multimodal.model;

import org.apache.lucene.util.VectorUtil;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.opensearch.multimodal.chunking.TokenSpans;
import org.opensearch.test.OpenSearchTestCase;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The built-in bge-small model through the real ONNX Runtime and tokenizer. */
public class TextModelTests extends OpenSearchTestCase {

    private static ModelRegistry registry;
    private static TextModel model;

    @BeforeClass
    public static void loadModel() {
        NativeLibraries.configure(createTempDir());
        registry = BuiltinModels.registry();
        model = registry.textModel(BuiltinModels.BGE_SMALL);
    }

    @AfterClass
    public static void closeModel() {
        registry.close();
        registry = null;
        model = null;
    }

    public void testVectorsAreUnitLengthWithTheManifestDims() {
        TextEmbeddings embeddings = model.encode(List.of("Lucene is a search library."), EncodingPurpose.DOCUMENT, false);
        assertEquals(384, embeddings.vectors()[0].length);
        assertEquals(1.0, VectorUtil.dotProduct(embeddings.vectors()[0], embeddings.vectors()[0]), 1e-4);
        assertFalse(embeddings.hasTokenVectors());
    }

    public void testRelevantDocumentIsCloserToTheQueryThanAnUnrelatedOne() {
        float[] query = model.encode(List.of("how do plants make energy from sunlight"), EncodingPurpose.QUERY, false).vectors()[0];
        float[][] docs = model.encode(
            List.of("Photosynthesis converts light into chemical energy in green plants.", "The stock market fell sharply on Monday."),
            EncodingPurpose.DOCUMENT,
            false
        ).vectors();
        float relevant = VectorUtil.dotProduct(query, docs[0]);
        float unrelated = VectorUtil.dotProduct(query, docs[1]);
        assertTrue("relevant " + relevant + " should beat unrelated " + unrelated, relevant > unrelated + 0.1f);
    }

    public void testATextGetsTheSameVectorsAloneAndInABatch() {
        List<String> batch = List.of(
            "a much longer description of a pair of running shoes, with cushioned soles, breathable mesh and reflective laces",
            "red running shoes",
            "Photosynthesis converts light into chemical energy in green plants. " + "It happens in the chloroplasts. ".repeat(40),
            "The stock market fell sharply on Monday."
        );
        for (String id : List.of(BuiltinModels.BGE_SMALL, BuiltinModels.BGE_SMALL_FP32)) {
            TextModel textModel = registry.textModel(id);
            TextEmbeddings batched = textModel.encode(batch, EncodingPurpose.DOCUMENT, true);
            for (int i = 0; i < batch.size(); i++) {
                TextEmbeddings alone = textModel.encode(List.of(batch.get(i)), EncodingPurpose.DOCUMENT, true);
                assertEquals(id + " text " + i + " pooled", 0.0, maxAbsDifference(alone.vectors()[0], batched.vectors()[i]), 1e-6);
                float[][] aloneTokens = alone.tokenVectors()[0];
                assertEquals(aloneTokens.length, batched.tokenVectors()[i].length);
                for (int row = 0; row < aloneTokens.length; row++) {
                    assertEquals(
                        id + " text " + i + " token " + row,
                        0.0,
                        maxAbsDifference(aloneTokens[row], batched.tokenVectors()[i][row]),
                        1e-6
                    );
                }
            }
        }
    }

    public void testRunsHoldAtMostMaxRows() {
        assertArrayEquals(new int[]{1, 2, 3}, TextModel.runEnds(new int[]{2, 2, 2}, 1, 100, Long.MAX_VALUE));
        assertArrayEquals(new int[]{2, 3}, TextModel.runEnds(new int[]{2, 2, 2}, 2, 100, Long.MAX_VALUE));
    }

    private static double maxAbsDifference(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    public void testRunsKeepEachCallWithinTheTokenLimit() {
        long noAttentionCap = Long.MAX_VALUE;
        assertArrayEquals(new int[]{3}, TextModel.runEnds(new int[]{2, 4, 3}, Integer.MAX_VALUE, 12, noAttentionCap));
        assertArrayEquals(
            "the padded size counts, not the sum",
            new int[]{2, 3},
            TextModel.runEnds(new int[]{2, 5, 3}, Integer.MAX_VALUE, 12, noAttentionCap)
        );
        assertArrayEquals(
            "an input over the limit runs alone",
            new int[]{1, 2, 4},
            TextModel.runEnds(new int[]{20, 30, 2, 2}, Integer.MAX_VALUE, 12, noAttentionCap)
        );
        assertArrayEquals(new int[]{}, TextModel.runEnds(new int[]{}, Integer.MAX_VALUE, 12, noAttentionCap));
    }

    public void testRunsKeepEachCallsAttentionWithinItsCap() {
        assertArrayEquals(
            "3 x 4 x 4 = 48 fits, a fourth row does not",
            new int[]{3, 4},
            TextModel.runEnds(new int[]{4, 4, 4, 4}, Integer.MAX_VALUE, 100, 48)
        );
        assertArrayEquals(
            "a longer row squares its cost",
            new int[]{1, 3},
            TextModel.runEnds(new int[]{8, 2, 2}, Integer.MAX_VALUE, 100, 48)
        );
        int[] lengths = new int[100];
        Arrays.fill(lengths, 512);
        int[] ends = TextModel.runEnds(lengths, Integer.MAX_VALUE, TextModel.MAX_TOKENS_PER_RUN, TextModel.MAX_ATTENTION_CELLS_PER_RUN);
        assertEquals("4 texts of 512 tokens a call", 4, ends[0]);
        assertEquals(25, ends.length);
        Arrays.fill(lengths, 64);
        ends = TextModel.runEnds(lengths, Integer.MAX_VALUE, TextModel.MAX_TOKENS_PER_RUN, TextModel.MAX_ATTENTION_CELLS_PER_RUN);
        assertEquals("short texts still batch up to the token limit", 100, ends[0]);
    }

    public void testABatchPastTheTokenLimitIsSplitAndEveryRowIsItsOwnText() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 33; i++) {
            texts.add((i == 32 ? "photosynthesis in green plants " : "stock markets and interest rates ") + "word ".repeat(600));
        }
        TextEmbeddings all = model.encode(texts, EncodingPurpose.DOCUMENT, false);
        assertEquals(33, all.size());
        for (int i : new int[]{0, 31, 32}) {
            float[] alone = model.encode(List.of(texts.get(i)), EncodingPurpose.DOCUMENT, false).vectors()[0];
            assertArrayEquals("row " + i + " is the text encoded alone", alone, all.vectors()[i], 0f);
        }
    }

    public void testTokenVectorsLeaveOutSpecialTokensAndAreNormalized() {
        String text = "red running shoes";
        int tokensWithSpecials = model.tokenCount(text, EncodingPurpose.DOCUMENT);
        float[][] tokens = model.encode(List.of(text), EncodingPurpose.DOCUMENT, true).tokenVectors()[0];
        assertEquals("[CLS] and [SEP] are not token vectors", tokensWithSpecials - 2, tokens.length);
        for (float[] token : tokens) {
            assertEquals(384, token.length);
            assertEquals(1.0, VectorUtil.dotProduct(token, token), 1e-4);
        }
    }

    public void testLongTextIsTruncatedToTheModelLimitNotRejected() {
        String longText = "word ".repeat(3000);
        TextEmbeddings embeddings = model.encode(List.of(longText), EncodingPurpose.DOCUMENT, true);
        assertEquals(384, embeddings.vectors()[0].length);
        assertEquals(512 - 2, embeddings.tokenVectors()[0].length);
    }

    public void testQueriesGetTheQueryPrefixAndDocumentsDoNot() {
        String text = "vector search";
        float[] asQuery = model.encode(List.of(text), EncodingPurpose.QUERY, false).vectors()[0];
        float[] asDocument = model.encode(List.of(text), EncodingPurpose.DOCUMENT, false).vectors()[0];
        assertTrue(VectorUtil.dotProduct(asQuery, asDocument) < 0.999f);
        int prefixTokens = model.tokenCount("", EncodingPurpose.QUERY) - 2;
        assertEquals(model.tokenCount(text, EncodingPurpose.DOCUMENT) + prefixTokens, model.tokenCount(text, EncodingPurpose.QUERY));
    }

    public void testTokenSpansAreUtf16OffsetsIntoTheText() {
        String text = "héllo 😀😀 世界 test. antidisestablishmentarianism 𝔘𝔫𝔦";
        TokenSpans spans = model.tokenSpans(text, 1000);
        assertFalse(spans.more());
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < spans.count(); i++) {
            tokens.add(text.substring(spans.starts()[i], spans.ends()[i]));
        }
        // the tokenizer counts code points: converted, each span is the token's own text
        assertEquals(
            List.of("héllo", "😀😀", "世", "界", "test", ".", "anti", "dis", "est", "ab", "lish", "ment", "arian", "ism", "𝔘𝔫𝔦"),
            tokens
        );
    }

    public void testATenMegabyteTextIsReadOnlyAsFarAsTheWindowsNeed() {
        String text = "Search engines index text. ".repeat(400_000); // 10.4 MB
        TokenSpans spans = model.tokenSpans(text, 2_000);
        assertEquals(2_000, spans.count());
        assertTrue(spans.more());
        assertEquals("engines", text.substring(spans.starts()[1], spans.ends()[1]));
        String noSpaces = "x".repeat(100_000);
        TokenSpans run = model.tokenSpans(noSpaces, 100);
        assertTrue("one huge token run is still read in pieces", run.count() > 0);
        assertTrue(run.ends()[run.count() - 1] <= noSpaces.length());
    }

    public void testTheWindowIsTheLimitLessSpecialTokens() {
        assertEquals(510, model.textWindow());
    }

    public void testTruncationIsReported() {
        TextEmbeddings embeddings = model.encode(List.of("short text", "word ".repeat(600)), EncodingPurpose.DOCUMENT, false);
        assertFalse(embeddings.truncated()[0]);
        assertTrue(embeddings.truncated()[1]);
    }
}
