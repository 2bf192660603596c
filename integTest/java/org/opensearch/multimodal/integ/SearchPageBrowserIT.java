package org.opensearch.multimodal.integ;

import org.junit.After;
import org.junit.Before;
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
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The search page ({@code GET /_plugins/_multimodal/ui}) in a real browser: headless Chromium from Debian's
 * {@code chromium} and {@code chromium-driver} packages, driven by Selenium, against the embedded demo node started
 * as a person starts it (shared with the other browser tests: {@link BrowserDemo}). Each state is saved as a screenshot
 * under {@code target/search-page/}. Where no Chromium or chromedriver can be found, every test is skipped with a
 * message that says so.
 */
public final class SearchPageBrowserIT {

    private static final String PRODUCTS = "demo-products";
    private static final Duration WAIT = BrowserDemo.WAIT;

    private static BrowserDemo demo;
    private ChromeDriver driver;

    @BeforeClass
    public static void startTheDemo() throws Exception {
        demo = BrowserDemo.get("SearchPageBrowserIT");
    }

    @Before
    public void openThePage() {
        driver = demo.open(demo.pageUrl());
        new Select(driver.findElement(By.id("index"))).selectByValue(PRODUCTS);
    }

    @After
    public void closeTheBrowser() {
        if (driver != null) {
            driver.quit();
        }
    }

    @Test
    public void typingBlackWatchShowsPhotosOfWatchesWithEachRetrieversScore() throws IOException {
        search("black watch");
        List<WebElement> hits = hits("pane-a");
        assertTrue("at least 10 hits", hits.size() >= 10);
        assertAtLeast("watches in the top 10", 9, titles(hits.subList(0, 10)), "watch");
        for (WebElement hit : hits.subList(0, 10)) {
            WebElement photo = hit.findElement(By.className("hit-photo"));
            assertTrue("a catalog photo is shown", photo.getDomAttribute("src").startsWith("data:image/jpeg;base64,"));
            assertTrue("the photo decoded in the browser", ((Number) js("return arguments[0].naturalWidth", photo)).intValue() > 0);
        }
        List<String> scored = scoredRetrievers(hits.get(0));
        assertEquals(List.of("bm25", "image_vec", "product_vec", "title_vec"), scored);
        for (WebElement score : hits.get(0).findElements(By.cssSelector("dd[data-retriever]"))) {
            assertTrue(
                "retriever " + score.getDomAttribute("data-retriever") + " scored the first hit: " + score.getText(),
                score.getText().matches("\\d+\\.\\d{4}")
            );
        }
        assertTrue(text("#pane-a .latency"), text("#pane-a .latency").matches("\\d+ ms in the cluster · \\d+ ms round trip"));
        assertTrue(text("#pane-a .summary"), text("#pane-a .summary").contains("4 retrievers: RRF"));
        screenshot("1-black-watch-rrf.png");
    }

    @Test
    public void droppingAPhotoFindsThatProductAndSimilarOnes() throws IOException {
        byte[] photo = Files
            .readAllBytes(Path.of(System.getProperty("tests.demo.dir", "integTest/demo")).resolve("products/images/10235.jpg"));
        dropPhoto(photo, "10235.jpg");
        assertEquals("10235.jpg", text("#photo-name"));
        List<WebElement> hits = hits("pane-a");
        assertEquals("the dropped photo's own product comes first", "10235", hits.get(0).getDomAttribute("data-id"));
        assertAtLeast("watches among the next five", 4, titles(hits.subList(1, 6)), "watch");
        List<String> scored = scoredRetrievers(hits.get(0));
        assertEquals("only photo retrievers: there is no text", List.of("image_vec:photo", "product_vec:photo"), scored);
        screenshot("2-dropped-photo.png");

        // words alone, then words and the photo: every text and every photo retriever fused, the photo's product higher
        driver.findElement(By.id("photo-clear")).click();
        search("black watch");
        assertTrue(text("#pane-a .summary"), text("#pane-a .summary").contains("4 retrievers: RRF"));
        int wordsAlone = ids(hits("pane-a")).indexOf("10235");
        dropPhoto(photo, "10235.jpg");
        assertTrue(text("#pane-a .summary"), text("#pane-a .summary").contains("6 retrievers: RRF"));
        hits = hits("pane-a");
        int withPhoto = ids(hits).indexOf("10235");
        assertTrue(
            "with the photo the photo's product ranks higher: #" + (withPhoto + 1) + " vs #" + (wordsAlone + 1) + " for the words alone",
            withPhoto >= 0 && (wordsAlone < 0 || withPhoto < wordsAlone)
        );
        assertAtLeast("watches in the top 10", 9, titles(hits.subList(0, 10)), "watch");
        screenshot("2b-photo-and-text.png");
    }

