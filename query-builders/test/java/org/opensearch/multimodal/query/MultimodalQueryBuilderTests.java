package org.opensearch.multimodal.query;

import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.common.ParsingException;
import org.opensearch.core.common.Strings;
import org.opensearch.core.common.io.stream.NamedWriteableAwareStreamInput;
import org.opensearch.core.common.io.stream.NamedWriteableRegistry;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.MediaTypeRegistry;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.index.query.AbstractQueryBuilder;
import org.opensearch.index.query.MatchQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.TermQueryBuilder;
import org.opensearch.multimodal.math.ScoreNormalization;
import org.opensearch.multimodal.plugin.MultimodalPlugin;
import org.opensearch.multimodal.query.fusion.FusionSpec;
import org.opensearch.multimodal.query.fusion.GqrSpec;
import org.opensearch.multimodal.query.retriever.DenseRetriever;
import org.opensearch.multimodal.query.retriever.LexicalRetriever;
import org.opensearch.multimodal.query.retriever.LikeDocument;
import org.opensearch.multimodal.query.retriever.MultiVectorRetriever;
import org.opensearch.multimodal.query.retriever.RetrieverParams;
import org.opensearch.search.SearchModule;
import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The {@code multimodal} query as clients send it (JSON) and as nodes pass it to each other (transport). */
public final class MultimodalQueryBuilderTests extends OpenSearchTestCase {

    private static final String MODEL = "bge-small-en-v1.5";

    private final SearchModule searchModule = new SearchModule(Settings.EMPTY, List.of(new MultimodalPlugin(Settings.EMPTY)));

    @Override
    protected NamedXContentRegistry xContentRegistry() {
        return new NamedXContentRegistry(searchModule.getNamedXContents());
    }

    private QueryBuilder parse(String json) throws IOException {
        try (XContentParser parser = createParser(JsonXContent.jsonXContent, json)) {
            return AbstractQueryBuilder.parseInnerQueryBuilder(parser);
        }
    }

    private MultimodalQueryBuilder parseMultimodal(String body) throws IOException {
        return (MultimodalQueryBuilder) parse("{\"multimodal\": " + body + "}");
    }

    private static String retriever(String name, String field, String model, int k) {
        String modelPart = model == null ? "" : String.format(Locale.ROOT, "\"model\": \"%s\", ", model);
        return String.format(Locale.ROOT, "\"%s\": {\"dense\": {\"field\": \"%s\", %s\"k\": %d}}", name, field, modelPart, k);
    }

    private ParsingException parseError(String body) {
        return expectThrows(ParsingException.class, () -> parseMultimodal(body));
    }

    private static void assertMessageContains(Exception e, String expected) {
        assertTrue(String.format(Locale.ROOT, "[%s] should contain [%s]", e.getMessage(), expected), e.getMessage().contains(expected));
    }

    public void testJsonRoundTripGivesAnEqualQuery() throws IOException {
        MultimodalQueryBuilder parsed = parseMultimodal(
            "{\"query_text\": \"red shoes\", \"retrievers\": {"
                + retriever("text", "body_vec", MODEL, 25)
                + "}, \"filter\": {\"term\": {\"color\": \"red\"}}, \"boost\": 2.5, \"_name\": \"mm\"}"
        );
        assertEquals("red shoes", parsed.queryText());
        assertEquals(new DenseRetriever("body_vec", MODEL, 25), parsed.retrievers().get("text"));
        assertEquals(new TermQueryBuilder("color", "red"), parsed.filter());
        assertEquals(2.5f, parsed.boost(), 0f);
        assertEquals("mm", parsed.queryName());

        QueryBuilder reparsed = parse(Strings.toString(MediaTypeRegistry.JSON, parsed));
        assertEquals(parsed, reparsed);
        assertEquals(parsed.hashCode(), reparsed.hashCode());
    }

