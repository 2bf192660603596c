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
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The relevance page ({@code GET /_plugins/_multimodal/ui/relevance}) in headless Chromium against the demo: it opens
 * on the demo's judged query set already evaluated, its metrics are what {@code _rank_eval} returns for the same
 * requests, four settings (GQR, the rerank) compare, uploaded qrels are evaluated, and a malformed file or a setting
 * the cluster rejects shows the reason while the page stays usable.
 */
public final class RelevancePageBrowserIT {

    private static final String PRODUCTS_JUDGMENTS = "demo-judgments-products";
    private static final Duration EVALUATION = Duration.ofSeconds(240);

    private static BrowserDemo demo;
    private ChromeDriver driver;

    @BeforeClass
    public static void startTheDemo() throws Exception {
        demo = BrowserDemo.get("RelevancePageBrowserIT");
    }

    @After
    public void closeTheBrowser() {
        if (driver != null) {
            driver.quit();
        }
    }

    @Test
    public void opensOnTheDemosJudgedSetEvaluatedWithTheMetricsRankEvalReturns() throws IOException {
        driver = demo.open(demo.page("relevance"));
        waitForEvaluations(1);
        boolean scifact = Files.isDirectory(Path.of(System.getProperty("tests.shared.data", "../shared/data")).resolve("scifact"));
        assertEquals(scifact ? "demo-judgments-scifact" : PRODUCTS_JUDGMENTS, selected("judgments"));
        assertEquals(scifact ? "demo-scifact" : "demo-products", selected("index"));
        String summary = text("judgments-summary");
        assertTrue(summary, summary.contains(scifact ? "SciFact (BEIR) test queries" : "attribute-derived judgments (not human)"));

        Map<String, Object> model = model();
        List<Map<String, Object>> settings = settings(model);
        assertEquals("two settings to start with", 2, settings.size());
        for (int i = 0; i < settings.size(); i++) {
            Map<String, Object> setting = settings.get(i);
            assertNull("no error: " + setting, setting.get("error"));
            for (String metric : List.of("ndcg", "recall", "mrr")) {
                Map<?, ?> value = metric(setting, metric);
                double score = ((Number) value.get("score")).doubleValue();
                assertTrue(metric + " in [0, 1]: " + score, score >= 0 && score <= 1);
                assertTrue(metric + " inside its interval: " + value, number(value, "low") <= score && score <= number(value, "high"));
                assertEquals("every query evaluated", model.get("queries"), value.get("queries"));
                String shown = cell(i, metric).getText();
                assertTrue(shown, shown.startsWith(String.format(Locale.ROOT, "%.4f", score)));
            }
            Map<?, ?> latency = (Map<?, ?>) setting.get("latency");
            assertTrue("latency of every query: " + latency, number(latency, "count") == Math.min(100, number(model, "queries")));
            assertTrue(latency.toString(), number(latency, "p99") >= number(latency, "p50") && number(latency, "p50") >= 0);
        }

        // the page's nDCG@10 is _rank_eval's, for the very request it sent
        for (Map<String, Object> setting : settings) {
            Map<?, ?> request = (Map<?, ?>) ((Map<?, ?>) setting.get("requests")).get("ndcg");
            assertEquals(Map.of("dcg", Map.of("k", 10L, "normalize", true)), request.get("metric"));
            Map<String, Object> direct = demo.rest().post("/" + model.get("index") + "/_rank_eval", request).assertSuccess().map();
            assertEquals(
                setting.get("name") + ": the page shows what _rank_eval returns",
                ((Number) direct.get("metric_score")).doubleValue(),
                number(metric(setting, "ndcg"), "score"),
                1e-12
            );
        }

        for (String chart : List.of("chart-ndcg", "chart-recall", "chart-mrr", "chart-latency")) {
            assertEquals(
                chart + " has a bar per setting",
                2L,
                js("return Chart.getChart(arguments[0]).data.datasets[0].data.length", byId(chart))
            );
        }
        Map<?, ?> comparison = (Map<?, ?>) model.get("comparison");
        long wins = ((Number) comparison.get("wins")).longValue();
        long losses = ((Number) comparison.get("losses")).longValue();
        long ties = ((Number) comparison.get("ties")).longValue();
        assertEquals("every query is a win, a loss or a tie", number(model, "queries"), wins + losses + ties, 0);
        assertEquals("the queries listed", wins + losses, driver.findElements(By.cssSelector("#per-query tr[data-query]")).size());
        assertEquals(
            "a bar per query",
            number(model, "queries"),
            ((Number) js("return Chart.getChart(arguments[0]).data.datasets[0].data.length", byId("chart-wins"))).doubleValue(),
            0
        );
        assertTrue(
            text("wins-summary"),
            text("wins-summary").matches(".* against .* on nDCG@10: \\d+ wins, \\d+ losses, \\d+ ties over \\d+ queries; .*")
        );
        BrowserDemo.fullPageScreenshot(driver, "11-relevance.png");
    }

