package org.opensearch.multimodal.query.rescore;

import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.common.ParsingException;
import org.opensearch.core.common.Strings;
import org.opensearch.core.common.io.stream.NamedWriteableAwareStreamInput;
import org.opensearch.core.common.io.stream.NamedWriteableRegistry;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.xcontent.MediaTypeRegistry;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.multimodal.plugin.MultimodalPlugin;
import org.opensearch.search.SearchModule;
import org.opensearch.search.rescore.RescorerBuilder;
import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.util.List;

/** The {@code late_interaction} rescore section as clients send it and as nodes pass it on. */
public final class LateInteractionRescorerBuilderTests extends OpenSearchTestCase {

    private final SearchModule searchModule = new SearchModule(Settings.EMPTY, List.of(new MultimodalPlugin(Settings.EMPTY)));

    @Override
    protected NamedXContentRegistry xContentRegistry() {
        return new NamedXContentRegistry(searchModule.getNamedXContents());
    }

    private RescorerBuilder<?> parse(String json) throws IOException {
        try (XContentParser parser = createParser(JsonXContent.jsonXContent, json)) {
            parser.nextToken();
            return RescorerBuilder.parseFromXContent(parser);
        }
    }

    public void testParsesRoundTripsAndDefaultsToReplace() throws IOException {
        LateInteractionRescorerBuilder parsed = (LateInteractionRescorerBuilder) parse(
            "{\"window_size\": 100, \"late_interaction\": {\"field\": \"body_tokens\", \"query_text\": \"red shoes\", \"model\": \"bge-small-en-v1.5\"}}"
        );
        assertEquals(Integer.valueOf(100), parsed.windowSize());
        assertTrue(
            Strings.toString(MediaTypeRegistry.JSON, parsed),
            Strings.toString(MediaTypeRegistry.JSON, parsed).contains("\"score_mode\":\"replace\"")
        );
        assertEquals(parsed, parse(Strings.toString(MediaTypeRegistry.JSON, parsed)));
        NamedWriteableRegistry registry = new NamedWriteableRegistry(searchModule.getNamedWriteables());
        try (BytesStreamOutput out = new BytesStreamOutput()) {
            out.writeNamedWriteable(parsed);
            try (StreamInput in = new NamedWriteableAwareStreamInput(out.bytes().streamInput(), registry)) {
                assertEquals(parsed, in.readNamedWriteable(RescorerBuilder.class));
            }
        }
        LateInteractionRescorerBuilder weighted = (LateInteractionRescorerBuilder) parse(
            "{\"late_interaction\": {\"field\": \"t\", \"query_text\": \"q\", \"model\": \"m\", \"score_mode\": \"total\", \"query_weight\": 0.3, \"rescore_query_weight\": 2}}"
        );
        assertNotEquals(parsed, weighted);
        assertEquals(weighted, parse(Strings.toString(MediaTypeRegistry.JSON, weighted)));
    }

    public void testErrorsNameTheParameter() {
        assertMessage("{\"late_interaction\": {\"query_text\": \"q\", \"model\": \"m\"}}", "[late_interaction.field] is required");
        assertMessage("{\"late_interaction\": {\"field\": \"t\", \"model\": \"m\"}}", "[late_interaction.query_text] is required");
        assertMessage(
            "{\"late_interaction\": {\"field\": \"t\", \"query_text\": \"q\", \"model\": \"\"}}",
            "[late_interaction.model] must not be empty"
        );
        assertMessage(
            "{\"late_interaction\": {\"field\": \"t\", \"query_text\": \"q\", \"model\": \"m\", \"score_mode\": \"avg\"}}",
            "[late_interaction.score_mode] unknown mode [avg]"
        );
        assertMessage(
            "{\"late_interaction\": {\"field\": \"t\", \"query_text\": \"q\", \"model\": \"m\", \"k\": 3}}",
            "[late_interaction] unknown parameter [k]"
        );
    }

    public void testWindowOverTenThousandIsRejectedNamingWindowSize() throws IOException {
        LateInteractionRescorerBuilder parsed = (LateInteractionRescorerBuilder) parse(
            "{\"window_size\": 10001, \"late_interaction\": {\"field\": \"t\", \"query_text\": \"q\", \"model\": \"m\"}}"
        );
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> parsed.rewrite(null));
        assertTrue(e.getMessage(), e.getMessage().contains("[rescore.window_size]"));
        assertTrue(e.getMessage(), e.getMessage().contains("10000"));
    }

    private void assertMessage(String json, String expected) {
        ParsingException e = expectThrows(ParsingException.class, () -> parse(json));
        assertTrue(e.getMessage() + " should contain " + expected, e.getMessage().contains(expected));
    }
}
