package org.opensearch.multimodal.query;

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
record GatheredPrimary(TokenEncoding encoding, int poolFactor, int dims, int queryRows, float[] z0) implements Writeable {

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

    GatheredPrimary(StreamInput in) throws IOException {
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

    /** The primary's candidates on the coordinating node: {@code vectors[i]} of pool position i (null: not sent). */
    GqrFusion.PrimaryCandidates candidates(BytesRef[] vectors, TokenMemory memory) {
        return new GqrFusion.PrimaryCandidates() {

            @Override
            public float[] start() {
                return z0.clone();
            }

            @Override
            public RefinablePrimary over(int[] positions, TokenMemory.Reservation held) {
                for (int i : positions) {
                    if (vectors[i] == null) {
                        throw new IllegalStateException("a GQR candidate's vector did not reach the coordinating node");
                    }
                    held.reserve(vectors[i].length, "the GQR primary");
                }
                return encoding == null ? dense(positions) : multiVector(positions);
            }

            private RefinablePrimary dense(int[] positions) {
                float[][] documents = new float[positions.length][dims];
                for (int c = 0; c < positions.length; c++) {
                    BytesRef bytes = vectors[positions[c]];
                    ByteBuffer.wrap(bytes.bytes, bytes.offset, bytes.length)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .asFloatBuffer()
                        .get(documents[c]);
                }
                return RefinablePrimary.singleVector(documents);
            }

            private RefinablePrimary multiVector(int[] positions) {
                MultiVectorFormat format = new MultiVectorFormat(encoding, poolFactor);
                byte[][] blocks = new byte[positions.length][];
                int[] offsets = new int[positions.length];
                int[] rowCounts = new int[positions.length];
                float[][] centers = new float[positions.length][];
                for (int c = 0; c < positions.length; c++) {
                    MultiVectorFormat.Rows rows = format.rows(vectors[positions[c]], dims);
                    blocks[c] = rows.bytes();
                    offsets[c] = rows.offset();
                    rowCounts[c] = rows.rows();
                    centers[c] = format.center(rows, dims, new float[dims]);
                }
                return RefinablePrimary.encodedMultiVector(blocks, offsets, rowCounts, centers, encoding, queryRows, dims);
            }

            @Override
            public TokenMemory memory() {
                return memory;
            }
        };
    }
}