    @Test
    public void comparesFourSettingsIncludingGqrAndTheLateInteractionRerank() throws IOException {
        driver = demo.open(demo.page("relevance?judgments=" + PRODUCTS_JUDGMENTS));
        waitForEvaluations(1);
        assertEquals("the judged set names its index", "demo-products", selected("index"));
        byId("add-setting").click();
        byId("add-setting").click();
        assertFalse("four settings at most", byId("add-setting").isEnabled());
        byId("evaluate").click();
        waitForEvaluations(2);
        List<Map<String, Object>> settings = settings(model());
        assertEquals(4, settings.size());
        for (Map<String, Object> setting : settings) {
            assertNull("no error: " + setting, setting.get("error"));
            double ndcg = number(metric(setting, "ndcg"), "score");
            assertTrue(setting.get("name") + ": nDCG@10 " + ndcg, ndcg >= 0 && ndcg <= 1);
        }
        assertTrue(
            "C refines with GQR: " + firstRequest(settings.get(2)),
            firstRequest(settings.get(2)).toString().contains("gqr={primary=title_vec")
        );
        assertTrue(
            "D reranks on the titles' token vectors: " + firstRequest(settings.get(3)),
            firstRequest(settings.get(3)).containsKey("rescore") && firstRequest(settings.get(3)).toString().contains("field=title_tokens")
        );
        new Select(byId("compare-b")).selectByValue("3");
        new Select(byId("compare-a")).selectByValue("2");
        assertTrue(
            text("wins-summary"),
            text("wins-summary").startsWith(settings.get(3).get("name") + " against " + settings.get(2).get("name"))
        );
        BrowserDemo.fullPageScreenshot(driver, "11b-relevance-four-settings.png");
    }

    @Test
    public void uploadedJudgmentsAreEvaluatedAndAMalformedFileSaysWhichLineAndWhy() throws IOException {
        driver = demo.open(demo.page("relevance?judgments=" + PRODUCTS_JUDGMENTS));
        waitForEvaluations(1);
        new Select(byId("judgments")).selectByValue("__upload__");
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "qrels");
        Path queries = Files.writeString(
            dir.resolve("queries.tsv"),
            "qid\ttext\nw1\tblack watch for men\ns1\twhite sports shoes\nj1\tblue jeans\n",
            StandardCharsets.UTF_8
        );
        Path bad = Files.writeString(dir.resolve("qrels-bad.txt"), "w1 0 10235 1\nw1 0 22950 1\nw1 0 13840\n", StandardCharsets.UTF_8);
        byId("queries-file").sendKeys(queries.toString());
        byId("qrels-file").sendKeys(bad.toString());
        new WebDriverWait(driver, BrowserDemo.WAIT).until(d -> text("judgments-error").isEmpty() == false);
        assertEquals(
            "qrels-bad.txt line 3: expected 4 fields, \"query-id iteration doc-id relevance\" (TREC), but found 3: \"w1 0 13840\"",
            text("judgments-error")
        );
        assertFalse("nothing to evaluate", byId("evaluate").isEnabled());
        BrowserDemo.fullPageScreenshot(driver, "12-relevance-bad-qrels.png");

