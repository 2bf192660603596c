package org.opensearch.multimodal.query.highlight;

import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReader;
import org.opensearch.multimodal.mapper.ChunkedVectors;
import org.opensearch.multimodal.mapper.DenseVectorFieldMapper.DenseVectorFieldType;
import org.opensearch.multimodal.mapper.StoredTokenMaxSim;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A hit's passages ranked by what the search compared them with: a chunked dense field's by their similarity to the
 * query vector, a {@code multi_vector} field's by MaxSim of the query's token vectors over each passage's own rows.
 */
final class BestPassages {

    /** One passage: where it lies ({@code [element, start, end]}, UTF-16 units) and its score against the query. */
    record Passage(int[] offset, float score) {

        Map<String, Object> toMap() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("element", offset[0]);
            out.put("start", offset[1]);
            out.put("end", offset[2]);
            out.put("score", score);
            return out;
        }
    }

    private BestPassages() {
    }

    /** The document's passages of a chunked dense field that have offsets, best first; empty where it has none. */
    static List<Passage> rank(LeafReader reader, int doc, DenseVectorFieldType field, float[] query) throws IOException {
        int[][] offsets = offsets(reader, doc, field.name());
        List<Passage> passages = new ArrayList<>(offsets.length);
        for (int p = 0; p < offsets.length; p++) {
            FloatVectorValues values = reader.getFloatVectorValues(field.chunkField(p));
            if (values == null) {
                continue;
            }
            KnnVectorValues.DocIndexIterator iterator = values.iterator();
            if (iterator.advance(doc) == doc) {
                passages
                    .add(new Passage(offsets[p], field.similarity().luceneFunction().compare(query, values.vectorValue(iterator.index()))));
            }
        }
        return bestFirst(passages);
    }

    /**
     * The document's passages by {@code maxSim} (the query's tokens) over each one's rows of {@code multi_vector} field
     * {@code tokenField}: {@code rowCounts} rows a passage, in passage order, at the offsets chunked dense field
     * {@code offsetsField} holds; empty where the document has no rows or the counts do not match its rows or its
     * passages.
     */
    static List<Passage> rankByTokens(
        LeafReader reader,
        int doc,
        String tokenField,
        StoredTokenMaxSim maxSim,
        String offsetsField,
        int[] rowCounts
    ) throws IOException {
        BinaryDocValues rows = reader.getBinaryDocValues(tokenField);
        int[][] offsets = offsets(reader, doc, offsetsField);
        if (rows == null || rows.advanceExact(doc) == false || offsets.length != rowCounts.length) {
            return List.of();
        }
        float[] scores = maxSim.scoreRanges(rows.binaryValue(), rowCounts);
        if (scores == null) {
            return List.of(); // the token field was written from something else since
        }
        List<Passage> passages = new ArrayList<>(offsets.length);
        for (int p = 0; p < offsets.length; p++) {
            passages.add(new Passage(offsets[p], scores[p]));
        }
        return bestFirst(passages);
    }

    private static int[][] offsets(LeafReader reader, int doc, String chunkedField) throws IOException {
        BinaryDocValues offsetValues = reader.getBinaryDocValues(chunkedField);
        if (offsetValues == null || offsetValues.advanceExact(doc) == false) {
            return new int[0][];
        }
        return ChunkedVectors.readOffsetBytes(offsetValues.binaryValue());
    }

    private static List<Passage> bestFirst(List<Passage> passages) {
        passages.sort(Comparator.comparingDouble(Passage::score).reversed());
        return passages;
    }
}