    public void testJsonRoundTripKeepsTheQueryVectorAndRetrieverOrder() throws IOException {
        MultimodalQueryBuilder parsed = parseMultimodal(
            "{\"query_vector\": [0.5, -1, 2e-3], \"retrievers\": {" + retriever("b", "f1", null, 3) + ", " + retriever("a", "f2", null, 4)
                + "}}"
        );
        assertArrayEquals(new float[]{0.5f, -1f, 0.002f}, parsed.queryVector(), 0f);
        assertEquals(List.of("b", "a"), List.copyOf(parsed.retrievers().keySet()));
        MultimodalQueryBuilder reparsed = (MultimodalQueryBuilder) parse(Strings.toString(MediaTypeRegistry.JSON, parsed));
        assertEquals(parsed, reparsed);
        assertEquals(List.of("b", "a"), List.copyOf(reparsed.retrievers().keySet()));
    }

    public void testTransportRoundTripGivesAnEqualQuery() throws IOException {
        Map<String, DenseRetriever> retrievers = new LinkedHashMap<>();
        retrievers.put("text", new DenseRetriever("body_vec", MODEL, 7));
        retrievers.put("image", new DenseRetriever("image_vec", null, 3));
        MultimodalQueryBuilder original = new MultimodalQueryBuilder(
            "red shoes",
            new float[]{1f, -2f, 3.5f},
            retrievers,
            new TermQueryBuilder("color", "red")
        ).boost(3f).queryName("named");

        NamedWriteableRegistry registry = new NamedWriteableRegistry(searchModule.getNamedWriteables());
        try (BytesStreamOutput out = new BytesStreamOutput()) {
            out.writeNamedWriteable(original);
            try (StreamInput in = new NamedWriteableAwareStreamInput(out.bytes().streamInput(), registry)) {
                MultimodalQueryBuilder read = (MultimodalQueryBuilder) in.readNamedWriteable(QueryBuilder.class);
                assertEquals(original, read);
                assertEquals(original.hashCode(), read.hashCode());
                assertEquals(List.of("text", "image"), List.copyOf(read.retrievers().keySet()));
                assertEquals(3f, read.boost(), 0f);
                assertEquals("named", read.queryName());
                assertEquals(new TermQueryBuilder("color", "red"), read.filter());
            }
        }
    }

    public void testLikeRoundTripsAndCannotBeMixedWithAQuery() throws IOException {
        MultimodalQueryBuilder parsed = parseMultimodal(
            "{\"like\": {\"_index\": \"products\", \"_id\": \"42\"}, \"retrievers\": {" + retriever("image", "photo_vec", null, 5) + "}}"
        );
        assertEquals(new LikeDocument("products", "42"), parsed.like());
        assertEquals(parsed, parse(Strings.toString(MediaTypeRegistry.JSON, parsed)));
        NamedWriteableRegistry registry = new NamedWriteableRegistry(searchModule.getNamedWriteables());
        try (BytesStreamOutput out = new BytesStreamOutput()) {
            out.writeNamedWriteable(parsed);
            try (StreamInput in = new NamedWriteableAwareStreamInput(out.bytes().streamInput(), registry)) {
                assertEquals(parsed, in.readNamedWriteable(QueryBuilder.class));
            }
        }
        assertMessageContains(
            parseError(
                "{\"like\": {\"_index\": \"p\", \"_id\": \"1\"}, \"query_text\": \"x\", \"retrievers\": {"
                    + retriever("r", "f", MODEL, 5) + "}}"
            ),
            "[like]"
        );
        assertMessageContains(
            parseError("{\"like\": {\"_index\": \"p\"}, \"retrievers\": {" + retriever("r", "f", null, 5) + "}}"),
            "[_id]"
        );
        assertMessageContains(
            parseError(
                "{\"like\": {\"_index\": \"p\", \"_id\": \"1\", \"x\": 1}, \"retrievers\": {"
                    + retriever("r", "f", null, 5) + "}}"
            ),
            "[like] unknown parameter [x]"
        );
    }