        // what each malformed line says, from the page's own parsers
        assertEquals(
            "q.txt line 2: the relevance \"high\" is not a whole number",
            parseError("parseQrels", "a 0 d1 1\na 0 d2 high\n", "q.txt")
        );
        assertEquals(
            "q.txt line 3: document \"d1\" of query \"a\" is judged twice (first on line 1)",
            parseError("parseQrels", "a 0 d1 1\na 0 d2 0\na 0 d1 2\n", "q.txt")
        );
        assertEquals(
            "q.txt line 1: the relevance -1 is negative: use 0 for not relevant",
            parseError("parseQrels", "a 0 d1 -1\n", "q.txt")
        );
        assertEquals(
            "q.tsv line 3: expected 3 fields, query-id<TAB>corpus-id<TAB>score (BEIR), but found 2: \"a\td2\"",
            parseError("parseQrels", "query-id\tcorpus-id\tscore\na\td1\t1\na\td2\n", "q.tsv")
        );
        assertTrue(
            parseError("parseQueries", "{\"_id\": \"1\", \"text\": \"one\"}\n{\"_id\": \"2\", oops}\n", "queries.jsonl"),
            parseError("parseQueries", "{\"_id\": \"1\", \"text\": \"one\"}\n{\"_id\": \"2\", oops}\n", "queries.jsonl")
                .startsWith("queries.jsonl line 2: not a JSON object (")
        );
        assertEquals(
            "queries.jsonl line 1: each line needs \"_id\" and \"text\" (BEIR queries.jsonl)",
            parseError("parseQueries", "{\"id_\": \"1\", \"title\": \"one\"}\n", "queries.jsonl")
        );

