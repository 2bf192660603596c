package org.opensearch.multimodal.mapper;

import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LateInteractionField;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.XContentFactory;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.index.mapper.DocumentMapper;
import org.opensearch.index.mapper.MapperParsingException;
import org.opensearch.index.mapper.MapperService;
import org.opensearch.index.mapper.MapperServiceTestCase;
import org.opensearch.index.mapper.ParsedDocument;
import org.opensearch.multimodal.math.TokenEncoding;
import org.opensearch.multimodal.plugin.MultimodalPlugin;
import org.opensearch.multimodal.settings.MultimodalSettings;
import org.opensearch.multimodal.settings.NewIndexDefaults;
import org.opensearch.plugins.Plugin;

import java.io.IOException;
import java.util.Collection;
import java.util.List;

/** The {@code multi_vector} field, with a node whose per-document cap is 3 vectors. */
public final class MultiVectorFieldMapperTests extends MapperServiceTestCase {

    private static final int MAX_VECTORS = 3;

    @Override
    protected Collection<? extends Plugin> getPlugins() {
        Settings settings = Settings.builder().put(MultimodalSettings.MAX_VECTORS_PER_DOCUMENT.getKey(), MAX_VECTORS).build();
        return List.of(new MultimodalPlugin(settings));
    }

    private DocumentMapper multiVectorMapper(int dims) throws IOException {
        return createDocumentMapper(fieldMapping(b -> b.field("type", "multi_vector").field("dims", dims)));
    }

    private static List<IndexableField> vectorFields(ParsedDocument doc) {
        return doc.rootDoc().getFields().stream().filter(f -> f.name().equals("field")).toList();
    }

    public void testMappingRoundTripKeepsDims() throws IOException {
        MapperService mapperService = createMapperService(fieldMapping(b -> b.field("type", "multi_vector").field("dims", 5)));
        String source = mapperService.documentMapper().mappingSource().string();
        assertTrue(source, source.contains("\"field\":{\"type\":\"multi_vector\",\"dims\":5,\"encoding\":\"float32\"}"));
        MapperService reparsed = createMapperService("_doc", source);
        assertEquals(5, ((MultiVectorFieldMapper.MultiVectorFieldType) reparsed.fieldType("field")).dims());
    }

    public void testAMappingWithoutEncodingTakesItsIndexsDefaultEncoding() throws IOException {
        String key = MultimodalSettings.MULTI_VECTOR_DEFAULT_ENCODING.getKey();
        MultiVectorFieldMapper.MultiVectorFieldType created = (MultiVectorFieldMapper.MultiVectorFieldType) createMapperService(
            Settings.builder().put(key, "int8").build(),
            fieldMapping(b -> b.field("type", "multi_vector").field("dims", 5))
        ).fieldType("field");
        assertEquals("what the plugin stamps on a new index", TokenEncoding.INT8, created.format().encoding());
        MapperService createdService = createMapperService(
            Settings.builder().put(key, "int8").build(),
            fieldMapping(b -> b.field("type", "multi_vector").field("dims", 5))
        );
        String written = createdService.documentMapper().mappingSource().string();
        assertTrue(
            "the default is written into the mapping, so a copy read under other settings keeps it: " + written,
            written.contains("\"encoding\":\"int8\"")
        );

        MapperService before = createMapperService(fieldMapping(b -> b.field("type", "multi_vector").field("dims", 5)));
        MultiVectorFieldMapper.MultiVectorFieldType old = (MultiVectorFieldMapper.MultiVectorFieldType) before.fieldType("field");
        assertEquals("an index created before the setting keeps float32", TokenEncoding.FLOAT32, old.format().encoding());

        MapperService explicit = createMapperService(
            Settings.builder().put(key, "int8").build(),
            fieldMapping(b -> b.field("type", "multi_vector").field("dims", 5).field("encoding", "float32"))
        );
        String source = explicit.documentMapper().mappingSource().string();
        assertTrue("the stored mapping names its encoding: " + source, source.contains("\"encoding\":\"float32\""));
        MapperService reparsed = createMapperService(
            Settings.builder().put(key, "int8").build(),
            XContentFactory.jsonBuilder().map(XContentHelper.convertToMap(JsonXContent.jsonXContent, source, false))
        );
        assertEquals(
            TokenEncoding.FLOAT32,
            ((MultiVectorFieldMapper.MultiVectorFieldType) reparsed.fieldType("field")).format().encoding()
        );
    }

    public void testNewIndicesGetInt8UnlessTheyChooseAnotherDefault() {
        String key = MultimodalSettings.MULTI_VECTOR_DEFAULT_ENCODING.getKey();
        NewIndexDefaults defaults = new NewIndexDefaults();
        assertEquals("int8", defaults.getAdditionalIndexSettings("index", false, Settings.EMPTY).get(key));
        assertTrue(defaults.getAdditionalIndexSettings("index", false, Settings.builder().put(key, "float32").build()).isEmpty());
    }

    public void testMissingDimsIsRejected() {
        MapperParsingException e = expectThrows(
            MapperParsingException.class,
            () -> createMapperService(fieldMapping(b -> b.field("type", "multi_vector")))
        );
        assertTrue(DenseVectorFieldMapperTests.fullMessage(e), DenseVectorFieldMapperTests.fullMessage(e).contains("[dims]"));
    }

