package io.carryover.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

import io.carryover.testing.Browser;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** A Carryover without an agent OAuth client: the page says sign-in is not configured and asks for nothing else. */
@QuarkusTest
@TestProfile(AgentPageNotConfiguredBrowserTest.NoAgentClient.class)
class AgentPageNotConfiguredBrowserTest {

    public static class NoAgentClient implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("carryover.agent.client-id", "");
        }
    }

    @RegisterExtension
    final Browser browser = new Browser();

    @Test
    void withoutAnAgentClientThePageSaysSignInIsNotConfigured() {
        browser.expectHttpError("/agent/api/sign-in", 404);
        browser.open("/agent/?conversationid=" + UUID.randomUUID() + "&gcHostOrigin=https%3A%2F%2Fapps.mypurecloud.com");

        String state = browser.until(d -> {
            String s = d.findElement(By.tagName("body")).getAttribute("data-state");
            return "loading".equals(s) ? null : s;
        });
        assertEquals("not-configured", state);
        assertEquals("Sign-in not configured", browser.driver().findElement(By.id("notice-title")).getText());
        assertTrue(browser.driver().findElement(By.id("notice-action")).getAttribute("hidden") != null,
                "nothing to retry");
        assertEquals(1, browser.driver().getWindowHandles().size(), "no sign-in window");
        browser.assertAccessible();
    }
}
