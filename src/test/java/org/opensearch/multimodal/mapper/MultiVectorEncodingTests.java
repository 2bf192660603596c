package org.opensearch.multimodal.mapper;

import org.apache.lucene.index.IndexableField;
import org.apache.lucene.util.BytesRef;
import org.opensearch.common.settings.Settings;
import org.opensearch.index.mapper.DocumentMapper;
import org.opensearch.index.mapper.MapperParsingException;
import org.opensearch.index.mapper.MapperService;
import org.opensearch.index.mapper.MapperServiceTestCase;
import org.opensearch.index.mapper.ParsedDocument;
import org.opensearch.multimodal.math.TokenEncoding;
import org.opensearch.multimodal.math.VectorMath;
import org.opensearch.multimodal.plugin.MultimodalPlugin;
import org.opensearch.plugins.Plugin;

import java.io.IOException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * {@code multi_vector} encodings and token pooling in the mapping, the packed base64 input (what the processors hand
 * over), and bad input: each a 400 naming the field and the problem.
 */
public final class MultiVectorEncodingTests extends MapperServiceTestCase {

    private static final int DIMS = 16;

    @Override
    protected Collection<? extends Plugin> getPlugins() {
        return List.of(new MultimodalPlugin(Settings.EMPTY));
    }

    private DocumentMapper mapper(String encoding, int poolFactor) throws IOException {
        return createDocumentMapper(
            fieldMapping(
                b -> b.field("type", "multi_vector").field("dims", DIMS).field("encoding", encoding).field("pool_factor", poolFactor)
            )
        );
    }

    private float[][] randomRows(int rows) {
        float[][] out = new float[rows][DIMS];
        for (float[] row : out) {
            for (int k = 0; k < DIMS; k++) {
                row[k] = randomFloat() * 2 - 1;
            }
            VectorMath.l2NormalizeInPlace(row);
        }
        return out;
    }

    private static String json(float[][] rows) {
        StringBuilder out = new StringBuilder("[");
        for (int r = 0; r < rows.length; r++) {
            out.append(r == 0 ? "" : ",").append('[');
            for (int k = 0; k < rows[r].length; k++) {
                out.append(k == 0 ? "" : ",").append(rows[r][k]);
            }
            out.append(']');
        }
        return out.append(']').toString();
    }

    private static BytesRef stored(ParsedDocument doc) {
        List<IndexableField> fields = doc.rootDoc().getFields().stream().filter(f -> f.name().equals("field")).toList();
        assertEquals(1, fields.size());
        return fields.get(0).binaryValue();
    }

    private static String error(Exception e) {
        return DenseVectorFieldMapperTests.fullMessage(e);
    }

    public void testEachEncodingStoresItsOwnFormAndDecodesCloseToTheVectors() throws IOException {
        float[][] rows = randomRows(7);
        for (TokenEncoding encoding : TokenEncoding.values()) {
            MultiVectorFormat format = new MultiVectorFormat(encoding, 1);
            BytesRef stored = stored(mapper(encoding.toString(), 1).parse(source("{\"field\": " + json(rows) + "}")));
            int header = encoding == TokenEncoding.FLOAT32 ? Integer.BYTES : MultiVectorFormat.HEADER_BYTES;
            assertEquals(encoding + ": stored size", header + 7 * encoding.bytesPerRow(DIMS), stored.length);
            float[][] decoded = format.decode(stored, DIMS);
            assertEquals(7, decoded.length);
            for (int r = 0; r < rows.length; r++) {
                // the cosine of a row with its decoded self: float32 exact, binary the coarsest
                float cosine = VectorMath.dot(rows[r], decoded[r]) / (float) Math.sqrt(VectorMath.dot(decoded[r], decoded[r]));
                float floor = switch (encoding) {
                    case FLOAT32 -> 0.99999f;
                    case BFLOAT16 -> 0.9999f;
                    case INT8 -> 0.999f;
                    case BINARY -> 0.5f;
                };
                assertTrue(String.format(Locale.ROOT, "%s row %d cosine %s", encoding, r, cosine), cosine >= floor);
            }
        }
    }

