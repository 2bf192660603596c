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
