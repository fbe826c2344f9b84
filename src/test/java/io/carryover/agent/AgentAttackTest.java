package io.carryover.agent;

import static io.carryover.testing.AgentTokens.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.carryover.testing.AgentTokens;
import io.carryover.testing.AgentTokens.Participation;
import io.carryover.testing.DatabaseLink;
import io.carryover.testing.HistorySeed;
import io.carryover.testing.HistorySeed.Line;
import io.carryover.testing.LogCapture;
import io.carryover.testing.Sandbox;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * An attacker's view of the agent API: what a signed-in agent, or anyone, can learn beyond what the page shows.
 * Each test stands for one hole found (and fixed) or one attack that must keep failing.
 */
@QuarkusTest
class AgentAttackTest {

    private static final String CARD = "4111 1111 1111 1111";
    private static final String SEARCH = "/agent/api/conversations/{gid}/search";

    private record Customer(UUID id, UUID prior, String gid) {
    }

    @AfterEach
    void reset() {
        Sandbox.platformReset();
    }

    /** A verified customer whose one prior conversation holds {@code lines}, now talking to Bob on the returned gid. */
    private static Customer servedByBob(Line... lines) {
        String gid = AgentTokens.conversation(Participation.now(AgentTokens.BOB));
        UUID customer = HistorySeed.customer("https://idp.example", "agent-attack-" + UUID.randomUUID());
        Instant now = Instant.now();
        UUID prior = HistorySeed.conversation(customer, HistorySeed.DEPLOYMENT, now.minus(Duration.ofDays(3)), null,
                List.of(lines));
        HistorySeed.conversation(customer, HistorySeed.DEPLOYMENT, now.minusSeconds(30), gid,
                List.of(Line.customer("Hello again")));
        return new Customer(customer, prior, gid);
    }

    private static JsonPath search(String token, String gid, String q) {
        return as(token).queryParam("q", q).get(SEARCH, gid).then().statusCode(200).extract().jsonPath();
    }

    // Hole: the raw-text candidates honoured "-term", so "pizza -<card>" left out exactly the messages holding the
    // card number, while the redacted texts all matched: comparing with "pizza" confirmed a guessed card number.
    @Test
    void negationCannotConfirmARedactedValue() {
        Customer c = servedByBob(Line.customer("pizza order, pay with " + CARD),
                Line.customer("pizza order, pay at the door"));
        String bob = AgentTokens.token(AgentTokens.BOB);
        assertEquals(2, search(bob, c.gid(), "pizza").getList("hits").size());

        for (String q : List.of("pizza -4111", "pizza<->4111", "pizza -\"" + CARD + "\"", "pizza or -4111",
                "-4111")) {
            as(bob).queryParam("q", q).get(SEARCH, c.gid()).then().statusCode(400)
                    .body("type", equalTo("urn:carryover:problem:invalid-query"));
        }
        // A hyphen inside a word is no negation; a phrase and OR still work.
        search(bob, c.gid(), "pizza-order");
        assertEquals(2, search(bob, c.gid(), "\"pizza order\"").getList("hits").size());
        assertEquals(2, search(bob, c.gid(), "pizza or 4111").getList("hits").size());
    }

    // Hole: hits came in raw-text rank order, so "pizza or <card>" put the messages holding the card first.
    @Test
    void hitOrderDoesNotDependOnRedactedText() {
        Customer c = servedByBob(Line.customer("pizza for the office"),
                Line.customer("pizza paid with " + CARD),
                Line.customer("pizza with extra cheese"));
        String bob = AgentTokens.token(AgentTokens.BOB);
        List<String> guessedRight = search(bob, c.gid(), "pizza or 4111").getList("hits.messageId");
        List<String> guessedWrong = search(bob, c.gid(), "pizza or 5555").getList("hits.messageId");
        assertEquals(3, guessedRight.size());
        assertEquals(guessedWrong, guessedRight, "the order tells which message held the card number");
    }

