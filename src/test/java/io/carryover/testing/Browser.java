package io.carryover.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;

/**
 * Headless Debian Chromium for browser tests, one fresh browser per test, as a JUnit extension:
 * <pre>
 * &#64;RegisterExtension
 * final Browser browser = new Browser();
 * ...
 * browser.open("/agent/?conversationid=...");
 * browser.await(By.cssSelector("body[data-state=ready]"));
 * browser.assertAccessible();
 * </pre>
 * After each test it saves a screenshot of the current window to {@code target/screenshots/<Class>.<method>.png}
 * (evidence, kept), then fails a test that passed if the browser logged an error to its console. HTTP error responses
 * a test expects (a 403 for an access-denied state) are declared with {@link #expectHttpError}.
 * <p>
 * Uses {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} (Debian packages {@code chromium} and
 * {@code chromium-driver}); Selenium Manager never runs, so nothing is downloaded.
 */
public final class Browser implements BeforeEachCallback, AfterEachCallback, AutoCloseable {

    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    public static final Duration WAIT = Duration.ofSeconds(15);
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    /** Chromium's console line for an HTTP error response: "{url} - Failed to load resource: ... status of 403 (...)". */
    private static final Pattern HTTP_ERROR = Pattern.compile(
            "^(\\S+) - Failed to load resource: the server responded with a status of (\\d{3})\\b.*", Pattern.DOTALL);

    private final List<ConsoleEntry> console = new ArrayList<>();
    private final List<ExpectedHttpError> expected = new ArrayList<>();
    private ChromeDriver driver;
    private String testName = "browser";
    private boolean blockPopups;

    /** For JUnit: the extension names screenshots after the test. */
    public Browser() {
    }

    /** Outside JUnit (try-with-resources): screenshots are named {@code <name>[-label].png}. */
    public Browser(String name) {
        this.testName = name;
    }

    /** A line the browser wrote to its console; {@code httpStatus}/{@code url} set when it reports an HTTP error. */
    public record ConsoleEntry(Level level, String message, String url, Integer httpStatus) {
    }

    private record ExpectedHttpError(String path, int status) {
    }

    /** Fails with what to install when the Debian browser or driver is missing. */
    public static void requireChromium() {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(CHROMIUM)) {
            missing.add(CHROMIUM + " (Debian package chromium)");
        }
        if (!Files.isExecutable(CHROMEDRIVER)) {
            missing.add(CHROMEDRIVER + " (Debian package chromium-driver)");
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("Browser tests need " + String.join(" and ", missing)
                    + ": apt-get install chromium chromium-driver (.ci/run does it when they are missing)");
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        blockPopups = false;
        testName = context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName();
        console.clear();
        expected.clear();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (driver == null) {
            return;
        }
        try {
            screenshot(null);
            if (context.getExecutionException().isEmpty()) {
                assertNoConsoleErrors();
            }
        } finally {
            close();
        }
    }

    /** The browser, started on first use: headless, fixed 1280×900 window, console log collected. */
    public ChromeDriver driver() {
        if (driver == null) {
            requireChromium();
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments("--headless", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                    "--disable-gpu", "--no-first-run", "--no-default-browser-check", "--lang=en-US");
            LoggingPreferences logs = new LoggingPreferences();
            logs.enable(LogType.BROWSER, Level.ALL);
            options.setCapability("goog:loggingPrefs", logs);
            if (blockPopups) {
                options.setExperimentalOption("excludeSwitches", List.of("disable-popup-blocking"));
            }
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
            driver = new ChromeDriver(service, options);
            // -Dcarryover.browser.window=1010x1700 makes the screenshot the README shows hold the whole demo page.
            String[] size = System.getProperty("carryover.browser.window", "1280x900").split("x");
            driver.manage().window().setSize(new Dimension(Integer.parseInt(size[0]), Integer.parseInt(size[1])));
        }
        return driver;
    }

    /**
     * Lets Chromium block popups that no user gesture opened, as browsers do for people (ChromeDriver allows them by
     * default). Call before the browser starts.
     */
    public Browser blockingPopups() {
        if (driver != null) {
            throw new IllegalStateException("the browser has started already");
        }
        blockPopups = true;
        return this;
    }

    /** {@code http://localhost:<test port>} + path. */
    public static String url(String path) {
        return "http://localhost:" + Guest.PORT + path;
    }

