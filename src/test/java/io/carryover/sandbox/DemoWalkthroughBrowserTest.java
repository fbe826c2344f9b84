package io.carryover.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.JsonNode;

import io.carryover.testing.Browser;
import io.carryover.testing.Guest;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The README's walkthrough on the demo page in headless Chromium, as a newcomer clicks it: sign in, chat, the agent
 * ends, start new, see the context (the agent panel's summary and the agent page framed as Genesys frames it, signed
 * in through the sandbox's Genesys login popup), pull mode in one click; the steps follow, and nothing is logged to
 * the console as an error (the extension fails the test otherwise).
 */
@QuarkusTest
class DemoWalkthroughBrowserTest {

    /** Enrichment waits for the archive's batch and the Platform: generous on a loaded machine, not a timing claim. */
    private static final Duration SETTLE = Duration.ofSeconds(45);

    @RegisterExtension
    final Browser browser = new Browser();

    @Test
    void aNewcomerGoesFromTheFirstLoadToTheAgentSeeingThePriorConversation() throws Exception {
        String customer = "walk-" + UUID.randomUUID().toString().substring(0, 8);
        browser.open("/");
        assertTrue(browser.driver().getCurrentUrl().endsWith("/sandbox/"), browser.driver().getCurrentUrl());
        assertEquals("1", currentStep(), "the walkthrough shows from the first load");
        assertNotNull(browser.driver().findElement(By.id("agent-join")).getAttribute("disabled"),
                "the agent cannot act before a chat exists");
        assertFalse(text("agent-note").isBlank(), "and the page says why");

        WebElement subject = browser.await(By.id("subject"));
        subject.clear();
        subject.sendKeys(customer);
        click("signin-btn");
        browser.until(d -> text("identity-status").contains(customer));
        click("connect-btn");
        browser.until(d -> browser.driver().findElement(By.id("message")).isEnabled());
        assertEquals("2", currentStep());

        say("My card 4111 1111 1111 1111 was declined");
        browser.until(d -> "3".equals(currentStep()));
        // The tests' sandbox has no auto-reply: the agent answers from the agent panel.
        browser.driver().findElement(By.id("reply-text")).sendKeys("The block is lifted, please try again.");
        click("reply-btn");
        browser.until(d -> text("transcript").contains("The block is lifted"));
        click("agent-disconnect");
        browser.until(d -> "4".equals(currentStep()));

        click("startnew-btn");
        browser.until(d -> browser.driver().findElement(By.id("message")).isEnabled());
        say("Hello again");
        browser.until(d -> "5".equals(currentStep()));
        new WebDriverWait(browser.driver(), SETTLE).until(d -> "patched".equals(text("enrich-status")));
        browser.until(d -> text("pdata").contains("carryover.headline"));
        assertTrue(text("pdata").contains("[card]"), "the agent's view is redacted: " + text("pdata"));
        assertFalse(text("pdata").contains("4111"), text("pdata"));

        // Pull mode, with the tests' data-action password.
        WebElement secret = browser.driver().findElement(By.id("pull-secret"));
        secret.clear();
        secret.sendKeys("test-secret");
        click("pull-btn");
        browser.until(d -> text("pull-result").startsWith("HTTP "));
        String pulled = text("pull-result");
        assertTrue(pulled.startsWith("HTTP 200"), pulled);
        JsonNode fields = Guest.parse(pulled.substring(pulled.indexOf('\n') + 1));
        assertTrue(fields.path("found").asBoolean(), pulled);
        assertEquals(1, fields.path("conversations").asInt(), pulled);

        // The agent takes the conversation: the agent page opens framed, signs in through the popup, shows the context.
        click("agent-join");
        WebElement frame = browser.await(By.id("agent-frame"));
        assertEquals("allow-scripts allow-same-origin allow-forms allow-modals allow-popups",
                frame.getAttribute("sandbox"));
        assertTrue(frame.getAttribute("src").contains("conversationid=") && frame.getAttribute("src")
                .contains("gcTargetEnv=sandbox"), frame.getAttribute("src"));
        String demo = browser.driver().getWindowHandle();
        WebDriver inFrame = browser.driver().switchTo().frame(frame);
        browser.until(d -> List.of("signed-out", "signing-in").contains(bodyState(inFrame)));
        if (browser.driver().getWindowHandles().size() == 1) {
            inFrame.findElement(By.id("notice-action")).click(); // a popup needs the agent's click
        }
        browser.until(d -> d.getWindowHandles().size() > 1);
        String popup = browser.driver().getWindowHandles().stream().filter(h -> !h.equals(demo)).findFirst()
                .orElseThrow();
        browser.driver().switchTo().window(popup);
        browser.await(By.cssSelector("button[name=user][value=bob]")).click();
        browser.driver().switchTo().window(demo);
        browser.driver().switchTo().frame(browser.driver().findElement(By.id("agent-frame")));
        browser.await(By.cssSelector("body[data-state=ready]"));
        assertTrue(text("summary-headline").contains("[card]"), text("summary-headline"));
        List<WebElement> earlier = browser.driver().findElements(By.cssSelector("#timeline-list details"));
        assertEquals(1, earlier.size(), "one earlier conversation");
        earlier.get(0).findElement(By.tagName("summary")).click();
        browser.until(d -> earlier.get(0).getText().contains("was declined"));
        String transcript = earlier.get(0).getText();
        assertTrue(transcript.contains("[card]") && !transcript.contains("4111"), transcript);

        browser.driver().switchTo().defaultContent();
        browser.screenshot("context");
    }

    @Test
    void aReloadResumesTheThreadAsTheSameCustomerEverywhere() {
        String customer = "reload-" + UUID.randomUUID().toString().substring(0, 8);
        browser.open("/sandbox/");
        WebElement subject = browser.await(By.id("subject"));
        subject.clear();
        subject.sendKeys(customer);
        click("signin-btn");
        browser.until(d -> text("identity-status").contains(customer));
        click("connect-btn");
        browser.until(d -> browser.driver().findElement(By.id("message")).isEnabled());
        say("Is my order on its way?");
        browser.until(d -> "3".equals(currentStep()));

        browser.driver().navigate().refresh();
        browser.until(d -> text("identity-status").contains(customer));
        assertEquals(customer, browser.driver().findElement(By.id("subject")).getAttribute("value"));
        assertTrue(text("pdata-status").contains("Connect to resume"), text("pdata-status"));
        click("connect-btn");
        browser.until(d -> text("transcript").contains("Resumed the existing session"));
        browser.until(d -> "3".equals(currentStep()));
        assertTrue(text("identity-status").contains(customer));
    }

    private String currentStep() {
        List<WebElement> current = browser.driver().findElements(By.cssSelector("#steps li[aria-current=step]"));
        return current.isEmpty() ? null : current.get(0).getAttribute("data-step");
    }

    private void say(String text) {
        WebElement message = browser.driver().findElement(By.id("message"));
        message.sendKeys(text);
        click("send-btn");
    }

    private void click(String id) {
        browser.until(d -> {
            WebElement button = d.findElement(By.id(id));
            return button.isEnabled() ? button : null;
        }).click();
    }

    private String text(String id) {
        return browser.driver().findElement(By.id(id)).getText();
    }

    private static String bodyState(WebDriver driver) {
        return driver.findElement(By.tagName("body")).getAttribute("data-state");
    }
}