    public void testAnInnerQueryOpenSearchCannotParseIsA400NamingWhereItSits() {
        // OpenSearch's match parser fails on an array value with an exception the REST layer would answer with a 500
        for (String[] body : new String[][]{
            {"{\"query_text\": \"x\", \"retrievers\": {\"bm25\": {\"lexical\": {\"match\": {\"title\": []}}}}}",
                "[retrievers.bm25.lexical]"},
            {"{\"query_text\": \"x\", \"retrievers\": {\"bm25\": {\"lexical\": {\"query\": {\"match\": {\"title\": []}}}}}}",
                "[retrievers.bm25.lexical]"},
            {"{\"query_text\": \"x\", \"filter\": {\"match\": {\"title\": []}}, \"retrievers\": {" + retriever("d", "v", MODEL, 5) + "}}",
                "[multimodal.filter]"}}) {
            ParsingException e = parseError(body[0]);
            assertEquals(RestStatus.BAD_REQUEST, e.status());
            assertMessageContains(e, body[1]);
        }
    }

    public void testLexicalRetrieversAndFusionRoundTrip() throws IOException {
        MultimodalQueryBuilder parsed = parseMultimodal(
            "{\"query_text\": \"red shoes\", \"retrievers\": {"
                + "\"bm25\": {\"lexical\": {\"match\": {\"title\": \"red shoes\"}}}, "
                + "\"bm25_top50\": {\"lexical\": {\"query\": {\"term\": {\"color\": \"red\"}}, \"k\": 50}}, "
                + retriever("text", "body_vec", MODEL, 20)
                + "}, \"fusion\": {\"linear\": {\"normalization\": \"z_score\", \"weights\": {\"bm25\": 0.3, \"text\": 0.7}}}}"
        );
        assertEquals(
            "no k: the query's default",
            new LexicalRetriever(new MatchQueryBuilder("title", "red shoes"), MultimodalQueryBuilder.DEFAULT_K),
            parsed.retrievers().get("bm25")
        );
        assertEquals(new LexicalRetriever(new TermQueryBuilder("color", "red"), 50), parsed.retrievers().get("bm25_top50"));
        assertEquals(
            new FusionSpec("linear", 60, ScoreNormalization.Z_SCORE, Map.of("bm25", 0.3f, "text", 0.7f)),
            parsed.fusion()
        );
        assertEquals(parsed, parse(Strings.toString(MediaTypeRegistry.JSON, parsed)));
        NamedWriteableRegistry registry = new NamedWriteableRegistry(searchModule.getNamedWriteables());
        try (BytesStreamOutput out = new BytesStreamOutput()) {
            out.writeNamedWriteable(parsed);
            try (StreamInput in = new NamedWriteableAwareStreamInput(out.bytes().streamInput(), registry)) {
                assertEquals(parsed, in.readNamedWriteable(QueryBuilder.class));
            }
        }
        MultimodalQueryBuilder rrf = parseMultimodal(
            "{\"query_text\": \"x\", \"retrievers\": {" + retriever("a", "f", MODEL, 5)
                + "}, \"fusion\": {\"rrf\": {\"rank_constant\": 20}}}"
        );
        assertEquals(20, rrf.fusion().rankConstant());
    }