    // Hole: an agent participant who was only offered the conversation (alerted, declined or missed; no
    // connectedTime) passed the participant check, and for the grace period after it too.
    @Test
    void anAgentWhoWasOnlyOfferedTheConversationMayNotLook() {
        Customer c = servedByBob(Line.customer("my parcel"));
        Instant now = Instant.now();
        String carol = AgentTokens.token(AgentTokens.CAROL);
        for (Map<String, Object> offer : List.of(
                Map.<String, Object>of("user", AgentTokens.CAROL, "offeredOnly", true),
                Map.<String, Object>of("user", AgentTokens.CAROL, "offeredOnly", true, "endTime",
                        now.minusSeconds(30).toString()))) {
            given().contentType(ContentType.JSON).body(offer)
                    .post("/sandbox/api/platform/conversations/{gid}/agents", c.gid()).then().statusCode(200);
        }
        List<Object> offered = Sandbox.platformConversation(c.gid()).getList(
                "participants.findAll { it.user?.id == '" + AgentTokens.CAROL_ID + "' }.connectedTime");
        assertEquals(java.util.Arrays.asList(null, null), offered, "offers carry no connectedTime");
        as(carol).get("/agent/api/conversations/{gid}/context", c.gid()).then().statusCode(403)
                .body("type", equalTo("urn:carryover:problem:agent-access-denied"));
        // Bob, who answered, still may.
        as(AgentTokens.token(AgentTokens.BOB)).get("/agent/api/conversations/{gid}/context", c.gid()).then()
                .statusCode(200);
    }

    @Test
    void redactedValuesAreNotFoundWhateverTheSyntax() {
        Customer c = servedByBob(Line.customer("pizza paid with " + CARD + ", mail jane.doe@example.com"),
                Line.customer("pizza call me on +44 20 7946 0958"));
        String bob = AgentTokens.token(AgentTokens.BOB);
        for (String q : List.of("1111", "4111:*", "4111*", "\"4111 1111\"", "4111 or 1111", "4111 OR jane",
                "jane.doe@example.com", "doe", "example.com", "7946", "0958", "+44", "\"20 7946\"",
                "'4111'", "4111 & 1111", "4111 | 1111", "(4111)")) {
            assertEquals(List.of(), search(bob, c.gid(), q).getList("hits"), "q=" + q);
        }
        assertEquals(2, search(bob, c.gid(), "pizza").getList("hits").size());
    }

