package org.opensearch.multimodal.query.retriever;

import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DisjunctionMaxQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.util.BytesRef;
import org.opensearch.multimodal.mapper.DenseVectorFieldMapper.DenseVectorFieldType;
import org.opensearch.multimodal.mapper.MultiVectorFormat;
import org.opensearch.multimodal.math.TokenEncoding;
import org.opensearch.multimodal.memory.TokenMemory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A dense retriever over a chunked field: a document scores its best passage's similarity to the query vector. Passage
 * i of every document lies in graph i ({@link DenseVectorFieldType#chunkField}), so the best k documents are the best
 * of each position's top k ({@link DisjunctionMaxQuery} keeps a document's best): a document in the true top k by its
 * best passage is in that passage's position's top k, so the searches together miss only what HNSW itself misses. For
 * GQR it is MaxSim with one query row, whose gradient is the best passage's vector, and GQR's second search
 * ({@code search_again}) searches every position's graph again with the refined query. Alone in a query it still goes
 * through the pool, so a shard answers k documents, not every position's k.
 */
record BestPassageRetriever(
    String name,
    String field,
    float[] queryVector,
    VectorSimilarityFunction similarity,
    Query knnQuery,
    int k,
    int positions,
    int beamWidth,
    Query filter
) implements PoolRetriever.Refinable, PassageQueries {

    /** Searches each of the {@code positions} passage graphs for its top {@code k} with a beam of {@code beamWidth}. */
    static BestPassageRetriever of(
        String name,
        DenseVectorFieldType fieldType,
        float[] vector,
        int k,
        int beamWidth,
        Query filter,
        IndexReader reader
    ) {
        int positions = positions(reader, fieldType);
        return new BestPassageRetriever(
            name,
            fieldType.name(),
            vector,
            fieldType.similarity().luceneFunction(),
            bestPassageSearch(fieldType.name(), positions, vector, k, beamWidth, filter),
            k,
            positions,
            beamWidth,
            filter
        );
    }

    /** Each position's graph searched for its top {@code k}, a document keeping its best passage's score. */
    private static Query bestPassageSearch(String field, int positions, float[] vector, int k, int beamWidth, Query filter) {
        List<Query> searches = new ArrayList<>(positions);
        for (int i = 0; i < positions; i++) {
            searches.add(WideBeamKnnQuery.of(DenseVectorFieldType.chunkField(field, i), vector, k, beamWidth, filter));
        }
        return positions == 0 ? new MatchNoDocsQuery("no passages in [" + field + "]") : new DisjunctionMaxQuery(searches, 0f);
    }

    /** How many passage positions the shard's segments hold for the field (one more than the highest). */
    static int positions(IndexReader reader, DenseVectorFieldType fieldType) {
        int positions = 0;
        for (LeafReaderContext leaf : reader.leaves()) {
            for (FieldInfo info : leaf.reader().getFieldInfos()) {
                if (info.hasVectorValues() && fieldType.name().equals(DenseVectorFieldType.chunkOwner(info.name))) {
                    int position = Integer.parseInt(info.name.substring(info.name.lastIndexOf('.') + 1));
                    positions = Math.max(positions, position + 1);
                }
            }
        }
        return positions;
    }

    @Override
    public int[] topK(IndexSearcher searcher) throws IOException {
        return PoolRetriever.topDocs(searcher, knnQuery, k);
    }

    @Override
    public float[] score(IndexSearcher searcher, int[] pool) throws IOException {
        return PoolRetriever.scoreByLeaf(searcher, pool, leaf -> {
            List<FloatVectorValues> values = new ArrayList<>();
            List<KnnVectorValues.DocIndexIterator> iterators = new ArrayList<>();
            openPassages(leaf, values, iterators);
            if (values.isEmpty()) {
                return null;
            }
            return doc -> {
                float best = Float.NaN;
                for (int p = 0; p < values.size(); p++) {
                    if (PoolRetriever.advanceTo(iterators.get(p), doc)) {
                        float score = similarity.compare(queryVector, values.get(p).vectorValue(iterators.get(p).index()));
                        best = Float.isNaN(best) ? score : Math.max(best, score);
                    }
                }
                return best;
            };
        });
    }

    /** The segment's passage vectors, position by position (positions it lacks are skipped). */
    private void openPassages(LeafReaderContext leaf, List<FloatVectorValues> values, List<KnnVectorValues.DocIndexIterator> iterators)
        throws IOException {
        for (int p = 0; p < positions; p++) {
            FloatVectorValues position = leaf.reader().getFloatVectorValues(DenseVectorFieldType.chunkField(field, p));
            if (position != null) {
                values.add(position);
                iterators.add(position.iterator());
            }
        }
    }

    /** The query vector it compares with the passages of {@code field}, its own field; null for any other. */
    @Override
    public float[] passageQuery(String field) {
        return this.field.equals(field) ? queryVector : null;
    }

    /**
     * GQR's second search: the refined query's best {@code topK} documents by their best passage, searched as the first
     * search was (every position's graph, the same beam and filter), in doc id order.
     */
    @Override
    public int[] searchAgain(IndexSearcher searcher, float[] z, int topK) throws IOException {
        return PoolRetriever
            .refinedTopDocs(searcher, z, refined -> bestPassageSearch(field, positions, refined, topK, beamWidth, filter), topK);
    }

    @Override
    public float[] queryParameters() {
        return queryVector.clone();
    }

    @Override
    public String cannotRefine() {
        return DensePoolRetriever.cannotRefine(field, similarity);
    }

    /** The passages travel as a float32 multi-vector value: MaxSim of one query row is the best passage's product. */
    @Override
    public GatheredPrimary shape() {
        return GatheredPrimary.multiVector(queryVector.length, PASSAGES, 1, queryParameters());
    }

    private static final MultiVectorFormat PASSAGES = new MultiVectorFormat(TokenEncoding.FLOAT32, 1);

    @Override
    public BytesRef[] vectors(IndexSearcher searcher, int[] docs, TokenMemory.Reservation held) throws IOException {
        BytesRef[] out = new BytesRef[docs.length];
        int[] position = {0};
        PoolRetriever.scoreByLeaf(searcher, docs, leaf -> {
            List<FloatVectorValues> values = new ArrayList<>();
            List<KnnVectorValues.DocIndexIterator> iterators = new ArrayList<>();
            openPassages(leaf, values, iterators);
            return doc -> {
                int i = position[0]++;
                List<float[]> passages = new ArrayList<>();
                for (int p = 0; p < values.size(); p++) {
                    if (PoolRetriever.advanceTo(iterators.get(p), doc)) {
                        held.reserve((long) Float.BYTES * queryVector.length, field);
                        passages.add(values.get(p).vectorValue(iterators.get(p).index()).clone());
                    }
                }
                if (passages.isEmpty() == false) {
                    out[i] = PASSAGES.field(field, passages.toArray(new float[0][])).binaryValue();
                }
                return 0f;
            };
        });
        return out;
    }

}
