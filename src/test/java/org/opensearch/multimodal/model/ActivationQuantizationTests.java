package org.opensearch.multimodal.model;

import org.opensearch.test.OpenSearchTestCase;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

public class ActivationQuantizationTests extends OpenSearchTestCase {

    public void testTheQuantizedBuiltInQuantizesPerCallAndTheFloat32OneDoesNot() throws IOException {
        assertTrue(ActivationQuantization.isDynamic(BuiltinModels.root().resolve(BuiltinModels.BGE_SMALL).resolve("model.onnx")));
        assertFalse(ActivationQuantization.isDynamic(BuiltinModels.root().resolve(BuiltinModels.BGE_SMALL_FP32).resolve("model.onnx")));
    }

    public void testTheOperatorIsFoundAcrossABlockBoundary() throws IOException {
        byte[] needle = "DynamicQuantizeLinear".getBytes(StandardCharsets.UTF_8);
        for (int offset : new int[]{0, (1 << 16) - 10, (1 << 16) - 1, 1 << 16, 200_000}) {
            byte[] data = new byte[250_000];
            System.arraycopy(needle, 0, data, offset, needle.length);
            assertTrue("at " + offset, ActivationQuantization.contains(new ShortReads(data), needle));
        }
        assertFalse(ActivationQuantization.contains(new ByteArrayInputStream(new byte[250_000]), needle));
        byte[] almost = "DynamicQuantizeLinea".getBytes(StandardCharsets.UTF_8);
        assertFalse(ActivationQuantization.contains(new ByteArrayInputStream(almost), needle));
    }

    /** Hands out short reads, as a file stream may. */
    private static final class ShortReads extends InputStream {

        private final byte[] data;
        private int position;

        ShortReads(byte[] data) {
            this.data = data;
        }

        @Override
        public int read() {
            return position < data.length ? data[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, 7_001), data.length - position);
            System.arraycopy(data, position, b, off, n);
            position += n;
            return n;
        }
    }
}
