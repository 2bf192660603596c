package org.opensearch.multimodal.integ;

import org.junit.Assume;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * What the browser tests share in one test run: the embedded demo, started once as a person starts it (it takes a
 * minute or two) and stopped when the test JVM exits; headless Chromium from Debian's {@code chromium} and
 * {@code chromium-driver}; and {@code target/search-page/}, emptied once, where each test leaves its screenshots.
 * Without Chromium and chromedriver every browser test is skipped with a message that says so.
 */
final class BrowserDemo {

    static final Path SCREENSHOTS = Path.of(System.getProperty("tests.screenshots.dir", "target/search-page"));
    static final Duration WAIT = Duration.ofSeconds(60);

    private static BrowserDemo shared;

    private final BrowserBinaries browser;
    private final DemoProcess demo;

    private BrowserDemo(BrowserBinaries browser, DemoProcess demo) {
        this.browser = browser;
        this.demo = demo;
    }

    /** The demo, started on first use; skips the calling test class when no browser can be found. */
    static synchronized BrowserDemo get(String testClass) throws IOException, InterruptedException {
        BrowserBinaries browser = BrowserBinaries.find();
        if (browser == null) {
            String message = "SKIPPED "
                + testClass
                + ": no Chromium and chromedriver found ("
                + BrowserBinaries.WHERE
                + "); install them with: apt-get install -y --no-install-recommends chromium chromium-driver";
            System.out.println(message);
            Assume.assumeTrue(message, false);
        }
        if (shared == null) {
            Files.createDirectories(SCREENSHOTS);
            try (var old = Files.newDirectoryStream(SCREENSHOTS, "*.png")) {
                for (Path shot : old) {
                    Files.delete(shot); // only this run's evidence stays
                }
            }
            DemoProcess demo = DemoProcess
                .start(Path.of(System.getProperty("tests.integ.dir", "target/integ")).resolve("search-page-demo").toAbsolutePath());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    demo.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "stop-the-demo"));
            shared = new BrowserDemo(browser, demo);
        }
        return shared;
    }

    /** A headless Chromium window, 1400 x 1200, on {@code page} (a URL), once the page says it is ready. */
    ChromeDriver open(String page) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser.chromium().toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1200");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(browser.chromedriver().toFile())
            .usingAnyFreePort()
            .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.get(page);
        new WebDriverWait(driver, WAIT).until(d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")));
        return driver;
    }

    /** The search page's URL as the demo printed it. */
    String pageUrl() {
        return demo.pageUrl();
    }

    /** One of the plugin's other pages ({@code operations}, {@code relevance}), with an optional query string. */
    String page(String name) {
        return demo.pageUrl() + "/" + name;
    }

    /** The demo node's REST API. */
    RestClientHelper rest() {
        return new RestClientHelper(URI.create(demo.pageUrl()).resolve("/"));
    }

    static void screenshot(ChromeDriver driver, String name) throws IOException {
        File shot = driver.getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    /** The whole page from its top, not only the window: the window is made as tall as the page (up to 6000 px) first. */
    static void fullPageScreenshot(ChromeDriver driver, String name) throws IOException {
        long height = ((Number) driver.executeScript("window.scrollTo(0, 0); return document.documentElement.scrollHeight")).longValue();
        driver.manage().window().setSize(new Dimension(1400, (int) Math.min(6000, Math.max(1200, height + 120))));
        screenshot(driver, name);
        driver.manage().window().setSize(new Dimension(1400, 1200));
    }
}