        // the same judgments, well formed (BEIR, from the catalog's own attributes): evaluated
        Path good = Files.writeString(dir.resolve("qrels.tsv"), beirQrels(), StandardCharsets.UTF_8);
        byId("qrels-file").sendKeys(good.toString());
        new WebDriverWait(driver, BrowserDemo.WAIT).until(d -> text("judgments-error").isEmpty() && byId("evaluate").isEnabled());
        assertTrue(text("judgments-summary"), text("judgments-summary").startsWith("3 queries, "));
        assertTrue(text("judgments-summary"), text("judgments-summary").contains("uploaded: qrels.tsv (BEIR qrels) and queries.tsv"));
        byId("evaluate").click();
        waitForEvaluations(2);
        Map<String, Object> model = model();
        assertEquals(3L, model.get("queries"));
        for (Map<String, Object> setting : settings(model)) {
            double ndcg = number(metric(setting, "ndcg"), "score");
            assertTrue(setting.get("name") + ": words that describe products find them, nDCG@10 " + ndcg, ndcg > 0.5 && ndcg <= 1);
        }
    }

    @Test
    public void aSettingTheClusterRejectsShowsItsReasonAndThePageStaysUsable() throws IOException {
        driver = demo.open(demo.page("relevance?judgments=" + PRODUCTS_JUDGMENTS));
        waitForEvaluations(1);
        WebElement b = driver.findElements(By.cssSelector(".setting-card")).get(1);
        new Select(b.findElement(By.className("fusion"))).selectByValue("gqr");
        b.findElement(By.className("steps")).sendKeys("5000");
        byId("evaluate").click();
        waitForEvaluations(2);
        String rejected = rowText(1);
        assertTrue(rejected, rejected.contains("400") && rejected.contains("[fusion.gqr.steps] must be between 0 and 1000, got [5000]"));
        assertEquals(
            "the setting's card says so too",
            rejected.substring(rejected.indexOf("400")),
            b.findElement(By.className("error")).getText()
        );
        double a = number(metric(settings(model()).get(0), "ndcg"), "score");
        assertTrue("the other setting is still evaluated: " + a, a >= 0 && a <= 1);
        BrowserDemo.fullPageScreenshot(driver, "13-relevance-rejected-setting.png");

        // the request edited by hand: a field the index does not have fails every query, with the cluster's reason
        b.findElement(By.cssSelector("details.request summary")).click();
        WebElement request = b.findElement(By.className("request-body"));
        String edited = request.getDomProperty("value")
            .replace("\"field\": \"title_vec\"", "\"field\": \"no_such_field\"")
            .replace("\"steps\": 5000", "\"steps\": 5");
        js("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));", request, edited);
        byId("evaluate").click();
        waitForEvaluations(3);
        String failed = rowText(1);
        assertTrue(
            failed,
            failed.contains("every query failed on nDCG@10")
                && failed.contains("field [no_such_field] does not exist in index [demo-products]")
        );

        // back to the form, steps cleared: both settings evaluate again
        b.findElement(By.className("back-to-form")).click();
        b.findElement(By.className("steps")).clear();
        byId("evaluate").click();
        waitForEvaluations(4);
        for (Map<String, Object> setting : settings(model())) {
            assertNull("evaluated again: " + setting, setting.get("error"));
        }
    }

    /** Three of the catalog's products described in words, judged by their attributes: rating 1 if it is one of them. */
    private static String beirQrels() throws IOException {
        StringBuilder qrels = new StringBuilder("query-id\tcorpus-id\tscore\n");
        Path catalog = Path.of(System.getProperty("tests.demo.dir", "integTest/demo")).resolve("products/products.jsonl");
        for (String line : Files.readAllLines(catalog, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, Object> product = RestClientHelper.parseMap(line);
            String kind = product.get("base_colour") + " " + product.get("article_type");
            String query = switch (kind) {
                case "Black Watches" -> "w1";
                case "White Sports Shoes" -> "s1";
                case "Blue Jeans" -> "j1";
                default -> null;
            };
            if (query != null) {
                qrels.append(query).append('\t').append(product.get("id")).append("\t1\n");
            }
        }
        return qrels.toString();
    }

    private void waitForEvaluations(int count) {
        new WebDriverWait(driver, EVALUATION).until(d -> {
            String done = d.findElement(By.tagName("body")).getDomAttribute("data-evaluations");
            return done != null && Integer.parseInt(done) >= count;
        });
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> model() {
        return (Map<String, Object>) js("return relevanceModel()");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> settings(Map<String, Object> model) {
        return new ArrayList<>((List<Map<String, Object>>) model.get("settings"));
    }

    private static Map<?, ?> metric(Map<String, Object> setting, String metric) {
        return (Map<?, ?>) ((Map<?, ?>) setting.get("metrics")).get(metric);
    }

    /** The request the setting sent for the first judged query. */
    private static Map<?, ?> firstRequest(Map<String, Object> setting) {
        Map<?, ?> rankEval = (Map<?, ?>) ((Map<?, ?>) setting.get("requests")).get("ndcg");
        return (Map<?, ?>) ((Map<?, ?>) ((List<?>) rankEval.get("requests")).get(0)).get("request");
    }

    private static double number(Map<?, ?> map, String key) {
        return ((Number) map.get(key)).doubleValue();
    }

    private WebElement cell(int setting, String metric) {
        return driver.findElement(By.cssSelector("tr[data-setting-row='" + setting + "'] td[data-metric='" + metric + "']"));
    }

    private String rowText(int setting) {
        return driver.findElement(By.cssSelector("tr[data-setting-row='" + setting + "']")).getText();
    }

    /** The page's own parser, imported from its module as the page imports it: null, or the reason it refuses. */
    private String parseError(String parser, String content, String fileName) {
        return (String) ((JavascriptExecutor) driver).executeAsyncScript(
            "const done = arguments[arguments.length - 1];"
                + "import('/_plugins/_multimodal/ui/judgments.js').then((judgments) => {"
                + " try { judgments." + parser + "(arguments[0], arguments[1]); done(null); } catch (e) { done(e.message); } },"
                + " (e) => done('import failed: ' + e.message));",
            content,
            fileName
        );
    }

    private WebElement byId(String id) {
        return driver.findElement(By.id(id));
    }

    private String selected(String id) {
        return new Select(byId(id)).getFirstSelectedOption().getDomAttribute("value");
    }

    private String text(String id) {
        WebElement element = byId(id);
        return element.isDisplayed() ? element.getText() : "";
    }

    private Object js(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }
}