    public void testPoolingKeepsAboutOneRowInPoolFactor() throws IOException {
        float[][] rows = randomRows(9);
        BytesRef stored = stored(mapper("int8", 3).parse(source("{\"field\": " + json(rows) + "}")));
        assertEquals("ceil(9 / 3) rows", 3, new MultiVectorFormat(TokenEncoding.INT8, 3).rows(stored, DIMS).rows());
    }

    public void testPackedInputInTheFieldsEncodingIsStoredAsSentAndFloat32IsEncoded() throws IOException {
        float[][] rows = randomRows(5);
        MultiVectorFormat int8 = new MultiVectorFormat(TokenEncoding.INT8, 1);
        byte[] packed = int8.handOff(rows);
        BytesRef asSent = stored(mapper("int8", 1).parse(source("{\"field\": \"" + Base64.getEncoder().encodeToString(packed) + "\"}")));
        assertEquals(new BytesRef(packed), asSent);
        String float32 = Base64.getEncoder().encodeToString(MultiVectorFormat.pack(rows, TokenEncoding.FLOAT32));
        BytesRef encoded = stored(mapper("int8", 1).parse(source("{\"field\": \"" + float32 + "\"}")));
        assertEquals("float32 sent to an int8 field is encoded as arrays are", new BytesRef(packed), encoded);
        BytesRef arrays = stored(mapper("int8", 1).parse(source("{\"field\": " + json(rows) + "}")));
        assertEquals(encoded, arrays);
    }

    public void testBadInputIsA400NamingTheFieldAndTheProblem() throws IOException {
        DocumentMapper int8 = mapper("int8", 1);
        float[][] rows = randomRows(2);
        String[][] cases = {
            {"\"not base64 at all!\"", "base64"},
            {"\"" + Base64.getEncoder().encodeToString(new byte[]{9, 2, 16, 0}) + "\"", "format version"},
            {"\"" + Base64.getEncoder().encodeToString(new byte[]{1, 7, 16, 0}) + "\"", "unknown encoding"},
            {"\"" + Base64.getEncoder().encodeToString(MultiVectorFormat.pack(new float[][]{new float[8]}, TokenEncoding.INT8)) + "\"",
                "has 16 dims"},
            {"\"" + truncated(new MultiVectorFormat(TokenEncoding.INT8, 1).handOff(rows)) + "\"", "not whole rows"},
            {"\"" + Base64.getEncoder().encodeToString(MultiVectorFormat.pack(rows, TokenEncoding.BINARY)) + "\"",
                "send [int8] or [float32]"},
            {"\"" + Base64.getEncoder().encodeToString(MultiVectorFormat.pack(withNaN(rows), TokenEncoding.FLOAT32)) + "\"", "non-finite"}};
        for (String[] bad : cases) {
            MapperParsingException e = expectThrows(MapperParsingException.class, () -> int8.parse(source("{\"field\": " + bad[0] + "}")));
            assertTrue(bad[1] + " / " + error(e), error(e).contains("field [field]") && error(e).contains(bad[1]));
        }
    }

    public void testUnknownEncodingAndPoolFactorBelowOneAreMappingErrors() {
        MapperParsingException encoding = expectThrows(MapperParsingException.class, () -> mapper("int4", 1));
        assertTrue(error(encoding), error(encoding).contains("encoding") && error(encoding).contains("int4"));
        MapperParsingException pool = expectThrows(MapperParsingException.class, () -> mapper("int8", 0));
        assertTrue(error(pool), error(pool).contains("[pool_factor] must be between 1 and 64, got [0]"));
    }

    public void testChangingTheEncodingIsAMappingConflict() throws IOException {
        MapperService service = createMapperService(
            fieldMapping(b -> b.field("type", "multi_vector").field("dims", DIMS).field("encoding", "int8"))
        );
        IllegalArgumentException e = expectThrows(
            IllegalArgumentException.class,
            () -> merge(service, fieldMapping(b -> b.field("type", "multi_vector").field("dims", DIMS).field("encoding", "binary")))
        );
        assertTrue(e.getMessage(), e.getMessage().contains("[encoding]"));
    }

    private static String truncated(byte[] packed) {
        return Base64.getEncoder().encodeToString(Arrays.copyOf(packed, packed.length - 3));
    }

    private static float[][] withNaN(float[][] rows) {
        float[][] copy = new float[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            copy[r] = rows[r].clone();
        }
        copy[1][3] = Float.NaN;
        return copy;
    }
}
