package org.opensearch.multimodal.mapper;

import org.apache.lucene.index.IndexableField;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.VectorUtil;
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
            // float32: LateInteractionField's dims int; the others the packed header, binary then its center (bfloat16)
            int header = encoding == TokenEncoding.FLOAT32 ? Integer.BYTES
                : MultiVectorFormat.HEADER_BYTES + (encoding == TokenEncoding.BINARY ? 2 * DIMS : 0);
            assertEquals(encoding + ": stored size", header + 7 * encoding.bytesPerRow(DIMS), stored.length);
            float[][] decoded = format.decode(stored, DIMS);
            assertEquals(7, decoded.length);
            for (int r = 0; r < rows.length; r++) {
                // the cosine of a row with its decoded self: float32 exact, binary the coarsest
                float cosine = VectorUtil.dotProduct(rows[r], decoded[r])
                    / (float) Math.sqrt(VectorUtil.dotProduct(decoded[r], decoded[r]));
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

    public void testBinaryMaxSimFollowsTheExactOneWhenTokensShareADirection() {
        // bge-like documents: every token has one common direction, its document's topic and a part of its own
        int dims = 128;
        float[] common = gaussian(dims);
        float[][][] documents = new float[30][][];
        float[][] topics = new float[documents.length][];
        for (int d = 0; d < documents.length; d++) {
            topics[d] = gaussian(dims);
            documents[d] = new float[20][];
            for (int r = 0; r < documents[d].length; r++) {
                documents[d][r] = token(common, topics[d], gaussian(dims));
            }
        }
        double centred = 0;
        double plain = 0;
        int queries = 10;
        for (int q = 0; q < queries; q++) {
            float[][] query = new float[8][];
            for (int t = 0; t < query.length; t++) {
                query[t] = token(common, topics[q], gaussian(dims));
            }
            double[] exact = new double[documents.length];
            double[] fromCentred = new double[documents.length];
            double[] fromPlain = new double[documents.length];
            for (int d = 0; d < documents.length; d++) {
                exact[d] = maxSim(query, documents[d]);
                fromCentred[d] = maxSim(query, MultiVectorFormat.unpack(MultiVectorFormat.pack(documents[d], TokenEncoding.BINARY)));
                byte[] plainBits = TokenEncoding.BINARY.encode(documents[d]);
                float[][] decoded = new float[documents[d].length][dims];
                for (int r = 0; r < decoded.length; r++) {
                    TokenEncoding.BINARY.decodeRow(plainBits, r * TokenEncoding.BINARY.bytesPerRow(dims), dims, decoded[r]);
                }
                fromPlain[d] = maxSim(query, decoded);
            }
            centred += correlation(exact, fromCentred) / queries;
            plain += correlation(exact, fromPlain) / queries;
        }
        // the correlation over the documents of binary MaxSim with the exact one
        assertTrue("centred " + centred + " vs plain signs " + plain, centred > 0.95 && centred > plain + 0.05);
    }

    private static float[] token(float[] common, float[] topic, float[] own) {
        float[] token = new float[common.length];
        for (int k = 0; k < token.length; k++) {
            token[k] = common[k] + 0.6f * topic[k] + 0.6f * own[k];
        }
        return VectorMath.l2NormalizeInPlace(token);
    }

    private static double maxSim(float[][] query, float[][] document) {
        double total = 0;
        for (float[] q : query) {
            double best = Double.NEGATIVE_INFINITY;
            for (float[] row : document) {
                best = Math.max(best, VectorUtil.dotProduct(q, row));
            }
            total += best;
        }
        return total / query.length;
    }

    private static double correlation(double[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElse(0);
        double my = Arrays.stream(y).average().orElse(0);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    private float[] gaussian(int dims) {
        float[] out = new float[dims];
        for (int k = 0; k < dims; k++) {
            out[k] = (float) random().nextGaussian();
        }
        return VectorMath.l2NormalizeInPlace(out);
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

    public void testAStoredValueOfAnUnknownFormatVersionIsAnErrorNamingTheFieldAndTheVersionNeverAScore() throws IOException {
        float[][] query = randomRows(2);
        for (String encoding : List.of("bfloat16", "int8", "binary")) {
            BytesRef stored = BytesRef.deepCopyOf(stored(mapper(encoding, 1).parse(source("{\"field\": " + json(randomRows(3)) + "}"))));
            MultiVectorFormat format = new MultiVectorFormat(TokenEncoding.parse(encoding), 1);
            StoredTokenMaxSim maxSim = new StoredTokenMaxSim("field", query, format, DIMS);
            assertTrue(Float.isFinite(maxSim.score(stored)));
            stored.bytes[stored.offset] = 2; // as a later build's format version 2 would read
            UnreadableTokenVectorsException e = expectThrows(UnreadableTokenVectorsException.class, () -> maxSim.score(stored));
            assertTrue(e.getMessage(), e.getMessage().contains("field [field]") && e.getMessage().contains("format version [2]"));
            stored.bytes[stored.offset] = MultiVectorFormat.VERSION;
            stored.bytes[stored.offset + 2] = 8; // another field's dims
            e = expectThrows(UnreadableTokenVectorsException.class, () -> maxSim.rows(stored));
            assertTrue(e.getMessage(), e.getMessage().contains("field [field]") && e.getMessage().contains("8 dims"));
        }
        BytesRef float32 = BytesRef.deepCopyOf(stored(mapper("float32", 1).parse(source("{\"field\": " + json(randomRows(3)) + "}"))));
        StoredTokenMaxSim maxSim = new StoredTokenMaxSim("field", randomRows(2), MultiVectorFormat.DEFAULT, DIMS);
        float32.bytes[float32.offset] = 8; // another field's dims in the stored layout's int32 header
        UnreadableTokenVectorsException e = expectThrows(UnreadableTokenVectorsException.class, () -> maxSim.score(float32));
        assertTrue(e.getMessage(), e.getMessage().contains("field [field]") && e.getMessage().contains("8 dims, the field has 16"));
    }

    /** A passage's score is MaxSim over its own rows of the stored value, in every encoding; counts that do not add up: none. */
    public void testEachPassagesRowRangeIsScoredByMaxSimOverItsOwnRows() throws IOException {
        float[][] query = randomRows(3);
        int[] passageRows = {4, 1, 6};
        for (String encoding : List.of("float32", "bfloat16", "int8", "binary")) {
            BytesRef stored = BytesRef.deepCopyOf(stored(mapper(encoding, 1).parse(source("{\"field\": " + json(randomRows(11)) + "}"))));
            MultiVectorFormat format = new MultiVectorFormat(TokenEncoding.parse(encoding), 1);
            StoredTokenMaxSim maxSim = new StoredTokenMaxSim("field", query, format, DIMS);
            float[] scores = maxSim.scoreRanges(stored, passageRows);
            float[][] decoded = format.decode(stored, DIMS);
            int first = 0;
            float best = Float.NEGATIVE_INFINITY;
            for (int p = 0; p < passageRows.length; p++) {
                float[][] own = Arrays.copyOfRange(decoded, first, first + passageRows[p]);
                assertEquals(encoding + " passage " + p, maxSim(query, own), scores[p], 1e-4);
                best = Math.max(best, scores[p]);
                first += passageRows[p];
            }
            assertTrue("no passage scores above the whole document", best <= maxSim.score(stored) + 1e-6f);
            assertNull("counts short of the stored rows", maxSim.scoreRanges(stored, new int[]{4, 1}));
            assertNull("counts past the stored rows", maxSim.scoreRanges(stored, new int[]{4, 1, 7}));
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