    /** Loads a path of the tests' application (or an absolute URL). */
    public void open(String pathOrUrl) {
        driver().get(pathOrUrl.startsWith("http") ? pathOrUrl : url(pathOrUrl));
    }

    /** Emulates the operating system's dark (or light) preference for the current window, as CSS sees it. */
    public void prefersColorScheme(String scheme) {
        driver().executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
    }

    /** The first visible element matching, waiting up to {@link #WAIT}. */
    public WebElement await(By by) {
        return until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /**
     * Waits up to {@link #WAIT} until the condition returns neither null nor false. Driver errors while waiting are
     * retried (a page navigating away mid-query answers "aborted by navigation"); a lasting one ends in a timeout
     * that carries it.
     */
    public <T> T until(Function<WebDriver, T> condition) {
        return new WebDriverWait(driver(), WAIT).ignoring(WebDriverException.class).until(condition);
    }

    /** Waits for a window other than those open before, switches to it and returns its handle. */
    public String switchToNewWindow(Set<String> before) {
        String handle = until(d -> d.getWindowHandles().stream().filter(h -> !before.contains(h)).findFirst()
                .orElse(null));
        driver().switchTo().window(handle);
        return handle;
    }

    /** Declares an HTTP error response the test expects (path without query, e.g. "/agent/api/…"). */
    public void expectHttpError(String path, int status) {
        expected.add(new ExpectedHttpError(path, status));
    }

    /** Everything logged to the console so far (Chromium hands each line out once; they are kept here). */
    public List<ConsoleEntry> console() {
        if (driver != null) {
            for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
                Matcher http = HTTP_ERROR.matcher(entry.getMessage());
                console.add(http.matches()
                        ? new ConsoleEntry(entry.getLevel(), entry.getMessage(), http.group(1),
                                Integer.parseInt(http.group(2)))
                        : new ConsoleEntry(entry.getLevel(), entry.getMessage(), null, null));
            }
        }
        return List.copyOf(console);
    }

    /** Console errors, less the HTTP errors declared with {@link #expectHttpError}. */
    public List<ConsoleEntry> unexpectedConsoleErrors() {
        return console().stream().filter(e -> e.level().intValue() >= Level.SEVERE.intValue())
                .filter(e -> e.httpStatus() == null || expected.stream().noneMatch(x -> x.status() == e.httpStatus()
                        && x.path().equals(URI.create(e.url()).getPath())))
                .toList();
    }

    public void assertNoConsoleErrors() {
        List<ConsoleEntry> errors = unexpectedConsoleErrors();
        if (!errors.isEmpty()) {
            throw new AssertionError("console errors in " + testName + ": " + errors);
        }
    }

    /**
     * axe-core on the current document and its frames: no violation of impact serious or critical. axe leaves the
     * driver on the top-level document.
     */
    public void assertAccessible() {
        // axe's default mode opens about:blank with window.open, which a popup blocker stops: then its legacy mode,
        // which reaches same-origin frames all the same.
        Results results = new AxeBuilder().setLegacyMode(blockPopups).analyze(driver());
        if (results.isErrored()) {
            throw new AssertionError("axe failed: " + results.getErrorMessage());
        }
        List<String> severe = results.getViolations().stream()
                .filter(rule -> "serious".equals(rule.getImpact()) || "critical".equals(rule.getImpact()))
                .map(Browser::describe).toList();
        if (!severe.isEmpty()) {
            throw new AssertionError("accessibility violations on " + driver().getCurrentUrl() + ":\n"
                    + String.join("\n", severe));
        }
    }

    private static String describe(Rule rule) {
        return rule.getImpact() + " " + rule.getId() + ": " + rule.getHelp() + " at "
                + rule.getNodes().stream().map(n -> String.valueOf(n.getTarget())).toList();
    }

    /**
     * Saves the current window to {@code target/screenshots/<Class>.<method>[-label].png} and returns the file;
     * the extension takes one without label after each test.
     */
    public Path screenshot(String label) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path file = SCREENSHOTS.resolve(testName + (label == null ? "" : "-" + label) + ".png");
        Path shot = driver().getScreenshotAs(OutputType.FILE).toPath();
        Files.move(shot, file, StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    /** Quits the browser; for use outside JUnit (the benchmark), where the extension's callbacks do not run. */
    @Override
    public void close() {
        if (driver != null) {
            driver.quit();
            driver = null;
        }
    }
}