    public void testFusionErrorsNameTheParameter() {
        String retrievers = "\"retrievers\": {" + retriever("text", "f", MODEL, 5) + "}";
        assertMessageContains(
            parseError("{\"query_text\": \"x\", " + retrievers + ", \"fusion\": {\"rrf\": {\"weights\": {\"nope\": 1}}}}"),
            "[fusion.rrf.weights] names retriever [nope]"
        );
        assertMessageContains(
            parseError("{\"query_text\": \"x\", " + retrievers + ", \"fusion\": {\"borda\": {}}}"),
            "unknown method [borda]"
        );
        assertMessageContains(
            parseError("{\"query_text\": \"x\", " + retrievers + ", \"fusion\": {\"linear\": {\"normalization\": \"softmax\"}}}"),
            "[softmax]"
        );
        assertMessageContains(
            parseError("{\"query_text\": \"x\", " + retrievers + ", \"fusion\": {\"rrf\": {\"normalization\": \"l2\"}}}"),
            "[normalization] belongs to [linear]"
        );
        assertMessageContains(
            parseError("{\"query_text\": \"x\", " + retrievers + ", \"fusion\": {\"linear\": {\"weights\": {\"text\": -1}}}}"),
            "[fusion.linear.weights.text]"
        );
        assertMessageContains(
            parseError("{\"query_text\": \"x\", \"retrievers\": {\"b\": {\"lexical\": {\"query\": {\"match_all\": {}}, \"k\": 0}}}}"),
            "[retrievers.b.lexical.k] must be between 1 and 10000, got [0]"
        );
    }

