package io.carryover.agent;

import static io.carryover.testing.AgentTokens.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import io.carryover.identity.CustomerKey;
import io.carryover.testing.AgentTokens;
import io.carryover.testing.AgentTokens.Participation;
import io.carryover.testing.Browser;
import io.carryover.testing.HistorySeed;
import io.carryover.testing.HistorySeed.Line;
import io.carryover.testing.Sandbox;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * The agent page in headless Chromium against the sandbox's emulated Genesys: the real sign-in (popup when framed as
 * the interaction widget is, redirect otherwise), the agent API and the archive. Each state is checked with axe.
 */
@QuarkusTest
class AgentPageBrowserTest {

    /** What Genesys puts in gcHostOrigin; only a hint for choosing the region. */
    private static final String HOST_ORIGIN = "https://apps.mypurecloud.com";
    private static final String PARCEL = "My parcel 4471 never arrived, tracking says delivered";
    private static final String SCRIPT = "Is <script>window.pwned = 1</script> a parcel name?";
    private static final By STATE = By.cssSelector("body[data-state]");

    @RegisterExtension
    final Browser browser = new Browser();

    /** A verified customer with two prior conversations and a current one, Genesys conversation gid. */
    private record Customer(UUID id, UUID older, UUID newer, String gid) {
    }

    @AfterEach
    void reset() {
        Sandbox.platformReset();
    }

    private static Customer returningCustomer(Participation... agents) {
        String gid = AgentTokens.conversation(agents);
        UUID customer = HistorySeed.customer(Sandbox.ISSUER, "agent-page-" + UUID.randomUUID());
        Instant now = Instant.now();
        UUID older = HistorySeed.conversation(customer, HistorySeed.DEPLOYMENT, now.minus(Duration.ofDays(9)), null,
                List.of(Line.customer(PARCEL), Line.agent("Sorry about that, I will check back with you on Friday")));
        UUID newer = HistorySeed.conversation(customer, HistorySeed.DEPLOYMENT, now.minus(Duration.ofDays(2)), null,
                List.of(Line.customer("Please refund to card 4111 1111 1111 1111"), Line.customer(SCRIPT),
                        Line.agent("The refund for your parcel is on its way, I will email the confirmation")));
        HistorySeed.conversation(customer, HistorySeed.DEPLOYMENT, now.minusSeconds(30), gid,
                List.of(Line.customer("Hello again about my parcel")));
        return new Customer(customer, older, newer, gid);
    }

    private static String widgetQuery(String gid, String... extra) {
        StringBuilder query = new StringBuilder("?conversationid=" + gid + "&gcHostOrigin="
                + URLEncoder.encode(HOST_ORIGIN, StandardCharsets.UTF_8) + "&gcTargetEnv=sandbox");
        for (String parameter : extra) {
            query.append('&').append(parameter);
        }
        return query.toString();
    }

    /** The agent page framed by a page of an allowed origin, as Genesys's interaction widget frames it. */
    private void openFramed(String gid) {
        browser.open("/widget-host/" + widgetQuery(gid));
    }

    /** Signs in at the sandbox's Genesys login picker, in the sign-in popup the framed page opened. */
    private void signInInPopup(String user) {
        String page = browser.driver().getWindowHandle();
        browser.switchToNewWindow(Set.of(page));
        browser.await(By.cssSelector("button[name=user][value=" + user + "]")).click();
        browser.driver().switchTo().window(page);
        browser.until(d -> d.getWindowHandles().size() == 1);
        browser.driver().switchTo().frame(browser.await(By.id("widget")));
    }

    /** Opens the page unframed: it redirects to the sandbox's login, which redirects back once a user is chosen. */
    private void openSignedIn(String gid, String user, String... extra) {
        browser.open("/agent/" + widgetQuery(gid, extra));
        browser.await(By.cssSelector("button[name=user][value=" + user + "]")).click();
        browser.until(d -> URI.create(d.getCurrentUrl()).getPath().equals("/agent/")
                && d.getCurrentUrl().contains("conversationid=" + gid));
    }

