package org.opensearch.multimodal.plugin;

import org.opensearch.common.settings.Settings;
import org.opensearch.index.mapper.DocumentMapper;
import org.opensearch.index.mapper.MapperServiceTestCase;
import org.opensearch.multimodal.FuzzScale;
import org.opensearch.plugins.Plugin;

import java.util.Collection;
import java.util.List;
import java.util.Random;

/**
 * The seeded fuzz of {@code RequestBodyFuzzTests} for what a mapper service parses (issue 16, part 4): the
 * {@code dense_vector} and {@code multi_vector} mappings, and documents' values for both fields (arrays, packed
 * base64). Each mutated mapping or document is accepted or refused with a 4xx, never a 5xx or an error.
 */
public final class MappingFuzzTests extends MapperServiceTestCase {

    private static final int MUTANTS_PER_SEED = FuzzScale.times(150);

    private static final List<String> MAPPINGS = List.of(
        """
            {"_doc": {"properties": {"v": {"type": "dense_vector", "dims": 3, "similarity": "cosine", "model": "bge-small-en-v1.5",
              "index": true}}}}""",
        """
            {"_doc": {"properties": {"t": {"type": "multi_vector", "dims": 3, "encoding": "int8", "pool_factor": 2,
              "model": "bge-small-en-v1.5", "index": true,
              "index_options": {"repetitions": 1, "bits": 0, "projection": 0, "m": 16, "ef_construction": 100}}}}}""",
        """
            {"_doc": {"properties": {"c": {"type": "dense_vector", "dims": 3, "similarity": "cosine", "chunked": true,
              "chunking": "token_windows(max_tokens=256,overlap_tokens=25,boundary=sentence)"}}}}"""
    );

    private static final String DOCUMENT_MAPPING = """
        {"_doc": {"properties": {"v": {"type": "dense_vector", "dims": 3, "similarity": "cosine"},
          "t": {"type": "multi_vector", "dims": 3, "encoding": "int8", "pool_factor": 2},
          "f": {"type": "multi_vector", "dims": 3},
          "c": {"type": "dense_vector", "dims": 3, "similarity": "cosine", "chunked": true}}}}""";

    private static final List<String> DOCUMENTS = List.of(
        """
            {"v": [0.1, 0.2, 0.3], "t": [[1, 0, 0], [0, 1, 0], [0.5, 0.5, 0]], "f": [[1, 2, 3]]}""",
        // a row packed as a client may send it: version 1, float32 (0), 3 dims, the row (1, 0, 0)
        """
            {"f": "AQADAAAAgD8AAAAAAAAAAA=="}""",
        """
            {"c": {"vectors": [[0.1, 0.2, 0.3], [0.3, 0.2, 0.1]], "offsets": [[0, 0, 12], [0, 10, 25]], "text_field": "body",
              "text_hash": "abc"}}"""
    );

    @Override
    protected Collection<? extends Plugin> getPlugins() {
        return List.of(new MultimodalPlugin(Settings.EMPTY));
    }

    public void testEveryMutatedMappingAndDocumentIsAcceptedOrRefusedWithA4xx() throws Exception {
        Random random = new Random(randomLong());
        FuzzOutcomes outcomes = new FuzzOutcomes();
        DocumentMapper documents = createMapperService("_doc", DOCUMENT_MAPPING).documentMapper();
        for (String seed : MAPPINGS) {
            outcomes.run("mapping", seed, json -> createMapperService("_doc", json), random, MUTANTS_PER_SEED);
        }
        for (String seed : DOCUMENTS) {
            outcomes.run("document", seed, json -> documents.parse(source(json)), random, MUTANTS_PER_SEED);
        }
        logger.info("fuzzed mappings and documents, by kind | mutation | outcome:\n{}", outcomes.table());
        assertEquals("mappings or documents answered with a 5xx or an error", List.of(), outcomes.serverErrors());
        assertTrue("mutants refused", outcomes.anyRefused());
    }
}
