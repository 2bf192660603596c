package org.opensearch.multimodal.model;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.opensearch.multimodal.math.VectorMath;
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
        assertEquals(1.0, VectorMath.dot(embeddings.vectors()[0], embeddings.vectors()[0]), 1e-4);
        assertFalse(embeddings.hasTokenVectors());
    }

    public void testRelevantDocumentIsCloserToTheQueryThanAnUnrelatedOne() {
        float[] query = model.encode(List.of("how do plants make energy from sunlight"), EncodingPurpose.QUERY, false).vectors()[0];
        float[][] docs = model.encode(
            List.of("Photosynthesis converts light into chemical energy in green plants.", "The stock market fell sharply on Monday."),
            EncodingPurpose.DOCUMENT,
            false
        ).vectors();
        float relevant = VectorMath.dot(query, docs[0]);
        float unrelated = VectorMath.dot(query, docs[1]);
        assertTrue("relevant " + relevant + " should beat unrelated " + unrelated, relevant > unrelated + 0.1f);
    }

    public void testPaddingInABatchDoesNotChangeAVector() {
        String shortText = "red running shoes";
        String longText = "a much longer description of a pair of running shoes, with cushioned soles, breathable mesh and reflective laces";
        float[] alone = model.encode(List.of(shortText), EncodingPurpose.DOCUMENT, true).vectors()[0];
        TextEmbeddings batched = model.encode(List.of(longText, shortText), EncodingPurpose.DOCUMENT, true);
        // int8 dynamic quantization scales activations per batch tensor, so values move slightly; the direction must not
        float cosine = VectorMath.dot(alone, batched.vectors()[1]);
        assertTrue("cosine of the same text alone and padded in a batch: " + cosine, cosine > 0.995f);
        float[][] aloneTokens = model.encode(List.of(shortText), EncodingPurpose.DOCUMENT, true).tokenVectors()[0];
        assertEquals(aloneTokens.length, batched.tokenVectors()[1].length);
    }

    public void testRunsKeepEachCallWithinTheTokenLimit() {
        long noAttentionCap = Long.MAX_VALUE;
        assertArrayEquals(new int[]{3}, TextModel.runEnds(new int[]{2, 4, 3}, 12, noAttentionCap));
        assertArrayEquals(
            "the padded size counts, not the sum",
            new int[]{2, 3},
            TextModel.runEnds(new int[]{2, 5, 3}, 12, noAttentionCap)
        );
        assertArrayEquals(
            "an input over the limit runs alone",
            new int[]{1, 2, 4},
            TextModel.runEnds(new int[]{20, 30, 2, 2}, 12, noAttentionCap)
        );
        assertArrayEquals(new int[]{}, TextModel.runEnds(new int[]{}, 12, noAttentionCap));
    }

    public void testRunsKeepEachCallsAttentionWithinItsCap() {
        assertArrayEquals("3 x 4 x 4 = 48 fits, a fourth row does not", new int[]{3, 4}, TextModel.runEnds(new int[]{4, 4, 4, 4}, 100, 48));
        assertArrayEquals("a longer row squares its cost", new int[]{1, 3}, TextModel.runEnds(new int[]{8, 2, 2}, 100, 48));
        int[] lengths = new int[100];
        Arrays.fill(lengths, 512);
        int[] ends = TextModel.runEnds(lengths, TextModel.MAX_TOKENS_PER_RUN, TextModel.MAX_ATTENTION_CELLS_PER_RUN);
        assertEquals("4 texts of 512 tokens a call", 4, ends[0]);
        assertEquals(25, ends.length);
        Arrays.fill(lengths, 64);
        ends = TextModel.runEnds(lengths, TextModel.MAX_TOKENS_PER_RUN, TextModel.MAX_ATTENTION_CELLS_PER_RUN);
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
            float cosine = VectorMath.dot(alone, all.vectors()[i]);
            assertTrue("row " + i + ": cosine to the text encoded alone " + cosine, cosine > 0.995f);
        }
    }

    public void testTokenVectorsLeaveOutSpecialTokensAndAreNormalized() {
        String text = "red running shoes";
        int tokensWithSpecials = model.tokenCount(text, EncodingPurpose.DOCUMENT);
        float[][] tokens = model.encode(List.of(text), EncodingPurpose.DOCUMENT, true).tokenVectors()[0];
        assertEquals("[CLS] and [SEP] are not token vectors", tokensWithSpecials - 2, tokens.length);
        for (float[] token : tokens) {
            assertEquals(384, token.length);
            assertEquals(1.0, VectorMath.dot(token, token), 1e-4);
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
        assertTrue(VectorMath.dot(asQuery, asDocument) < 0.999f);
        int prefixTokens = model.tokenCount("", EncodingPurpose.QUERY) - 2;
        assertEquals(model.tokenCount(text, EncodingPurpose.DOCUMENT) + prefixTokens, model.tokenCount(text, EncodingPurpose.QUERY));
    }
}