    private String awaitState(String... expected) {
        List<String> states = List.of(expected);
        return browser.until(d -> {
            String state = d.findElement(STATE).getAttribute("data-state");
            return states.contains(state) ? state : null;
        });
    }

    private String text(By by) {
        return browser.driver().findElement(by).getText();
    }

    /** The access token the page keeps for its session (what it sends to Carryover). */
    private String pageToken() {
        Object token = browser.driver().executeScript("""
                for (let i = 0; i < sessionStorage.length; i++) {
                  const key = sessionStorage.key(i);
                  if (key.startsWith('carryover.agent.token:')) return JSON.parse(sessionStorage.getItem(key)).accessToken;
                }
                return null;""");
        assertNotNull(token, "the page keeps a token after signing in");
        return (String) token;
    }

    @Test
    void theAgentOnTheConversationSignsInThroughThePopupAndSeesSummaryTranscriptsAndSearch() throws Exception {
        Customer c = returningCustomer(Participation.now(AgentTokens.BOB));

        openFramed(c.gid());
        signInInPopup(AgentTokens.BOB);
        assertEquals("ready", awaitState("ready"));
        assertEquals("Signed in as Bob Agent", text(By.id("who")));
        assertAccessibleFramed();

        // The timeline: both prior conversations, newest first, the current one left out.
        List<WebElement> entries = browser.driver().findElements(By.cssSelector("#timeline-list > li > details"));
        assertEquals(List.of(c.newer().toString(), c.older().toString()),
                entries.stream().map(e -> e.getAttribute("data-conversation-id")).toList());
        assertEquals(Instant.parse(browser.driver().findElement(By.cssSelector(
                "#conversation-" + c.newer() + " time")).getAttribute("datetime")).getEpochSecond(),
                as(pageToken()).get("/agent/api/conversations/{gid}/context", c.gid()).then().statusCode(200)
                        .extract().jsonPath().<String>getList("conversations.startedAt").stream()
                        .map(Instant::parse).findFirst().orElseThrow().getEpochSecond());

        // Keyboard: tab to the older conversation's summary and open it with Enter; its transcript is fetched then.
        WebElement older = browser.driver().findElement(By.cssSelector("#conversation-" + c.older() + " > summary"));
        tabTo(older);
        older.sendKeys(Keys.ENTER);
        WebElement transcript = browser.await(By.cssSelector("#conversation-" + c.older() + " .messages"));
        assertEquals(List.of(PARCEL, "Sorry about that, I will check back with you on Friday"),
                transcript.findElements(By.cssSelector(".message .text")).stream().map(WebElement::getText).toList());
        assertEquals("true", browser.driver().findElement(By.cssSelector("#conversation-" + c.older()))
                .getAttribute("open"));

        // Message text is text: the script in a message shows as written and never runs.
        browser.driver().findElement(By.cssSelector("#conversation-" + c.newer() + " > summary")).click();
        browser.until(d -> d.findElements(By.cssSelector("#conversation-" + c.newer() + " .message .text")).stream()
                .anyMatch(e -> e.getText().equals(SCRIPT)));
        assertEquals(Boolean.TRUE, browser.driver().executeScript("return window.pwned === undefined"));

        citedMessageLinksHighlightTheirMessages(c);
        searchShowsMarkedHits(c);
        assertAccessibleFramed();
    }

    /** axe from the host page, frames included; it leaves the driver on the host page, so back into the frame. */
    private void assertAccessibleFramed() {
        browser.driver().switchTo().defaultContent();
        browser.assertAccessible();
        browser.driver().switchTo().frame(browser.await(By.id("widget")));
    }