    @Test
    void genesysThrottlingIsA503WithItsRetryAfterAndNothingIsKept() {
        Customer c = servedByBob(Line.customer("my parcel"));
        String bob = AgentTokens.token(AgentTokens.BOB);
        Sandbox.platformFault(Map.of("status", 429, "count", 5, "endpoint", "conversation", "conversationId", c.gid()));
        as(bob).get("/agent/api/conversations/{gid}/context", c.gid()).then().statusCode(503)
                .header("Retry-After", org.hamcrest.Matchers.matchesPattern("[1-9][0-9]*"))
                .body("type", equalTo("urn:carryover:problem:platform-unavailable"))
                .body(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("parcel")));
        Sandbox.platformReset();
        as(bob).get("/agent/api/conversations/{gid}/context", c.gid()).then().statusCode(200);
    }

    @Test
    void aDatabaseOutageIsA503ProblemWithoutTheQuery() {
        Customer c = servedByBob(Line.customer("my parcel"));
        String bob = AgentTokens.token(AgentTokens.BOB);
        as(bob).get("/agent/api/conversations/{gid}/context", c.gid()).then().statusCode(200);
        try {
            DatabaseLink.cutDatabase();
            as(bob).get("/agent/api/conversations/{gid}/context", c.gid()).then().statusCode(503)
                    .body("type", equalTo("urn:carryover:problem:database-unavailable"));
            as(bob).queryParam("q", "secretwordofacustomer").get(SEARCH, c.gid()).then().statusCode(503)
                    .body("type", equalTo("urn:carryover:problem:database-unavailable"))
                    .body(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("secretword")))
                    .body(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("Exception")));
        } finally {
            DatabaseLink.restoreDatabase();
        }
        as(bob).get("/agent/api/conversations/{gid}/context", c.gid()).then().statusCode(200);
    }

    @Test
    void markupInMessagesComesBackAsTextAndEscapedSnippets() {
        String attack = "<img src=x onerror=alert(1)> parcel </mark><script>alert(2)</script>";
        Customer c = servedByBob(Line.customer(attack));
        String bob = AgentTokens.token(AgentTokens.BOB);
        JsonPath transcript = as(bob).get("/agent/api/conversations/{gid}/conversations/{id}/messages", c.gid(),
                c.prior()).then().statusCode(200).extract().jsonPath();
        assertEquals(attack, transcript.getString("messages[0].text"), "JSON text, rendered by textContent");

        String snippet = search(bob, c.gid(), "parcel").getString("hits[0].snippet");
        String withoutMarks = snippet.replace("<mark>parcel</mark>", "");
        assertFalse(withoutMarks.contains("<") || withoutMarks.contains(">"), snippet);
        assertTrue(snippet.contains("&lt;img"), snippet);
    }

    @Test
    void publicRoutesOpenNothingElse() {
        Customer c = servedByBob(Line.customer("my parcel"));
        for (String path : List.of("/agent/api/sign-in/../conversations/" + c.gid() + "/context",
                "/agent/api/sign-in/..%2Fconversations/" + c.gid() + "/context",
                "/agent/api/sign-in;x/../conversations/" + c.gid() + "/context",
                "/agent/../agent/api/conversations/" + c.gid() + "/context",
                "/agent/api/conversations/" + c.gid() + "/context/",
                "/agent/api/conversations/" + c.gid() + "/conversations/" + c.prior() + "/messages/",
                "/agent/api/conversations/" + c.gid() + "%2Fcontext",
                "/agent/api/conversations/" + c.gid().toUpperCase() + "/context")) {
            var response = given().urlEncodingEnabled(false).redirects().follow(false).get(path);
            int status = response.statusCode();
            assertTrue(status == 401 || status == 404 || status == 400, path + " answered " + status);
            assertFalse(response.asString().contains("parcel"), path);
        }
        for (String path : List.of("/agent/api/sign-in/", "/agent/api//sign-in", "/agent/api/sign-in;x",
                "/agent/api/SIGN-IN")) {
            var response = given().urlEncodingEnabled(false).redirects().follow(false).get(path);
            int status = response.statusCode();
            assertTrue(status == 200 || status == 404 || status == 401 || status == 400, path + " answered " + status);
            if (status == 200) {
                assertEquals("carryover-agent-page", response.jsonPath().getString("clientId"), path);
            }
        }
    }

    @Test
    void theHostOriginHintNeitherWidensFramingNorChoosesALogin() {
        for (String host : List.of("https://evil.example", "https://apps.mypurecloud.com.evil.example",
                "'self' https://evil.example", "javascript:alert(1)")) {
            var page = given().queryParam("gcHostOrigin", host).get("/agent/");
            String csp = page.header("Content-Security-Policy");
            assertTrue(csp.endsWith("frame-ancestors 'self'"), csp);
            assertFalse(csp.contains("evil"), csp);
            given().queryParam("hostOrigin", host).get("/agent/api/sign-in").then().statusCode(200)
                    .body("authorizeUrl", equalTo("http://localhost:" + io.carryover.testing.Guest.PORT
                            + "/sandbox/platform/login/oauth/authorize"));
        }
    }

    @Test
    void anAgentTokenOpensNeitherTheDataActionNorTheHistoryApi() {
        Customer c = servedByBob(Line.customer("my parcel"));
        String bob = AgentTokens.token(AgentTokens.BOB);
        as(bob).contentType(ContentType.JSON).body("{\"conversationId\":\"" + c.gid() + "\",\"sub\":\"x\"}")
                .post("/architect/summary").then().statusCode(401);
        as(bob).queryParam("q", "parcel").get("/api/v1/search").then().statusCode(401);
        // Bob's token as Basic credentials: still nothing.
        given().auth().preemptive().basic("agent", bob).contentType(ContentType.JSON)
                .body("{\"conversationId\":\"" + c.gid() + "\",\"sub\":\"x\"}").post("/architect/summary")
                .then().statusCode(401);
    }

    @Test
    void logsHoldNeitherTokensNorMessageTextNorQueries() {
        Customer c = servedByBob(Line.customer("zebracrossing near the parcel depot"));
        String bob = AgentTokens.token(AgentTokens.BOB);
        try (LogCapture logs = LogCapture.start()) {
            as(bob).get("/agent/api/conversations/{gid}/context", c.gid()).then().statusCode(200);
            as(bob).get("/agent/api/conversations/{gid}/conversations/{id}/messages", c.gid(), c.prior())
                    .then().statusCode(200);
            search(bob, c.gid(), "zebracrossing");
            as("forged-" + bob).get("/agent/api/conversations/{gid}/context", c.gid()).then().statusCode(401);
            String unknown = UUID.randomUUID().toString();
            Sandbox.platformFault(java.util.Map.of("status", 503, "count", 10, "endpoint", "conversation",
                    "conversationId", unknown));
            as(bob).get("/agent/api/conversations/{gid}/context", unknown).then().statusCode(503);
            for (LogCapture.Line line : logs.lines()) {
                assertFalse(line.text().contains(bob), "token in " + line);
                assertFalse(line.text().toLowerCase(java.util.Locale.ROOT).contains("zebracrossing"),
                        "message text or query in " + line);
            }
        }
    }
}