    public void testKOutOfRangeIsRejectedNamingK() {
        for (int k : new int[]{0, RetrieverParams.MAX_K + 1}) {
            ParsingException e = parseError("{\"query_text\": \"x\", \"retrievers\": {" + retriever("r", "f", MODEL, k) + "}}");
            assertMessageContains(e, "[retrievers.r.dense.k] must be between 1 and 10000");
            assertMessageContains(e, "[" + k + "]");
        }
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> new DenseRetriever("f", MODEL, -1));
        assertMessageContains(e, "[k]");
    }

    public void testRetrieversWithoutKProposeTheQuerysK() throws IOException {
        String lexical = "\"bm25\": {\"lexical\": {\"match\": {\"title\": \"x\"}}}";
        String dense = "\"text\": {\"dense\": {\"field\": \"v\", \"model\": \"" + MODEL + "\"}}";
        MultimodalQueryBuilder defaults = parseMultimodal("{\"query_text\": \"x\", \"retrievers\": {" + lexical + ", " + dense + "}}");
        assertEquals("a lexical top 100 beside a dense top 100", 100, defaults.retrievers().get("bm25").k());
        assertEquals(100, defaults.retrievers().get("text").k());

        MultimodalQueryBuilder queryK = parseMultimodal(
            "{\"retrievers\": {" + lexical + ", " + dense + ", " + retriever("own", "v", MODEL, 7) + "}, \"query_text\": \"x\", \"k\": 30}"
        );
        assertEquals("the query's k, wherever it is in the object", 30, queryK.retrievers().get("bm25").k());
        assertEquals(30, queryK.retrievers().get("text").k());
        assertEquals("a retriever's own k wins", 7, queryK.retrievers().get("own").k());
        assertEquals(queryK, parse(Strings.toString(MediaTypeRegistry.JSON, queryK)));

        for (int k : new int[]{0, RetrieverParams.MAX_K + 1}) {
            assertMessageContains(
                parseError("{\"query_text\": \"x\", \"k\": " + k + ", \"retrievers\": {" + dense + "}}"),
                "[multimodal.k] must be between 1 and 10000, got [" + k + "]"
            );
        }
    }

    public void testNumCandidatesWidensTheHnswBeamAndIsCheckedAgainstK() throws IOException {
        MultimodalQueryBuilder parsed = parseMultimodal(
            "{\"query_text\": \"x\", \"retrievers\": {\"text\": {\"dense\": {\"field\": \"v\", \"model\": \""
                + MODEL
                + "\", \"k\": 50, \"num_candidates\": 500}}}}"
        );
        DenseRetriever dense = (DenseRetriever) parsed.retrievers().get("text");
        assertEquals(new DenseRetriever("v", MODEL, 50, null, 500), dense); // its beam: DenseRetrieverTests
        roundTrips(parsed);
        assertMessageContains(
            parseError(
                "{\"query_text\": \"x\", \"retrievers\": {\"t\": {\"dense\": {\"field\": \"v\", \"k\": 50, \"num_candidates\": 20}}}}"
            ),
            "[num_candidates] must be between [k] (50) and 10000, got [20]"
        );
        assertMessageContains(
            parseError(
                "{\"query_text\": \"x\", \"k\": 80, \"retrievers\": {\"t\": {\"dense\": {\"field\": \"v\", \"num_candidates\": 60}}}}"
            ),
            "[num_candidates] must be between [k] (80) and 10000, got [60]"
        );
        assertMessageContains(
            parseError("{\"query_text\": \"x\", \"retrievers\": {\"t\": {\"dense\": {\"field\": \"v\", \"num_candidates\": 0}}}}"),
            "[retrievers.t.dense.num_candidates] must be between 1 and 10000, got [0]"
        );
    }

    public void testEmptyRetrieversAreRejected() {
        assertMessageContains(parseError("{\"query_text\": \"x\", \"retrievers\": {}}"), "[retrievers]");
        assertMessageContains(parseError("{\"query_text\": \"x\"}"), "[retrievers]");
        IllegalArgumentException e = expectThrows(
            IllegalArgumentException.class,
            () -> new MultimodalQueryBuilder("x", null, Map.of(), null)
        );
        assertMessageContains(e, "[retrievers]");
    }

    public void testQueryNeedsTextOrVector() {
        ParsingException e = parseError("{\"retrievers\": {" + retriever("r", "f", MODEL, 5) + "}}");
        assertMessageContains(e, "[query_text]");
        assertMessageContains(e, "[query_vector]");
    }

    public void testUnknownTopLevelKeyIsRejectedByName() {
        ParsingException e = parseError("{\"query_text\": \"x\", \"retrievers\": {" + retriever("r", "f", MODEL, 5) + "}, \"size\": 3}");
        assertMessageContains(e, "[multimodal] unknown parameter [size]");
        ParsingException objectValue = parseError(
            "{\"query_text\": \"x\", \"rescore\": {}, \"retrievers\": {" + retriever("r", "f", MODEL, 5) + "}}"
        );
        assertMessageContains(objectValue, "unknown parameter [rescore]");
    }

    public void testUnknownRetrieverTypeIsRejectedByName() {
        ParsingException e = parseError("{\"query_text\": \"x\", \"retrievers\": {\"r\": {\"sparse\": {\"field\": \"f\"}}}}");
        assertMessageContains(e, "[retrievers.r] unknown retriever type [sparse]");
    }

    public void testUnknownRetrieverParameterIsRejectedByName() {
        ParsingException e = parseError("{\"query_text\": \"x\", \"retrievers\": {\"r\": {\"dense\": {\"field\": \"f\", \"num\": 3}}}}");
        assertMessageContains(e, "unknown parameter [num]");
    }

    public void testDuplicateRetrieverNameIsRejected() {
        Exception e = expectThrows(
            Exception.class,
            () -> parseMultimodal(
                "{\"query_text\": \"x\", \"retrievers\": {" + retriever("r", "f1", MODEL, 5) + ", " + retriever("r", "f2", MODEL, 5) + "}}"
            )
        );
        // strict JSON duplicate detection answers before the query's own check; either way the error names the retriever
        String message = e.getMessage().toLowerCase(Locale.ROOT);
        assertTrue(message, message.contains("duplicate"));
        assertTrue(message, message.contains("\"r\"") || message.contains("[r]"));
    }

    public void testAModelLeftOutIsLeftToTheFieldsMapping() throws IOException {
        // encoded on a node with the model its field's mapping names (FieldModelClusterTests); no mapping names one: a 400 there
        MultimodalQueryBuilder unnamed = parseMultimodal("{\"query_text\": \"x\", \"retrievers\": {" + retriever("r", "f", null, 5) + "}}");
        assertNull(((DenseRetriever) unnamed.retrievers().get("r")).model());
        roundTrips(unnamed);
        MultimodalQueryBuilder withVector = new MultimodalQueryBuilder(
            null,
            new float[]{1f},
            Map.of("r", new DenseRetriever("f", null, 5)),
            null
        );
        assertNull("a query vector needs no model", ((DenseRetriever) withVector.retrievers().get("r")).model());
    }

    public void testQueryVectorValueThatOverflowsFloatIsRejected() {
        ParsingException e = parseError("{\"query_vector\": [0.5, 1e40], \"retrievers\": {" + retriever("r", "f", null, 5) + "}}");
        assertMessageContains(e, "[query_vector] has a non-finite value");
        assertMessageContains(e, "position 1");
        IllegalArgumentException nan = expectThrows(
            IllegalArgumentException.class,
            () -> new MultimodalQueryBuilder(null, new float[]{Float.NaN}, Map.of("r", new DenseRetriever("f", null, 5)), null)
        );
        assertMessageContains(nan, "query_vector");
    }

    public void testQueryVectorMustHoldNumbers() {
        assertMessageContains(
            parseError("{\"query_vector\": [], \"retrievers\": {" + retriever("r", "f", null, 5) + "}}"),
            "[query_vector]"
        );
        assertMessageContains(
            parseError("{\"query_vector\": [\"1\"], \"retrievers\": {" + retriever("r", "f", null, 5) + "}}"),
            "[query_vector] must be an array of numbers"
        );
    }

    private static final String THREE_RETRIEVERS = "\"retrievers\": {\"bm25\": {\"lexical\": {\"match\": {\"title\": \"x\"}}}, "
        + "\"text\": {\"dense\": {\"field\": \"v\", \"model\": \"" + MODEL + "\", \"k\": 50}}, "
        + "\"tokens\": {\"multi_vector\": {\"field\": \"t\", \"model\": \"" + MODEL + "\"}}}";

    private MultimodalQueryBuilder roundTrips(MultimodalQueryBuilder parsed) throws IOException {
        assertEquals(parsed, parse(Strings.toString(MediaTypeRegistry.JSON, parsed)));
        NamedWriteableRegistry registry = new NamedWriteableRegistry(searchModule.getNamedWriteables());
        try (BytesStreamOutput out = new BytesStreamOutput()) {
            out.writeNamedWriteable(parsed);
            try (StreamInput in = new NamedWriteableAwareStreamInput(out.bytes().streamInput(), registry)) {
                MultimodalQueryBuilder read = (MultimodalQueryBuilder) in.readNamedWriteable(QueryBuilder.class);
                assertEquals(parsed, read);
                return read;
            }
        }
    }

    public void testGqrWithAMultiVectorPrimaryRoundTripsAndTakesItsKindsDefaults() throws IOException {
        MultimodalQueryBuilder parsed = parseMultimodal(
            "{\"query_text\": \"x\", " + THREE_RETRIEVERS
                + ", \"fusion\": {\"gqr\": {\"primary\": \"tokens\", \"complementary\": [\"bm25\", \"text\"], \"pool_k\": 12, \"alpha\": 0.25}}}"
        );
        assertEquals(new MultiVectorRetriever("t", MODEL, MultimodalQueryBuilder.DEFAULT_K, 0), parsed.retrievers().get("tokens"));
        GqrSpec gqr = parsed.fusion().gqr();
        assertEquals("tokens", gqr.primary());
        assertEquals(List.of("bm25", "text"), gqr.complementary());
        assertEquals(12, gqr.poolK());
        assertEquals(0.25f, gqr.alpha(), 0f);
        assertNull("unset: the primary's kind's default (GqrSpecTests)", gqr.steps());
        assertNull(gqr.learningRate());
        roundTrips(parsed);

        MultimodalQueryBuilder dense = parseMultimodal(
            "{\"query_text\": \"x\", " + THREE_RETRIEVERS
                + ", \"fusion\": {\"gqr\": {\"primary\": \"text\", \"steps\": 0, \"learning_rate\": 0.01, \"temperature\": 2, \"normalization\": \"none\"}}}"
        );
        assertEquals(Integer.valueOf(0), dense.fusion().gqr().steps());
        assertEquals("unset: every other retriever (GqrSpecTests)", List.of(), dense.fusion().gqr().complementary());
        assertFalse("search_again is off by default", dense.fusion().gqr().searchAgain());
        roundTrips(dense);

        MultimodalQueryBuilder again = parseMultimodal(
            "{\"query_text\": \"x\", " + THREE_RETRIEVERS + ", \"fusion\": {\"gqr\": {\"primary\": \"text\", \"search_again\": true}}}"
        );
        assertTrue(again.fusion().gqr().searchAgain());
        roundTrips(again);
    }

    public void testGqrErrorsNameTheParameter() throws IOException {
        String prefix = "{\"query_text\": \"x\", " + THREE_RETRIEVERS + ", \"fusion\": {\"gqr\": {";
        assertMessageContains(parseError(prefix + "\"primary\": \"bm25\"}}}"), "[fusion.gqr.primary] retriever [bm25] is lexical");
        assertMessageContains(parseError(prefix + "\"primary\": \"nope\"}}}"), "[fusion.gqr.primary] names retriever [nope]");
        assertMessageContains(
            parseError(prefix + "\"primary\": \"text\", \"complementary\": [\"bm9\"]}}}"),
            "[fusion.gqr.complementary] names retriever [bm9]"
        );
        assertMessageContains(
            parseError(prefix + "\"primary\": \"text\", \"complementary\": [\"bm25\", \"bm25\"]}}}"),
            "names [bm25] twice"
        );
        assertMessageContains(
            parseError(prefix + "\"primary\": \"text\", \"pool_k\": 0}}}"),
            "[fusion.gqr.pool_k] must be between 1 and 10000"
        );
        assertMessageContains(parseError(prefix + "\"primary\": \"text\", \"pool_k\": 10001}}}"), "[fusion.gqr.pool_k]");
        assertMessageContains(
            parseError(prefix + "\"primary\": \"text\", \"steps\": 1001}}}"),
            "[fusion.gqr.steps] must be between 0 and 1000"
        );
        assertMessageContains(parseError(prefix + "\"primary\": \"text\", \"temperature\": 0}}}"), "[fusion.gqr.temperature] must be > 0");
        assertMessageContains(
            parseError(prefix + "\"primary\": \"text\", \"alpha\": 1.5}}}"),
            "[fusion.gqr.alpha] must be between 0 and 1"
        );
        assertMessageContains(parseError(prefix + "\"primary\": \"text\", \"alpha\": -0.1}}}"), "[fusion.gqr.alpha]");
        assertMessageContains(parseError(prefix + "\"primary\": \"text\", \"learning_rate\": 0}}}"), "[fusion.gqr.learning_rate]");
        assertMessageContains(
            parseError(prefix + "\"primary\": \"text\", \"normalization\": \"z_score\"}}}"),
            "[fusion.gqr.normalization]"
        );
        assertMessageContains(parseError(prefix + "\"primary\": \"text\", \"bogus\": 1}}}"), "[fusion.gqr] unknown parameter [bogus]");
        assertMessageContains(parseError(prefix + "\"complementary\": [\"bm25\"]}}}"), "[fusion.gqr.primary] is required");
        assertMessageContains(
            parseError(prefix + "\"primary\": \"text\", \"search_again\": \"yes\"}}}"),
            "[fusion.gqr.search_again] must be true or false, got [yes]"
        );
        // a multi-vector primary may search again where its field has an index: the shard decides (a 400 there otherwise)
        roundTrips(parseMultimodal(prefix + "\"primary\": \"tokens\", \"search_again\": true}}}"));
    }

    public void testMultiVectorRetrieverNeedsTextAndARetrieverThatProposesCandidates() throws IOException {
        String tokensOnly = "\"retrievers\": {\"tokens\": {\"multi_vector\": {\"field\": \"t\", \"model\": \"" + MODEL + "\"}}}";
        MultimodalQueryBuilder alone = parseMultimodal("{\"query_text\": \"x\", " + tokensOnly + "}");
        assertEquals("it proposes the query's k where its field has an index", 100, alone.retrievers().get("tokens").k());
        assertMessageContains(
            parseError("{\"query_vector\": [1, 2], " + THREE_RETRIEVERS + "}"),
            "[retrievers.tokens.multi_vector] needs [query_text]"
        );
        MultimodalQueryBuilder tokensWithoutModel = parseMultimodal(
            "{\"query_text\": \"x\", \"retrievers\": {\"a\": {\"dense\": {\"field\": \"v\", \"model\": \"m\"}}, "
                + "\"t\": {\"multi_vector\": {\"field\": \"t\"}}}}"
        );
        assertNull("left to the field's mapping", ((MultiVectorRetriever) tokensWithoutModel.retrievers().get("t")).model());
        roundTrips(tokensWithoutModel);
        assertMessageContains(
            parseError(
                "{\"query_text\": \"x\", \"retrievers\": {\"a\": {\"dense\": {\"field\": \"v\", \"model\": \"m\"}}, "
                    + "\"t\": {\"multi_vector\": {\"field\": \"t\", \"model\": \"m\", \"top\": 5}}}}"
            ),
            "[retrievers.t.multi_vector] unknown parameter [top]"
        );
        MultimodalQueryBuilder withK = parseMultimodal(
            "{\"query_text\": \"x\", \"retrievers\": {\"t\": {\"multi_vector\": {\"field\": \"t\", \"model\": \"m\", \"k\": 5, "
                + "\"num_candidates\": 80}}}}"
        );
        assertEquals(new MultiVectorRetriever("t", "m", 5, 80), withK.retrievers().get("t"));
        roundTrips(withK);
        assertMessageContains(
            parseError(
                "{\"query_text\": \"x\", \"retrievers\": {\"t\": {\"multi_vector\": {\"field\": \"t\", \"k\": 5, \"num_candidates\": 2}}}}"
            ),
            "[num_candidates] must be between [k] (5) and 10000, got [2]"
        );
    }

    public void testQueryImageFeedsImageInputRetrievers() throws IOException {
        MultimodalQueryBuilder parsed = parseMultimodal(
            "{\"query_text\": \"red dress\", \"query_image\": \"https://example.com/a.jpg\", \"retrievers\": {"
                + "\"text\": {\"dense\": {\"field\": \"v\", \"model\": \"m\"}}, "
                + "\"image\": {\"dense\": {\"field\": \"p\", \"model\": \"clip\", \"input\": \"image\"}}}}"
        );
        assertEquals("https://example.com/a.jpg", parsed.queryImage());
        assertEquals("image", ((DenseRetriever) parsed.retrievers().get("image")).input());
        roundTrips(parsed);
        MultimodalQueryBuilder imageOnly = parseMultimodal(
            "{\"query_image\": \"/9j/4AAQ\", \"retrievers\": {\"image\": {\"dense\": {\"field\": \"p\", \"model\": \"clip\"}}}}"
        );
        assertEquals(new DenseRetriever("p", "clip", MultimodalQueryBuilder.DEFAULT_K), imageOnly.retrievers().get("image"));
        assertMessageContains(
            parseError(
                "{\"query_text\": \"x\", \"retrievers\": {\"image\": {\"dense\": {\"field\": \"p\", \"model\": \"clip\", \"input\": \"image\"}}}}"
            ),
            "[retrievers.image.dense.input] is [image] but the query has no [query_image]"
        );
        assertMessageContains(
            parseError(
                "{\"query_text\": \"x\", \"retrievers\": {\"image\": {\"dense\": {\"field\": \"p\", \"model\": \"clip\", \"input\": \"audio\"}}}}"
            ),
            "[input] must be [text] or [image]"
        );
    }
}