    /** Each summary line's link opens its conversation and highlights exactly the messages the line cites. */
    private void citedMessageLinksHighlightTheirMessages(Customer c) {
        JsonPath context = as(pageToken()).get("/agent/api/conversations/{gid}/context", c.gid()).then()
                .statusCode(200).extract().jsonPath();
        List<Map<String, Object>> lines = context.getList("summary.lines");
        List<WebElement> items = browser.driver().findElements(By.cssSelector("#summary-lines li[data-line]"));
        assertEquals(lines.size(), items.size());
        int links = 0;
        for (int i = 0; i < lines.size(); i++) {
            @SuppressWarnings("unchecked")
            List<String> cited = (List<String>) lines.get(i).get("messageIds");
            List<WebElement> link = items.get(i).findElements(By.cssSelector(":scope > a.cite"));
            if (cited == null || cited.isEmpty() || lines.get(i).get("conversationId") == null) {
                assertTrue(link.isEmpty(), "no link without citations");
                continue;
            }
            links++;
            link.get(0).click();
            Set<String> expected = cited.stream().map(id -> "message-" + id).collect(Collectors.toSet());
            browser.until(d -> highlighted().equals(expected));
            assertEquals("true", browser.driver().findElement(
                    By.id("conversation-" + lines.get(i).get("conversationId"))).getAttribute("open"));
            assertTrue(expected.contains(browser.driver().switchTo().activeElement().getAttribute("id")),
                    "focus moves to the first cited message");
        }
        assertTrue(links > 0, "the summary cites messages: " + lines);
    }

    private Set<String> highlighted() {
        return new HashSet<>(browser.driver().findElements(By.cssSelector(".message.cited")).stream()
                .map(e -> e.getAttribute("id")).toList());
    }

    private void searchShowsMarkedHits(Customer c) {
        WebElement query = browser.driver().findElement(By.id("search-query"));
        query.sendKeys("parcel", Keys.ENTER);
        List<WebElement> hits = browser.until(d -> {
            List<WebElement> found = d.findElements(By.cssSelector("#search-hits > li"));
            return found.isEmpty() ? null : found;
        });
        List<Map<String, String>> expected = as(pageToken()).queryParam("q", "parcel").queryParam("limit", 20)
                .get("/agent/api/conversations/{gid}/search", c.gid()).then().statusCode(200).extract().jsonPath()
                .getList("hits");
        assertEquals(expected.size(), hits.size());
        for (int i = 0; i < hits.size(); i++) {
            WebElement snippet = hits.get(i).findElement(By.className("snippet"));
            String server = expected.get(i).get("snippet");
            // Exactly the server's <mark> pairs become elements; everything else is the snippet's text, unescaped.
            assertEquals(marked(server), snippet.findElements(By.tagName("mark")).stream()
                    .map(WebElement::getText).toList(), server);
            assertTrue(marked(server).stream().allMatch(m -> m.equalsIgnoreCase("parcel")), server);
            assertEquals(0, snippet.findElements(By.cssSelector(":not(mark)")).size(), server);
            assertEquals(unescaped(server), snippet.getAttribute("textContent"), server);
        }
        // A hit opens its conversation and highlights the message.
        hits.get(0).findElement(By.tagName("a")).click();
        browser.until(d -> highlighted().equals(Set.of("message-" + expected.get(0).get("messageId"))));
    }

    private static final Pattern MARK = Pattern.compile("<mark>(.*?)</mark>");

    private static List<String> marked(String snippet) {
        return MARK.matcher(snippet).results().map(m -> unescaped(m.group(1))).toList();
    }

    private static String unescaped(String snippet) {
        return snippet.replace("<mark>", "").replace("</mark>", "").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
    }

    private void tabTo(WebElement target) {
        for (int i = 0; i < 40; i++) {
            if (target.equals(browser.driver().switchTo().activeElement())) {
                return;
            }
            browser.driver().switchTo().activeElement().sendKeys(Keys.TAB);
        }
        throw new AssertionError("Tab never reached " + target.getAttribute("outerHTML"));
    }

