package io.carryover.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import io.quarkus.test.junit.QuarkusTest;

/** The browser helper itself: what it collects from the console is what the other browser tests rely on. */
@QuarkusTest
class BrowserTest {

    @Test
    void consoleErrorsAndHttpErrorsAreCollectedAndOnlyDeclaredHttpErrorsAreExcused() throws Exception {
        try (Browser browser = new Browser("BrowserTest")) {
            browser.open("/q/health/live");
            browser.await(By.tagName("body"));
            browser.driver().executeScript("console.error('deliberate'); fetch('/no-such-page-for-browser-test');");
            // Wait for both entries by name, not by count: Chromium's own request for /favicon.ico may 404 first.
            browser.until(d -> {
                List<Browser.ConsoleEntry> seen = browser.unexpectedConsoleErrors();
                return seen.stream().anyMatch(e -> e.message().contains("deliberate")) && seen.stream()
                        .anyMatch(e -> Browser.url("/no-such-page-for-browser-test").equals(e.url()));
            });

            List<Browser.ConsoleEntry> errors = browser.unexpectedConsoleErrors();
            assertTrue(errors.stream().anyMatch(e -> e.httpStatus() == null && e.message().contains("deliberate")),
                    errors::toString);
            assertTrue(errors.stream().anyMatch(e -> Integer.valueOf(404).equals(e.httpStatus())
                    && e.url().equals(Browser.url("/no-such-page-for-browser-test"))), errors::toString);

            browser.expectHttpError("/no-such-page-for-browser-test", 404);
            List<Browser.ConsoleEntry> left = browser.unexpectedConsoleErrors();
            assertTrue(left.stream().noneMatch(e -> Browser.url("/no-such-page-for-browser-test").equals(e.url())),
                    left::toString);
            assertTrue(left.stream().anyMatch(e -> e.message().contains("deliberate")), left::toString);
            assertThrows(AssertionError.class, browser::assertNoConsoleErrors);

            Path shot = browser.screenshot("evidence");
            assertTrue(Files.size(shot) > 1000, "a PNG of the page");
        }
    }
}
