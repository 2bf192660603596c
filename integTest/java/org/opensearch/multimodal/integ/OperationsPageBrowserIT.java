package org.opensearch.multimodal.integ;

import org.junit.After;
import org.junit.BeforeClass;
import org.junit.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The operations page ({@code GET /_plugins/_multimodal/ui/operations}) in headless Chromium against the demo: the
 * history the node kept since it started is charted when the page opens (the demo's ingest), and queries and a failed
 * document sent while it is open appear when the next sample arrives.
 */
public final class OperationsPageBrowserIT {

    private static final List<String> CHARTS = List.of(
        "ingest-embedded",
        "ingest-failed",
        "model-calls",
        "model-items",
        "model-latency",
        "pool-queue",
        "pool-rejected",
        "pool-wait",
        "queries",
        "query-latency",
        "gqr-rate",
        "gqr-latency",
        "rescore-rate",
        "rescore-latency",
        "breaker-use",
        "breaker-trips"
    );

    private static BrowserDemo demo;
    private ChromeDriver driver;

    @BeforeClass
    public static void startTheDemo() throws Exception {
        demo = BrowserDemo.get("OperationsPageBrowserIT");
    }

    @After
    public void closeTheBrowser() {
        if (driver != null) {
            driver.quit();
        }
    }

    @Test
    public void chartsTheNodesHistoryFromTheStartAndNewSamplesAsTheyCome() throws IOException {
        Map<String, Object> stats = demo.rest().get("/_plugins/_multimodal/stats?history=true").assertSuccess().map();
        Map<?, ?> node = (Map<?, ?>) ((Map<?, ?>) stats.get("nodes")).values().iterator().next();
        int kept = ((List<?>) ((Map<?, ?>) node.get("history")).get("samples")).size();
        assertTrue("the demo ran for more than one interval: " + kept + " samples", kept >= 2);

        driver = demo.open(demo.page("operations"));
        assertTrue("the page holds the history the node kept", samplesShown() >= kept);
        for (String chart : CHARTS) {
            WebElement card = card(chart);
            assertEquals(chart + " is drawn on a canvas", 1, card.findElements(By.tagName("canvas")).size());
            assertTrue(chart + " is a Chart.js chart", (Boolean) js("return Chart.getChart(arguments[0]) !== undefined", canvas(chart)));
        }
        assertTrue("the demo's ingest, per second: " + number(card("ingest-embedded"), "max"), number(card("ingest-embedded"), "max") > 0);
        assertTrue(
            "each processor is a series: " + card("ingest-embedded").getDomAttribute("data-series"),
            number(card("ingest-embedded"), "series") >= 3
        );
        assertTrue("the models' forward passes", number(card("model-calls"), "max") > 0);
        assertTrue("their latency", number(card("model-latency"), "max") > 0);
        double breakers = number(card("breaker-use"), "max");
        assertTrue("OpenSearch's parent breaker holds the node's heap in use: " + breakers + "%", breakers > 0 && breakers <= 100);
        List<?> legend = (List<?>) js("return Chart.getChart(arguments[0]).data.datasets.map(d => d.label)", canvas("breaker-use"));
        assertTrue("the request and parent breakers: " + legend, legend.containsAll(List.of("parent", "request")));

        // queries sent now show in the samples that follow: the page fetches them every interval
        int samples = samplesShown();
        for (String fusion : List.of("rrf", "gqr", "rrf", "gqr")) {
            demo.rest().post("/demo-products/_search", search("black watch", fusion)).assertSuccess();
        }
        RestClientHelper.Response refused = demo.rest().post("/demo-docs/_doc", Map.of("title", "not text", "body", 42));
        assertEquals("a document embed_text cannot read: " + refused.body(), 400, refused.status());
        new WebDriverWait(driver, Duration.ofSeconds(45)).until(
            d -> samplesShown() > samples && number(card("queries"), "max") > 0 && number(card("ingest-failed"), "max") > 0
        );
        List<?> reasons = (List<?>) js("return Chart.getChart(arguments[0]).data.datasets.map(d => d.label)", canvas("ingest-failed"));
        assertTrue("failures by processor and reason: " + reasons, reasons.contains("embed_text: 400 IllegalArgumentException"));
        assertTrue("shard queries per second by fusion", number(card("queries"), "points") > 0);
        assertTrue("their retrieval and fusion latency", number(card("query-latency"), "max") > 0);
        assertTrue("GQR's steps", number(card("gqr-rate"), "max") > 0);
        assertTrue("the rescorer's windows", number(card("rescore-rate"), "max") > 0);
        BrowserDemo.fullPageScreenshot(driver, "10-operations.png");

        new Select(driver.findElement(By.id("window"))).selectByValue("300000");
        new Select(driver.findElement(By.id("scope"))).selectByIndex(1);
        assertTrue("one node's own view: " + text("status"), text("status").startsWith("1 node"));
        assertTrue("still charted", number(card("model-calls"), "points") > 0);
        assertEquals("no error", "", text("page-error"));
    }

    /** BM25 and the title vectors fused by {@code fusion}, the top 20 reranked on the titles' token vectors. */
    private static Map<String, Object> search(String text, String fusion) {
        Map<String, Object> retrievers = Map.of(
            "bm25",
            Map.of("lexical", Map.of("match", Map.of("title", text))),
            "title_vec",
            Map.of("dense", Map.of("field", "title_vec", "model", "bge-small-en-v1.5", "k", 20))
        );
        return Map.of(
            "size",
            5,
            "query",
            Map.of(
                "multimodal",
                Map.of(
                    "query_text",
                    text,
                    "retrievers",
                    retrievers,
                    "fusion",
                    Map.of(fusion, fusion.equals("gqr") ? Map.of("primary", "title_vec") : Map.of())
                )
            ),
            "rescore",
            Map.of(
                "window_size",
                20,
                "late_interaction",
                Map.of("field", "title_tokens", "model", "bge-small-en-v1.5", "query_text", text)
            )
        );
    }

    private int samplesShown() {
        String samples = driver.findElement(By.tagName("body")).getDomAttribute("data-samples");
        return samples == null ? 0 : Integer.parseInt(samples);
    }

    private WebElement card(String chart) {
        return driver.findElement(By.cssSelector("[data-chart='" + chart + "']"));
    }

    private WebElement canvas(String chart) {
        return card(chart).findElement(By.tagName("canvas"));
    }

    private static double number(WebElement card, String attribute) {
        String value = card.getDomAttribute("data-" + attribute);
        return value == null ? 0 : Double.parseDouble(value);
    }

    private String text(String id) {
        WebElement element = driver.findElement(By.id(id));
        return element.isDisplayed() ? element.getText() : "";
    }

    private Object js(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }
}