    @Test
    void aBlockedPopupLeavesASignInButtonThatOpensIt() {
        browser.blockingPopups();
        Customer c = returningCustomer(Participation.now(AgentTokens.BOB));

        openFramed(c.gid());
        browser.driver().switchTo().frame(browser.await(By.id("widget")));
        assertEquals("signed-out", awaitState("signed-out", "signing-in"));
        assertEquals(1, browser.driver().getWindowHandles().size(), "no popup without a click");
        WebElement signIn = browser.await(By.id("notice-action"));
        assertEquals("Sign in", signIn.getText());
        assertAccessibleFramed();

        // Enter on the button is the user gesture a popup needs.
        browser.driver().findElement(By.id("notice-action")).sendKeys(Keys.ENTER);
        signInInPopup(AgentTokens.BOB);
        assertEquals("ready", awaitState("ready"));
    }

    @Test
    void aTokenCarryoverRefusesMakesThePageSignInAgainOnce() {
        Customer c = returningCustomer(Participation.now(AgentTokens.BOB));
        openSignedIn(c.gid(), AgentTokens.BOB);
        awaitState("ready");

        // The session's token stops being valid (expired or revoked at Genesys): 401, then a new sign-in.
        browser.driver().executeScript("""
                for (let i = 0; i < sessionStorage.length; i++) {
                  const key = sessionStorage.key(i);
                  if (key.startsWith('carryover.agent.token:')) {
                    const token = JSON.parse(sessionStorage.getItem(key));
                    token.accessToken = 'revoked-' + token.accessToken;
                    sessionStorage.setItem(key, JSON.stringify(token));
                  }
                }""");
        browser.expectHttpError("/agent/api/conversations/" + c.gid() + "/context", 401);
        browser.driver().navigate().refresh();
        browser.await(By.cssSelector("button[name=user][value=" + AgentTokens.BOB + "]")).click();
        assertEquals("ready", awaitState("ready"));
        assertFalse(pageToken().startsWith("revoked-"));
    }

    @Test
    void anAgentWhoIsNotOnTheConversationSeesAccessDeniedAndNoCustomerData() {
        Customer c = returningCustomer(Participation.now(AgentTokens.BOB));
        browser.expectHttpError("/agent/api/conversations/" + c.gid() + "/context", 403);

        openSignedIn(c.gid(), AgentTokens.CAROL);
        assertEquals("access-denied", awaitState("access-denied"));
        browser.assertAccessible();

        // Nothing of the customer reached the page: not in the DOM, and the only API answer was the 403.
        String source = browser.driver().getPageSource();
        for (String customerText : List.of("parcel", "4471", "refund", "Agent Smith", c.newer().toString())) {
            assertFalse(source.contains(customerText), customerText + " in the page");
        }
        List<Map<String, Object>> calls = apiCalls();
        assertTrue(calls.stream().allMatch(call -> call.get("path").equals("/agent/api/sign-in")
                || call.get("path").equals("/agent/api/conversations/" + c.gid() + "/context")), calls.toString());
        assertTrue(calls.stream().anyMatch(call -> Long.valueOf(403).equals(call.get("status"))), calls.toString());
        JsonPath denied = as(pageToken()).get("/agent/api/conversations/{gid}/context", c.gid()).then()
                .statusCode(403).extract().jsonPath();
        assertEquals("urn:carryover:problem:agent-access-denied", denied.getString("type"));
        assertFalse(denied.prettify().contains("parcel"));
    }

    /** The page's requests to Carryover's agent API (path, HTTP status), from the browser's resource timing. */
    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> apiCalls() {
        return (List<Map<String, Object>>) browser.driver().executeScript("""
                return performance.getEntriesByType('resource')
                  .map(e => ({ path: new URL(e.name).pathname, status: e.responseStatus }))
                  .filter(e => e.path.startsWith('/agent/api/'));""");
    }

