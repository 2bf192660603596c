package org.opensearch.multimodal.query.retriever;

import org.opensearch.test.OpenSearchTestCase;

/** What the built-in retriever specs derive from their parameters: the dense HNSW beam and input, the multi-vector candidates. */
public final class BuiltInRetrieverTests extends OpenSearchTestCase {

    private static final String MODEL = "bge-small-en-v1.5";

    public void testNumCandidatesIsTheHnswBeam() {
        assertEquals("the graph search keeps 500, the pool takes 50", 500, new DenseRetriever("v", MODEL, 50, null, 500).beamWidth());
        assertEquals("unset: the beam is twice k", 100, new DenseRetriever("v", MODEL, 50).beamWidth());
        assertEquals("at most 10,000", 10_000, new DenseRetriever("v", MODEL, 8_000).beamWidth());
        assertEquals("never below k", 10_000, new DenseRetriever("v", MODEL, 10_000).beamWidth());
        assertEquals("num_candidates unset: twice k", 10, new MultiVectorRetriever("t", "m", 5, 0).candidatesToScore());
    }

    public void testAnUnsetInputIsTheTextWhenThereIsTextAndTheImageOtherwise() {
        assertEquals("an image-only query encodes its image", "image", new DenseRetriever("p", "clip", 10).inputFor(false));
        assertEquals("text", new DenseRetriever("p", "clip", 10).inputFor(true));
        assertEquals("image", new DenseRetriever("p", "clip", 10, "image").inputFor(true));
    }
}
