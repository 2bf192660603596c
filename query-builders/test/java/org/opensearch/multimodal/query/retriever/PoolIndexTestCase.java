package org.opensearch.multimodal.query.retriever;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LateInteractionField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.opensearch.core.common.breaker.CircuitBreaker;
import org.opensearch.core.common.breaker.NoopCircuitBreaker;
import org.opensearch.core.common.unit.ByteSizeUnit;
import org.opensearch.core.common.unit.ByteSizeValue;
import org.opensearch.multimodal.mapper.MultiVectorFormat;
import org.opensearch.multimodal.memory.TokenMemory;
import org.opensearch.multimodal.settings.MultimodalSettings;
import org.opensearch.test.OpenSearchTestCase;

import java.util.Arrays;

/**
 * Five documents on a real Lucene index spread over several segments, each with a dense vector ({@code v}), a body and,
 * all but one, token vectors ({@code tokens}), and the retrievers over them: what the shard-side retrievers, GQR over a
 * shard's pool and the late-interaction rescorer are tested on.
 */
public abstract class PoolIndexTestCase extends OpenSearchTestCase {

    protected static final float[] QUERY = {1f, 0f};
    /** Dense vectors at growing angles from the query: the dense ranking is 0, 1, 2, 3, 4. */
    protected static final float[][] VECTORS = {unit(0), unit(25), unit(50), unit(75), unit(100)};
    /** Doc 2 says "red" three times: the lexical retriever's favourite; doc 4 once. */
    protected static final String[] BODIES = {"blue shoes", "green hat", "red red red dress", "blue coat", "red scarf"};
    /** Query tokens and each document's tokens (doc 3 has none). */
    protected static final float[][] QUERY_TOKENS = {unit(0), unit(90)};
    protected static final float[][][] TOKENS = {
        {unit(10), unit(200)},
        {unit(30), unit(80), unit(300)},
        {unit(60), unit(100)},
        null,
        {unit(5), unit(95)}};

    protected static float[] unit(double degrees) {
        double r = Math.toRadians(degrees);
        return new float[]{(float) Math.cos(r), (float) Math.sin(r)};
    }

    protected Directory directory;
    protected DirectoryReader reader;
    protected IndexSearcher searcher;

    @Override
    public void setUp() throws Exception {
        super.setUp();
        directory = newDirectory();
        try (IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig().setMergePolicy(NoMergePolicy.INSTANCE))) {
            for (int i = 0; i < BODIES.length; i++) {
                Document doc = new Document();
                doc.add(new KnnFloatVectorField("v", VECTORS[i], VectorSimilarityFunction.DOT_PRODUCT));
                doc.add(new TextField("body", BODIES[i], Field.Store.NO));
                if (TOKENS[i] != null) {
                    doc.add(new LateInteractionField("tokens", TOKENS[i]));
                }
                writer.addDocument(doc);
                if (i % 2 == 1) {
                    writer.commit();
                }
            }
        }
        reader = DirectoryReader.open(directory);
        searcher = new IndexSearcher(reader);
        assertTrue("several segments", reader.leaves().size() > 1);
    }

    @Override
    public void tearDown() throws Exception {
        reader.close();
        directory.close();
        super.tearDown();
    }

    /** {@code text}: the dense top k of field {@code v}. */
    protected static PoolRetriever.Refinable dense(int k) {
        return new DensePoolRetriever("text", "v", QUERY, VectorSimilarityFunction.DOT_PRODUCT, new KnnFloatVectorQuery("v", QUERY, k), k);
    }

    /** {@code bm25}: the top k for "red" in {@code body}. */
    protected static PoolRetriever lexical(int k) {
        return new LexicalPoolRetriever("bm25", new TermQuery(new Term("body", "red")), k);
    }

    /** {@code tokens}: MaxSim of the query tokens over field {@code tokens}, which has no candidate index: it proposes nothing. */
    protected static PoolRetriever.Refinable tokens() {
        return tokens(new NoopCircuitBreaker(MultimodalSettings.BREAKER_NAME));
    }

    protected static PoolRetriever.Refinable tokens(CircuitBreaker breaker) {
        return tokens(new TokenMemory(new ByteSizeValue(1, ByteSizeUnit.MB), breaker));
    }

    protected static PoolRetriever.Refinable tokens(TokenMemory memory) {
        return new MultiVectorPoolRetriever("tokens", "tokens", QUERY_TOKENS, MultiVectorFormat.DEFAULT, QUERY_TOKENS[0].length, memory);
    }

    protected static int[] order(TopDocs top) {
        return Arrays.stream(top.scoreDocs).mapToInt(d -> d.doc).toArray();
    }
}