    @Test
    void aGuestConversationShowsTheGuestState() {
        String gid = AgentTokens.conversation(Participation.now(AgentTokens.BOB));
        UUID guest = HistorySeed.customer(CustomerKey.GUEST_ISSUER, "guest-" + UUID.randomUUID());
        HistorySeed.conversation(guest, HistorySeed.DEPLOYMENT, Instant.now().minus(Duration.ofDays(1)), null,
                List.of(Line.customer("An earlier guest chat about invoices")));
        HistorySeed.conversation(guest, HistorySeed.DEPLOYMENT, Instant.now().minusSeconds(30), gid,
                List.of(Line.customer("Hi, I am a guest")));

        openSignedIn(gid, AgentTokens.BOB);
        assertEquals("guest", awaitState("guest", "ready", "first-contact"));
        assertTrue(browser.driver().findElement(By.id("timeline")).getAttribute("hidden") != null);
        assertFalse(browser.driver().getPageSource().contains("invoices"));
        browser.assertAccessible();
    }

    @Test
    void aFirstContactShowsTheFirstContactState() {
        String gid = AgentTokens.conversation(Participation.now(AgentTokens.BOB));
        UUID customer = HistorySeed.customer(Sandbox.ISSUER, "first-" + UUID.randomUUID());
        HistorySeed.conversation(customer, HistorySeed.DEPLOYMENT, Instant.now().minusSeconds(30), gid,
                List.of(Line.customer("Hello, first time here")));

        openSignedIn(gid, AgentTokens.BOB);
        assertEquals("first-contact", awaitState("first-contact", "ready", "guest"));
        assertEquals("First contact", text(By.id("notice-title")));
        browser.assertAccessible();
    }

    @Test
    void aConversationNotArchivedYetIsPolledUntilItIs() {
        String gid = AgentTokens.conversation(Participation.now(AgentTokens.BOB));

        openSignedIn(gid, AgentTokens.BOB);
        assertEquals("not-correlated", awaitState("not-correlated"));
        assertTrue(text(By.id("notice-text")).contains("Checking again"), text(By.id("notice-text")));
        browser.assertAccessible();

        UUID customer = HistorySeed.customer(Sandbox.ISSUER, "late-" + UUID.randomUUID());
        HistorySeed.conversation(customer, HistorySeed.DEPLOYMENT, Instant.now().minusSeconds(5), gid,
                List.of(Line.customer("Now archived")));
        assertEquals("first-contact", awaitState("first-contact"));
    }

    @Test
    void theHostsDarkThemeAndTheSystemPreferenceBothGiveTheDarkTheme() {
        Customer c = returningCustomer(Participation.now(AgentTokens.BOB));

        openSignedIn(c.gid(), AgentTokens.BOB, "theme=dark");
        awaitState("ready");
        assertTrue(backgroundLuminance() < 0.05, "theme=dark: dark background");
        browser.assertAccessible();

        // No parameter: the system preference decides; theme=light overrides it.
        browser.prefersColorScheme("dark");
        browser.open("/agent/" + widgetQuery(c.gid()));
        awaitState("ready");
        assertTrue(backgroundLuminance() < 0.05, "prefers-color-scheme: dark");
        browser.assertAccessible();
        browser.open("/agent/" + widgetQuery(c.gid(), "theme=light"));
        awaitState("ready");
        assertTrue(backgroundLuminance() > 0.9, "theme=light wins over the system preference");
    }

    private static final Pattern RGB = Pattern.compile("rgba?\\((\\d+), (\\d+), (\\d+)");

    /** Relative luminance (WCAG) of the body's computed background. */
    private double backgroundLuminance() {
        String colour = (String) browser.driver().executeScript(
                "return getComputedStyle(document.body).backgroundColor");
        Matcher rgb = RGB.matcher(colour);
        assertTrue(rgb.find(), colour);
        double[] channel = new double[3];
        for (int i = 0; i < 3; i++) {
            double v = Integer.parseInt(rgb.group(i + 1)) / 255.0;
            channel[i] = v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * channel[0] + 0.7152 * channel[1] + 0.0722 * channel[2];
    }

    @Test
    void withoutAConversationIdThePageSaysWhereToOpenIt() {
        browser.open("/agent/");
        assertEquals("no-conversation", awaitState("no-conversation"));
        browser.assertAccessible();
    }
}
