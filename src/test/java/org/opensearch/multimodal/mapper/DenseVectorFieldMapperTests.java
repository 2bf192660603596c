package org.opensearch.multimodal.mapper;

import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.VectorUtil;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.index.mapper.DocumentMapper;
import org.opensearch.index.mapper.MapperParsingException;
import org.opensearch.index.mapper.MapperService;
import org.opensearch.index.mapper.MapperServiceTestCase;
import org.opensearch.index.mapper.ParsedDocument;
import org.opensearch.multimodal.plugin.MultimodalPlugin;
import org.opensearch.plugins.Plugin;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The {@code dense_vector} field as users map it and index documents into it. */
public final class DenseVectorFieldMapperTests extends MapperServiceTestCase {

    @Override
    protected Collection<? extends Plugin> getPlugins() {
        return List.of(new MultimodalPlugin(Settings.EMPTY));
    }

    private DocumentMapper vectorMapper(String similarity, int dims) throws IOException {
        return createDocumentMapper(fieldMapping(b -> b.field("type", "dense_vector").field("dims", dims).field("similarity", similarity)));
    }

    /** The message of {@code e} and of all its causes, so a test sees what a user sees in the error response. */
    static String fullMessage(Throwable e) {
        StringBuilder message = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            message.append(t.getMessage()).append(" | ");
        }
        return message.toString();
    }

    private static KnnFloatVectorField indexedVector(ParsedDocument doc) {
        List<IndexableField> fields = doc.rootDoc().getFields().stream().filter(f -> f.name().equals("field")).toList();
        assertEquals("one vector field per document: " + fields, 1, fields.size());
        return (KnnFloatVectorField) fields.get(0);
    }

    @SuppressWarnings("unchecked")
    public void testMappingRoundTripKeepsDimsSimilarityAndIndexOptions() throws IOException {
        MapperService mapperService = createMapperService(
            fieldMapping(
                b -> b.field("type", "dense_vector")
                    .field("dims", 8)
                    .field("similarity", "dot_product")
                    .startObject("index_options")
                    .field("m", 32)
                    .field("ef_construction", 200)
                    .endObject()
            )
        );
        String source = mapperService.documentMapper().mappingSource().string();
        Map<String, Object> mapping = XContentHelper.convertToMap(JsonXContent.jsonXContent, source, false);
        Map<String, Object> field = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) mapping.get("_doc"))
            .get("properties"))
            .get("field");
        assertEquals("dense_vector", field.get("type"));
        assertEquals(8, field.get("dims"));
        assertEquals("dot_product", field.get("similarity"));
        assertEquals(Map.of("m", 32, "ef_construction", 200), field.get("index_options"));

        MapperService reparsed = createMapperService("_doc", source);
        assertEquals("serialized mapping parses back to the same mapping", source, reparsed.documentMapper().mappingSource().string());
        DenseVectorFieldMapper.DenseVectorFieldType fieldType = (DenseVectorFieldMapper.DenseVectorFieldType) reparsed.fieldType("field");
        assertEquals(8, fieldType.dims());
        assertEquals(VectorSimilarity.DOT_PRODUCT, fieldType.similarity());
        assertEquals(new HnswOptions(32, 200), fieldType.hnswOptions());
    }

    public void testDimsAreAlwaysSerializedAndCosineIsTheDefault() throws IOException {
        MapperService mapperService = createMapperService(fieldMapping(b -> b.field("type", "dense_vector").field("dims", 3)));
        String source = mapperService.documentMapper().mappingSource().string();
        assertTrue(source, source.contains("\"dims\":3"));
        assertEquals(
            VectorSimilarity.COSINE,
            ((DenseVectorFieldMapper.DenseVectorFieldType) mapperService.fieldType("field")).similarity()
        );
    }

    public void testMissingDimsIsRejected() {
        MapperParsingException e = expectThrows(
            MapperParsingException.class,
            () -> createMapperService(fieldMapping(b -> b.field("type", "dense_vector")))
        );
        assertTrue(fullMessage(e), fullMessage(e).contains("[dims]"));
    }

    public void testUnknownIndexOptionIsRejected() {
        MapperParsingException e = expectThrows(
            MapperParsingException.class,
            () -> createMapperService(
                fieldMapping(b -> b.field("type", "dense_vector").field("dims", 3).startObject("index_options").field("mm", 3).endObject())
            )
        );
        assertTrue(fullMessage(e), fullMessage(e).contains("index_options.mm"));
    }

    public void testWrongVectorLengthNamesTheFieldAndTheExpectedDims() throws IOException {
        DocumentMapper mapper = vectorMapper("cosine", 4);
        MapperParsingException e = expectThrows(MapperParsingException.class, () -> mapper.parse(source("{\"field\": [1, 2, 3]}")));
        String message = fullMessage(e);
        assertTrue(message, message.contains("field [field]"));
        assertTrue(message, message.contains("4 dims"));
        assertTrue(message, message.contains("vector of 3"));
    }

    public void testValueThatOverflowsFloatIsRejected() throws IOException {
        DocumentMapper mapper = vectorMapper("l2_norm", 3);
        MapperParsingException e = expectThrows(MapperParsingException.class, () -> mapper.parse(source("{\"field\": [0.5, 1e40, 0]}")));
        String message = fullMessage(e);
        assertTrue(message, message.contains("field [field] has a non-finite value"));
        assertTrue(message, message.contains("position 1"));
    }

    public void testStringsInTheArrayAreRejected() throws IOException {
        DocumentMapper mapper = vectorMapper("l2_norm", 3);
        MapperParsingException e = expectThrows(
            MapperParsingException.class,
            () -> mapper.parse(source("{\"field\": [\"1\", \"2\", \"3\"]}"))
        );
        String message = fullMessage(e);
        assertTrue(message, message.contains("field [field] expects an array of 3 numbers"));
    }

    public void testCosineIndexesTheNormalizedVector() throws IOException {
        DocumentMapper mapper = vectorMapper("cosine", 3);
        KnnFloatVectorField field = indexedVector(mapper.parse(source("{\"field\": [3, 0, 4]}")));
        assertArrayEquals(new float[]{0.6f, 0f, 0.8f}, field.vectorValue(), 1e-6f);
        assertEquals(VectorSimilarityFunction.DOT_PRODUCT, field.fieldType().vectorSimilarityFunction());
        assertEquals(1.0, VectorUtil.dotProduct(field.vectorValue(), field.vectorValue()), 1e-6);
    }

    public void testCosineRejectsTheZeroVector() throws IOException {
        DocumentMapper mapper = vectorMapper("cosine", 3);
        MapperParsingException e = expectThrows(MapperParsingException.class, () -> mapper.parse(source("{\"field\": [0, 0, 0]}")));
        assertTrue(fullMessage(e), fullMessage(e).contains("field [field] uses cosine similarity and cannot index a zero vector"));
    }

    public void testDotProductAndL2NormKeepTheRawVectorWithTheirLuceneFunction() throws IOException {
        Map<String, VectorSimilarityFunction> expected = Map.of(
            "dot_product",
            VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT,
            "l2_norm",
            VectorSimilarityFunction.EUCLIDEAN
        );
        for (Map.Entry<String, VectorSimilarityFunction> similarity : expected.entrySet()) {
            KnnFloatVectorField field = indexedVector(vectorMapper(similarity.getKey(), 3).parse(source("{\"field\": [3, 0, 4]}")));
            String what = String.format(Locale.ROOT, "similarity [%s]", similarity.getKey());
            assertEquals(what, similarity.getValue(), field.fieldType().vectorSimilarityFunction());
            assertArrayEquals(what, new float[]{3f, 0f, 4f}, field.vectorValue(), 0f);
            assertEquals(what, 3, field.fieldType().vectorDimension());
        }
    }

    public void testDocumentWithoutTheFieldIndexesNoVector() throws IOException {
        ParsedDocument doc = vectorMapper("cosine", 3).parse(source("{\"other\": 1}"));
        assertNull(doc.rootDoc().getField("field"));
    }
}
