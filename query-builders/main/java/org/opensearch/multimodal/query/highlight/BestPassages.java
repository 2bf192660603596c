package org.opensearch.multimodal.query.highlight;

import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReader;
import org.opensearch.multimodal.mapper.ChunkedVectors;
import org.opensearch.multimodal.mapper.DenseVectorFieldMapper.DenseVectorFieldType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A hit's passages of a chunked dense field, ranked by their similarity to the query vector that searched it. */
final class BestPassages {

    /** One passage: where it lies ({@code [element, start, end]}, UTF-16 units) and its similarity to the query. */
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

    /** The document's passages that have offsets, best first; empty where it has none. */
    static List<Passage> rank(LeafReader reader, int doc, DenseVectorFieldType field, float[] query) throws IOException {
        BinaryDocValues offsetValues = reader.getBinaryDocValues(field.name());
        if (offsetValues == null || offsetValues.advanceExact(doc) == false) {
            return List.of();
        }
        int[][] offsets = ChunkedVectors.readOffsetBytes(offsetValues.binaryValue());
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
        passages.sort(Comparator.comparingDouble(Passage::score).reversed());
        return passages;
    }
}
