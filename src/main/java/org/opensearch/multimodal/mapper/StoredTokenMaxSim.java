package org.opensearch.multimodal.mapper;

import org.apache.lucene.util.BytesRef;
import org.opensearch.multimodal.math.EncodedMaxSim;

/**
 * MaxSim of one query's tokens against the stored values of a {@code multi_vector} field, on their encoded form: the
 * field's layout read in one place ({@link MultiVectorFormat#rows}, binary's per-document center) for the rescorer and
 * the {@code multi_vector} retriever. One thread; nothing allocated per document.
 */
public final class StoredTokenMaxSim {

    private final String field;
    private final MultiVectorFormat format;
    private final int dims;
    private final EncodedMaxSim kernel;
    private final float[] center;

    public StoredTokenMaxSim(String field, float[][] queryTokens, MultiVectorFormat format, int dims) {
        this.field = field;
        this.format = format;
        this.dims = dims;
        this.kernel = new EncodedMaxSim(queryTokens, queryTokens.length, dims, format.encoding());
        this.center = new float[dims];
    }

    /** MaxSim of the query against the stored value {@code stored}. */
    public float score(BytesRef stored) {
        MultiVectorFormat.Rows rows = rowsOf(stored);
        kernel.setCenter(format.center(rows, dims, center));
        return kernel.score(rows.bytes(), rows.offset(), rows.rows());
    }

    /**
     * MaxSim of the query against each consecutive range of the stored rows, {@code rowCounts[i]} rows each (a long
     * text's passages, as its processor packed them in passage order); null when the counts do not add up to the rows
     * stored (the field was written from something else since).
     */
    public float[] scoreRanges(BytesRef stored, int[] rowCounts) {
        MultiVectorFormat.Rows rows = rowsOf(stored);
        long total = 0;
        for (int count : rowCounts) {
            total += count;
        }
        if (total != rows.rows()) {
            return null;
        }
        kernel.setCenter(format.center(rows, dims, center));
        int perRow = format.bytesPerRow(dims);
        float[] scores = new float[rowCounts.length];
        int first = 0;
        for (int i = 0; i < rowCounts.length; i++) {
            scores[i] = kernel.score(rows.bytes(), rows.offset() + first * perRow, rowCounts[i]);
            first += rowCounts[i];
        }
        return scores;
    }

    /** The number of token rows the stored value holds. */
    public int rows(BytesRef stored) {
        return rowsOf(stored).rows();
    }

    private MultiVectorFormat.Rows rowsOf(BytesRef stored) {
        try {
            return format.rows(stored, dims);
        } catch (UnreadableTokenVectorsException e) {
            throw e.forField(field);
        }
    }
}