    @Test
    public void switchingToGqrAndComparingWithRrfSideBySide() throws IOException {
        search("black watch");
        List<String> rrf = ids(hits("pane-a"));

        int before = completedSearches();
        new Select(driver.findElement(By.cssSelector("#pane-a .fusion"))).selectByValue("gqr");
        waitForSearchAfter(before);
        assertTrue(text("#pane-a .summary"), text("#pane-a .summary").contains("GQR, primary image_vec"));
        List<WebElement> gqr = hits("pane-a");
        assertAtLeast("watches in GQR's top 10", 9, titles(gqr.subList(0, 10)), "watch");
        assertTrue(
            "GQR shows the primary's score before and after refinement",
            gqr.get(0).findElement(By.className("gqr-score")).getText().matches("\\d+\\.\\d{4} → \\d+\\.\\d{4}")
        );
        screenshot("3-black-watch-gqr.png");

        before = completedSearches();
        new Select(driver.findElement(By.cssSelector("#pane-a .fusion"))).selectByValue("rrf");
        waitForSearchAfter(before);
        before = completedSearches();
        driver.findElement(By.id("compare")).click();
        waitForSearchAfter(before);
        assertEquals("pane A still RRF", rrf, ids(hits("pane-a")));
        assertTrue(text("#pane-b .summary"), text("#pane-b .summary").contains("GQR, primary image_vec"));
        assertFalse(text("#pane-b .latency").isEmpty());
        assertTrue(text("#pane-a .summary"), text("#pane-a .summary").matches(".* · \\d+ shared with B"));
        for (WebElement hit : hits("pane-b")) {
            String moved = hit.findElement(By.className("moved")).getText();
            assertTrue(moved, moved.matches("(▲|▼)\\d+ vs A #\\d+|same as A|not in A"));
        }
        screenshot("4-rrf-vs-gqr-side-by-side.png");

        // the multi-vector primary (docs/DESIGN.md §6's main case): switch the MaxSim retriever on, make it B's primary
        WebElement maxSim = driver.findElement(By.cssSelector("input[data-retriever='title_tokens']"));
        assertFalse("MaxSim over the pool is off until asked for", maxSim.isSelected());
        before = completedSearches();
        maxSim.click();
        waitForSearchAfter(before);
        assertTrue(text("#pane-a .summary"), text("#pane-a .summary").contains("5 retrievers: RRF"));
        before = completedSearches();
        new Select(driver.findElement(By.cssSelector("#pane-b .primary"))).selectByValue("title_tokens");
        waitForSearchAfter(before);
        assertTrue(text("#pane-b .error"), text("#pane-b .error").isEmpty());
        assertTrue(text("#pane-b .summary"), text("#pane-b .summary").contains("5 retrievers: GQR, primary title_tokens"));
        assertAtLeast("watches in the multi-vector GQR's top 10", 8, titles(hits("pane-b").subList(0, 10)), "watch");
        screenshot("5-gqr-multi-vector-primary.png");
    }

    @Test
    public void lateInteractionRerankAddsMaxSim() throws IOException {
        search("black watch");
        int before = completedSearches();
        driver.findElement(By.cssSelector("#pane-a .rerank")).click();
        waitForSearchAfter(before);
        List<WebElement> hits = hits("pane-a");
        assertTrue(text("#pane-a .summary"), text("#pane-a .summary").contains("late-interaction rerank"));
        assertTrue(hits.get(0).findElement(By.className("maxsim-score")).getText().matches("\\d+\\.\\d{4}"));
        assertAtLeast("watches in the reranked top 10", 8, titles(hits.subList(0, 10)), "watch");
        screenshot("6-black-watch-reranked.png");
    }

    @Test
    public void documentsWithoutPhotosShowSnippetsAndRerankOnTheirTokenVectors() throws IOException {
        new Select(driver.findElement(By.id("index"))).selectByValue("demo-docs");
        search("making bread at home");
        List<WebElement> hits = hits("pane-a");
        assertEquals("Sourdough bread", hits.get(0).findElement(By.className("hit-title")).getText());
        assertTrue("a text snippet, not a photo", hits.get(0).findElements(By.className("hit-photo")).isEmpty());
        assertTrue(hits.get(0).findElement(By.className("snippet")).getText().length() > 20);
        int before = completedSearches();
        driver.findElement(By.cssSelector("#pane-a .rerank")).click();
        waitForSearchAfter(before);
        assertTrue(text("#pane-a .summary"), text("#pane-a .summary").contains("late-interaction rerank"));
        hits = hits("pane-a");
        assertEquals("a cooking document first", "cooking", hits.get(0).findElement(By.className("facets")).getText());
        double previous = Double.MAX_VALUE;
        for (WebElement hit : hits) {
            double maxSim = Double.parseDouble(hit.findElement(By.className("maxsim-score")).getText());
            assertTrue("score_mode replace: the window is ordered by MaxSim", maxSim <= previous);
            previous = maxSim;
        }
        screenshot("9-documents-reranked.png");
    }

