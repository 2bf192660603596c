package org.opensearch.multimodal.plugin;

import org.opensearch.ExceptionsHelper;
import org.opensearch.common.settings.ClusterSettings;
import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.common.ParsingException;
import org.opensearch.core.common.breaker.NoopCircuitBreaker;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.core.xcontent.MediaTypeRegistry;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.index.query.AbstractQueryBuilder;
import org.opensearch.ingest.Processor;
import org.opensearch.multimodal.FuzzScale;
import org.opensearch.multimodal.inference.InferenceService;
import org.opensearch.multimodal.inference.SingleExecutorInference;
import org.opensearch.multimodal.memory.RequestLimits;
import org.opensearch.multimodal.model.ModelRegistry;
import org.opensearch.multimodal.model.OnnxSessions;
import org.opensearch.multimodal.processor.EmbedImageProcessorFactory;
import org.opensearch.multimodal.processor.EmbedProductProcessorFactory;
import org.opensearch.multimodal.processor.EmbedTextProcessorFactory;
import org.opensearch.multimodal.query.rescore.LateInteractionRescorerBuilder;
import org.opensearch.multimodal.rest.EmbedRequest;
import org.opensearch.multimodal.settings.InferenceDevice;
import org.opensearch.multimodal.settings.MultimodalSettings;
import org.opensearch.search.SearchModule;
import org.opensearch.search.SearchService;
import org.opensearch.test.OpenSearchTestCase;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A seeded, bounded fuzz of every request body the plugin parses (issue 16, part 4): the {@code multimodal} query, the
 * {@code late_interaction} rescorer, {@code _embed}, and the three processors' configurations. Each valid seed body is
 * mutated (a value replaced by the wrong type, a huge, negative or non-finite number, odd unicode, a very long string,
 * a huge array, deep nesting; a key dropped or an unknown one added; the JSON text truncated) and parsed as OpenSearch
 * parses it. A body may be accepted or refused; refused, its status as the REST layer would compute it
 * ({@link ExceptionsHelper#status}) must be a 4xx, never a 5xx, and nothing may escape as an error. Counts per class
 * are logged. Mappings are fuzzed apart ({@code MappingFuzzTests}), where a mapper service is at hand.
 */
public final class RequestBodyFuzzTests extends OpenSearchTestCase {

    private static final int MUTANTS_PER_SEED = FuzzScale.times(150);

    private final SearchModule searchModule = new SearchModule(Settings.EMPTY, List.of(new MultimodalPlugin(Settings.EMPTY)));

    @Override
    protected NamedXContentRegistry xContentRegistry() {
        return new NamedXContentRegistry(searchModule.getNamedXContents());
    }

    /** What one parser does with one body's text; throws what the parser throws. */
    private interface BodyParser {

        void parse(String json) throws Exception;
    }

    private static final List<String> QUERIES = List.of(
        """
            {"multimodal": {"query_text": "red shoes", "retrievers": {"text": {"dense": {"field": "body_vec", "model": "bge-small-en-v1.5", "k": 20, "num_candidates": 50}}}}}""",
        """
            {"multimodal": {"query_text": "red shoes", "k": 50, "retrievers": {
              "bm25": {"lexical": {"query": {"match": {"title": "red shoes"}}, "k": 30}},
              "text": {"dense": {"field": "body_vec", "model": "bge-small-en-v1.5"}},
              "tokens": {"multi_vector": {"field": "body_tokens", "model": "bge-small-en-v1.5", "k": 10, "num_candidates": 40}}},
             "fusion": {"linear": {"normalization": "min_max", "weights": {"bm25": 0.3, "text": 0.7}}},
             "filter": {"term": {"topic": "fashion"}}}}""",
        """
            {"multimodal": {"query_text": "red shoes", "retrievers": {
              "bm25": {"lexical": {"match": {"title": "red shoes"}}},
              "tokens": {"multi_vector": {"field": "body_tokens"}}},
             "fusion": {"gqr": {"primary": "tokens", "complementary": ["bm25"], "pool_k": 10, "steps": 25, "learning_rate": 0.00005,
               "temperature": 1.0, "alpha": 0.5, "normalization": "min_max", "search_again": false}}}}""",
        """
            {"multimodal": {"query_vector": [0.1, 0.2, 0.3], "retrievers": {"v": {"dense": {"field": "v", "k": 3}}},
             "fusion": {"rrf": {"rank_constant": 60, "weights": {"v": 1}}}}}""",
        """
            {"multimodal": {"like": {"_index": "docs", "_id": "1"}, "retrievers": {"v": {"dense": {"field": "v"}}}}}"""
    );

    /**
     * The {@code late_interaction} object alone: OpenSearch's own rescore wrapper ({@code RescorerBuilder}) answers a
     * body cut inside it with a NullPointerException before any plugin parser runs, which this plugin cannot mend.
     */
    private static final List<String> RESCORERS = List.of("""
        {"field": "body_tokens", "query_text": "how do cells make energy",
          "model": "bge-small-en-v1.5", "score_mode": "total", "query_weight": 0.5, "rescore_query_weight": 2}""");

    private static final List<String> EMBEDS = List.of(
        """
            {"model": "bge-small-en-v1.5", "texts": ["a sentence", "another"], "purpose": "query", "token_vectors": true}""",
        """
            {"model": "clip", "images": ["aGVsbG8="], "token_vectors": false}"""
    );

    private static final Map<String, List<String>> PROCESSORS = Map.of(
        "embed_text",
        List.of("""
            {"model": "bge-small-en-v1.5", "field_map": {"body": "body_vec"}, "token_field_map": {"body": "body_tokens"},
             "batch_size": 16, "ignore_missing": true}""", """
            {"model": "bge-small-en-v1.5", "field_map": {"body": "body_vec"},
             "chunking": {"max_tokens": 256, "overlap_tokens": 25, "boundary": "sentence", "max_chunks": 8, "on_max_chunks": "fail"}}"""),
        "embed_image",
        List.of("""
            {"model": "fashion-image-demo", "field_map": {"photo": "photo_vec"}, "batch_size": 4, "ignore_missing": false}"""),
        "embed_product",
        List.of("""
            {"text_model": "bge-small-en-v1.5", "image_model": "fashion-image-demo", "text_fields": ["title", "colour"],
             "image_field": "image", "target_field": "product_vec", "weights": {"text": 0.5, "image": 0.5}}""")
    );

    private Map<String, Processor.Factory> processorFactories() {
        ModelRegistry registry = new ModelRegistry(
            List.of(Path.of(System.getProperty("tests.models.dir", "target/models"))),
            new OnnxSessions(InferenceDevice.CPU)
        );
        InferenceService inference = SingleExecutorInference.create(registry, null);
        RequestLimits limits = new RequestLimits(
            Settings.EMPTY,
            new ClusterSettings(
                Settings.EMPTY,
                Stream.concat(
                    MultimodalSettings.all().stream().filter(Setting::hasNodeScope),
                    Stream.of(SearchService.DEFAULT_SEARCH_TIMEOUT_SETTING) // the limits follow OpenSearch's default search timeout
                ).collect(Collectors.toSet())
            ),
            new NoopCircuitBreaker(MultimodalSettings.BREAKER_NAME)
        );
        return Map.of(
            "embed_text",
            new EmbedTextProcessorFactory(() -> inference, () -> limits),
            "embed_image",
            new EmbedImageProcessorFactory(() -> inference, () -> null, () -> limits),
            "embed_product",
            new EmbedProductProcessorFactory(() -> inference, () -> null)
        );
    }

    public void testEveryMutatedBodyIsAcceptedOrRefusedWithA4xx() throws Exception {
        Map<String, FuzzOutcomes.Parse> parsers = new LinkedHashMap<>();
        Map<String, List<String>> seeds = new LinkedHashMap<>();
        parsers.put("multimodal query", json -> {
            try (XContentParser parser = createParser(JsonXContent.jsonXContent, json)) {
                AbstractQueryBuilder.parseInnerQueryBuilder(parser);
            }
        });
        seeds.put("multimodal query", QUERIES);
        parsers.put("late_interaction rescorer", json -> {
            try (XContentParser parser = createParser(JsonXContent.jsonXContent, json)) {
                if (parser.nextToken() != XContentParser.Token.START_OBJECT) {
                    throw new ParsingException(parser.getTokenLocation(), "[late_interaction] must be an object");
                }
                LateInteractionRescorerBuilder.parser(() -> null).apply(parser);
            }
        });
        seeds.put("late_interaction rescorer", RESCORERS);
        parsers.put(
            "_embed",
            json -> EmbedRequest.parse(XContentHelper.convertToMap(new BytesArray(json), false, MediaTypeRegistry.JSON).v2(), 256)
        );
        seeds.put("_embed", EMBEDS);
        Map<String, Processor.Factory> factories = processorFactories();
        for (Map.Entry<String, List<String>> processor : PROCESSORS.entrySet()) {
            Processor.Factory factory = factories.get(processor.getKey());
            parsers.put(processor.getKey() + " config", json -> {
                Map<String, Object> config = XContentHelper.convertToMap(new BytesArray(json), false, MediaTypeRegistry.JSON).v2();
                factory.create(Map.of(), "tag", null, new HashMap<>(config));
            });
            seeds.put(processor.getKey() + " config", processor.getValue());
        }

        Random random = new Random(randomLong());
        FuzzOutcomes outcomes = new FuzzOutcomes();
        for (Map.Entry<String, FuzzOutcomes.Parse> parser : parsers.entrySet()) {
            for (String seed : seeds.get(parser.getKey())) {
                outcomes.run(parser.getKey(), seed, parser.getValue(), random, MUTANTS_PER_SEED);
            }
        }
        logger.info("fuzzed request bodies, by parser | mutation | outcome:\n{}", outcomes.table());
        assertEquals("bodies answered with a 5xx or an error", List.of(), outcomes.serverErrors());
        assertTrue("mutants refused", outcomes.anyRefused());
    }

}
