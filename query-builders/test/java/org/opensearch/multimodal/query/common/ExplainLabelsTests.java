package org.opensearch.multimodal.query.common;

import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The search page reads per-retriever scores, GQR's before and after, and the rescorer's MaxSim out of {@code explain}:
 * it must hold the very templates the plugin writes its explanations with, or rewording one would break it silently.
 */
public final class ExplainLabelsTests extends OpenSearchTestCase {

    private static String page() throws IOException {
        try (InputStream in = ExplainLabelsTests.class.getClassLoader().getResourceAsStream("ui/search-page.js")) {
            assertNotNull("the search page's script is on the classpath", in);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    public void testThePageHoldsThePluginsExplainWording() throws IOException {
        Matcher block = Pattern.compile("const EXPLAIN = \\{(.*?)\\};", Pattern.DOTALL).matcher(page());
        assertTrue("the page declares its EXPLAIN templates", block.find());
        Map<String, String> expected = Map.of(
            "rawScore",
            ExplainLabels.RAW_SCORE,
            "primaryBefore",
            ExplainLabels.PRIMARY_BEFORE,
            "primaryRefined",
            ExplainLabels.PRIMARY_REFINED,
            "maxSim",
            ExplainLabels.MAX_SIM
        );
        for (Map.Entry<String, String> label : expected.entrySet()) {
            Matcher entry = Pattern.compile(label.getKey() + ": '([^']*)'").matcher(block.group(1));
            assertTrue("the page has no template [" + label.getKey() + "]", entry.find());
            assertEquals("the page's [" + label.getKey() + "] must be the plugin's", label.getValue(), entry.group(1));
        }
    }
}