    @Test
    public void aLongDocumentShowsItsBestPassage() throws IOException {
        new Select(driver.findElement(By.id("index"))).selectByValue("demo-handbooks");
        search("a symphony performed by an orchestra");
        List<WebElement> hits = hits("pane-a");
        assertTrue(hits.get(0).findElement(By.className("hit-title")).getText().startsWith("Handbook 2"));
        String passage = hits.get(0).findElement(By.className("passage")).getText();
        assertTrue("the passage about music, past the first 512 tokens: " + passage, passage.contains("piano"));
        assertTrue("no plain snippet beside it", hits.get(0).findElements(By.className("snippet")).isEmpty());
        screenshot("10-long-document-best-passage.png");
        // reranked by MaxSim over every passage's token rows: the passage shown is the token field's best
        int before = completedSearches();
        driver.findElement(By.cssSelector("#pane-a .rerank")).click();
        waitForSearchAfter(before);
        WebElement reranked = hits("pane-a").get(0).findElement(By.className("passage"));
        assertEquals("body_tokens", reranked.getAttribute("data-field"));
        assertTrue("the best passage by MaxSim, about music: " + reranked.getText(), reranked.getText().contains("piano"));
    }

    @Test
    public void errorsAreShownWithTheClustersReason() throws IOException {
        dropPhoto("not a photo".getBytes(StandardCharsets.UTF_8), "broken.jpg");
        String error = text("#pane-a .error");
        assertTrue(error, error.startsWith("415") && error.contains("none of JPEG, PNG, GIF, BMP, WebP"));
        assertTrue("no stale hits", hits("pane-a").isEmpty());
        screenshot("7-error-bad-image.png");

        driver.findElement(By.id("photo-clear")).click();
        search("black watch");
        js("arguments[0].open = true", driver.findElement(By.cssSelector("#pane-a .request")));
        WebElement request = driver.findElement(By.cssSelector("#pane-a .request-body"));
        String edited = request.getDomProperty("value").replace("\"field\": \"title_vec\"", "\"field\": \"no_such_field\"");
        js("arguments[0].value = arguments[1]", request, edited);
        int before = completedSearches();
        driver.findElement(By.cssSelector("#pane-a .run-edited")).click();
        waitForSearchAfter(before);
        error = text("#pane-a .error");
        assertTrue(error, error.startsWith("400") && error.contains("field [no_such_field] does not exist in index [demo-products]"));
        screenshot("8-error-unknown-field.png");
    }

    /** What a drag and drop of a JPEG file onto the drop zone delivers to the page; the page then searches. */
    private void dropPhoto(byte[] bytes, String name) {
        int before = completedSearches();
        js(
            """
                const bytes = Uint8Array.from(atob(arguments[0]), c => c.charCodeAt(0));
                const transfer = new DataTransfer();
                transfer.items.add(new File([bytes], arguments[1], {type: 'image/jpeg'}));
                const zone = document.getElementById('drop-zone');
                zone.dispatchEvent(new DragEvent('dragover', {dataTransfer: transfer, bubbles: true, cancelable: true}));
                zone.dispatchEvent(new DragEvent('drop', {dataTransfer: transfer, bubbles: true, cancelable: true}));""",
            Base64.getEncoder().encodeToString(bytes),
            name
        );
        waitForSearchAfter(before);
    }

    private void search(String text) {
        WebElement query = driver.findElement(By.id("query-text"));
        query.clear();
        query.sendKeys(text);
        int before = completedSearches();
        driver.findElement(By.id("search-button")).click();
        waitForSearchAfter(before);
        assertTrue("no error: " + text("#pane-a .error"), text("#pane-a .error").isEmpty());
    }

    private int completedSearches() {
        String completed = driver.findElement(By.tagName("body")).getDomAttribute("data-completed");
        return completed == null ? 0 : Integer.parseInt(completed);
    }

    private void waitForSearchAfter(int before) {
        new WebDriverWait(driver, WAIT).until(d -> completedSearches() > before);
    }

    private List<WebElement> hits(String pane) {
        return driver.findElements(By.cssSelector("#" + pane + " .hit"));
    }

    private static List<String> titles(List<WebElement> hits) {
        return hits.stream().map(hit -> hit.findElement(By.className("hit-title")).getText()).toList();
    }

    /** The retrievers whose score a hit card lists, in order. */
    private static List<String> scoredRetrievers(WebElement hit) {
        return hit.findElements(By.cssSelector("dd[data-retriever]")).stream().map(e -> e.getDomAttribute("data-retriever")).toList();
    }

    private static List<String> ids(List<WebElement> hits) {
        return hits.stream().map(hit -> hit.getDomAttribute("data-id")).toList();
    }

    private static void assertAtLeast(String what, int expected, List<String> titles, String word) {
        long found = titles.stream().filter(title -> title.toLowerCase(Locale.ROOT).contains(word)).count();
        assertTrue(what + ": " + found + " of " + titles, found >= expected);
    }

    private String text(String css) {
        List<WebElement> found = driver.findElements(By.cssSelector(css));
        return found.isEmpty() || found.get(0).isDisplayed() == false ? "" : found.get(0).getText();
    }

    private Object js(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    private void screenshot(String name) throws IOException {
        BrowserDemo.screenshot(driver, name);
    }
}
