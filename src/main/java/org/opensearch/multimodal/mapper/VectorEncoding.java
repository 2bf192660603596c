package org.opensearch.multimodal.mapper;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Little-endian float32 bytes for vectors kept outside the HNSW graph. */
public final class VectorEncoding {

    private VectorEncoding() {
    }

    public static byte[] toBytes(float[] vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(vector);
        return buffer.array();
    }
}
