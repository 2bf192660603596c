package org.opensearch.multimodal.query.retriever;

import org.apache.lucene.util.BytesRef;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.multimodal.mapper.MultiVectorFormat;
import org.opensearch.multimodal.math.RefinablePrimary;
import org.opensearch.multimodal.math.TokenEncoding;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A GQR primary as the shards send it to the coordinating node: its kind (a dense vector, or token vectors in a
 * {@code multi_vector} field's encoding), its dims and starting parameters z0; with each candidate's vector as bytes,
 * the coordinating node rebuilds the same {@link RefinablePrimary} the shard would have refined.
 */
public record GatheredPrimary(TokenEncoding encoding, int poolFactor, int dims, int queryRows, float[] z0) implements Writeable {

    /** A dense primary: {@code encoding} null, vectors are float32 little-endian. */
    static GatheredPrimary dense(int dims, float[] z0) {
        return new GatheredPrimary(null, 1, dims, 1, z0);
    }

    /** A multi-vector primary: vectors are the field's stored values. */
    static GatheredPrimary multiVector(int dims, MultiVectorFormat format, int queryRows, float[] z0) {
        return new GatheredPrimary(format.encoding(), format.poolFactor(), dims, queryRows, z0);
    }

    static BytesRef floatBytes(float[] vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(vector);
        return new BytesRef(buffer.array());
    }

    public GatheredPrimary(StreamInput in) throws IOException {
        this(
            in.readBoolean() ? TokenEncoding.fromId(in.readByte()) : null,
            in.readVInt(),
            in.readVInt(),
            in.readVInt(),
            in.readFloatArray()
        );
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeBoolean(encoding != null);
        if (encoding != null) {
            out.writeByte(encoding.id());
        }
        out.writeVInt(poolFactor);
        out.writeVInt(dims);
        out.writeVInt(queryRows);
        out.writeFloatArray(z0);
    }

    /**
     * The primary over documents whose vectors are {@code vectors} (candidates in order; the GQR primary's memory was
     * reserved when they were read). Kept encoded for a multi-vector primary: only its candidates' bytes are held.
     */
    public RefinablePrimary primary(BytesRef[] vectors) {
        for (BytesRef vector : vectors) {
            if (vector == null) {
                throw new IllegalStateException("a GQR candidate has no vector in the primary's field");
            }
        }
        if (encoding == null) {
            float[][] documents = new float[vectors.length][dims];
            for (int c = 0; c < vectors.length; c++) {
                ByteBuffer.wrap(vectors[c].bytes, vectors[c].offset, vectors[c].length)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer()
                    .get(documents[c]);
            }
            return RefinablePrimary.singleVector(documents);
        }
        MultiVectorFormat format = new MultiVectorFormat(encoding, poolFactor);
        byte[][] blocks = new byte[vectors.length][];
        int[] offsets = new int[vectors.length];
        int[] rowCounts = new int[vectors.length];
        float[][] centers = new float[vectors.length][];
        for (int c = 0; c < vectors.length; c++) {
            MultiVectorFormat.Rows rows = format.rows(vectors[c], dims);
            blocks[c] = rows.bytes();
            offsets[c] = rows.offset();
            rowCounts[c] = rows.rows();
            centers[c] = format.center(rows, dims, new float[dims]);
        }
        return RefinablePrimary.encodedMultiVector(blocks, offsets, rowCounts, centers, encoding, queryRows, dims);
    }
}