    public void testDocumentIndexesOneLateInteractionFieldWithNormalizedRows() throws IOException {
        ParsedDocument doc = multiVectorMapper(2).parse(source("{\"field\": [[3, 4], [0, 2], [-1, 0]]}"));
        List<IndexableField> fields = vectorFields(doc);
        assertEquals(fields.toString(), 1, fields.size());
        LateInteractionField field = (LateInteractionField) fields.get(0);
        float[][] rows = LateInteractionField.decode(field.binaryValue());
        assertEquals(3, rows.length);
        assertArrayEquals(new float[]{0.6f, 0.8f}, rows[0], 1e-6f);
        assertArrayEquals(new float[]{0f, 1f}, rows[1], 1e-6f);
        assertArrayEquals(new float[]{-1f, 0f}, rows[2], 1e-6f);
    }

    public void testAnIndexedFieldAddsTheEncodingOfItsStoredRowsToAGraph() throws IOException {
        DocumentMapper mapper = createDocumentMapper(
            fieldMapping(b -> b.field("type", "multi_vector").field("dims", 2).field("index", true))
        );
        ParsedDocument doc = mapper.parse(source("{\"field\": [[3, 4], [0, 2]]}"));
        List<IndexableField> graph = doc.rootDoc().getFields().stream().filter(f -> f.name().equals("field._candidates")).toList();
        assertEquals(1, graph.size());
        KnnFloatVectorField candidates = (KnnFloatVectorField) graph.get(0);
        assertEquals(VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT, candidates.fieldType().vectorSimilarityFunction());
        // the default encoding, one bucket without projection: the mean of the normalized rows (0.6, 0.8) and (0, 1)
        assertArrayEquals(new float[]{0.3f, 0.9f}, candidates.vectorValue(), 1e-6f);

        MapperService options = createMapperService(
            fieldMapping(
                b -> b.field("type", "multi_vector")
                    .field("dims", 8)
                    .field("index", true)
                    .startObject("index_options")
                    .field("repetitions", 2)
                    .field("bits", 2)
                    .field("projection", 4)
                    .endObject()
            )
        );
        String source = options.documentMapper().mappingSource().string();
        assertTrue(source, source.contains("\"index\":true") && source.contains("\"repetitions\":2,\"bits\":2,\"projection\":4"));
        assertEquals(
            2 * 4 * 4,
            ((MultiVectorFieldMapper.MultiVectorFieldType) options.fieldType("field")).candidateEncoding().dimensions()
        );
        assertNull(
            "not indexed: no candidate index",
            ((MultiVectorFieldMapper.MultiVectorFieldType) createMapperService(
                fieldMapping(b -> b.field("type", "multi_vector").field("dims", 2))
            ).fieldType("field")).candidateEncoding()
        );
        MapperParsingException unknown = expectThrows(
            MapperParsingException.class,
            () -> createMapperService(
                fieldMapping(
                    b -> b.field("type", "multi_vector")
                        .field("dims", 2)
                        .field("index", true)
                        .startObject("index_options")
                        .field("nope", 1)
                        .endObject()
                )
            )
        );
        assertTrue(
            DenseVectorFieldMapperTests.fullMessage(unknown),
            DenseVectorFieldMapperTests.fullMessage(unknown).contains("unknown parameter [index_options.nope]")
        );
    }

    public void testTokensLeftOutOfSourceAreStillIndexed() throws IOException {
        DocumentMapper mapper = createDocumentMapper(topMapping(b -> {
            b.startObject("_source").array("excludes", "field").endObject();
            b.startObject("properties").startObject("field").field("type", "multi_vector").field("dims", 2).endObject().endObject();
        }));
        ParsedDocument doc = mapper.parse(source("{\"field\": [[3, 4], [0, 2]]}"));
        assertEquals(
            "the field types page's advice: excluded from _source, kept for scoring",
            2,
            LateInteractionField.decode(vectorFields(doc).get(0).binaryValue()).length
        );
        String stored = doc.rootDoc().getField("_source").binaryValue().utf8ToString();
        assertEquals("{}", stored);
    }

    public void testMoreVectorsThanTheNodeCapNamesTheFieldAndTheSetting() throws IOException {
        DocumentMapper mapper = multiVectorMapper(2);
        MapperParsingException e = expectThrows(
            MapperParsingException.class,
            () -> mapper.parse(source("{\"field\": [[1, 0], [0, 1], [1, 1], [1, 2]]}"))
        );
        String message = DenseVectorFieldMapperTests.fullMessage(e);
        assertTrue(message, message.contains("field [field] holds more than 3 vectors"));
        assertTrue(message, message.contains(MultimodalSettings.MAX_VECTORS_PER_DOCUMENT.getKey()));
    }

    public void testRowOfTheWrongLengthNamesTheFieldAndTheDims() throws IOException {
        DocumentMapper mapper = multiVectorMapper(2);
        MapperParsingException e = expectThrows(
            MapperParsingException.class,
            () -> mapper.parse(source("{\"field\": [[1, 0], [1, 2, 3]]}"))
        );
        String message = DenseVectorFieldMapperTests.fullMessage(e);
        assertTrue(message, message.contains("field [field] expects vectors of 2 dims"));
    }

    public void testFlatArrayInsteadOfArrayOfVectorsIsRejected() throws IOException {
        DocumentMapper mapper = multiVectorMapper(2);
        MapperParsingException e = expectThrows(MapperParsingException.class, () -> mapper.parse(source("{\"field\": [1, 0]}")));
        assertTrue(DenseVectorFieldMapperTests.fullMessage(e), DenseVectorFieldMapperTests.fullMessage(e).contains("field [field]"));
    }

    public void testEmptyArrayOfVectorsIndexesNothing() throws IOException {
        ParsedDocument doc = multiVectorMapper(2).parse(source("{\"field\": []}"));
        assertEquals(List.of(), vectorFields(doc));
    }
}
