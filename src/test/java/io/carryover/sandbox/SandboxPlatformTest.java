package io.carryover.sandbox;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.carryover.testing.Guest;
import io.carryover.testing.Sandbox;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * The emulated Platform API over real HTTP, on conversations opened by real guest sockets: OAuth client
 * credentials, message details (with lag), conversations, participant attributes, rate limit, faults, request log.
 */
@QuarkusTest
class SandboxPlatformTest {

    private static final String TOKEN_PATH = "/sandbox/platform/login/oauth/token";
    private static final String DETAILS = "/sandbox/platform/api/v2/conversations/messages/{id}/details";
    private static final String CONVERSATION = "/sandbox/platform/api/v2/conversations/messages/{id}";
    private static final String ATTRIBUTES = "/sandbox/platform/api/v2/conversations/{c}/participants/{p}/attributes";
    private static final String MESSAGING_ATTRIBUTES =
            "/sandbox/platform/api/v2/conversations/messages/{c}/participants/{p}/attributes";

    @AfterEach
    void reset() {
        Sandbox.platformReset();
    }

    // ---- OAuth

    @Test
    void clientCredentialsGetABearerToken() {
        int lifetime = given().get("/sandbox/api/platform/settings").then().statusCode(200)
                .extract().path("tokenLifetimeSeconds");
        given().auth().preemptive().basic(Sandbox.PLATFORM_CLIENT_ID, Sandbox.PLATFORM_CLIENT_SECRET)
                .contentType(ContentType.URLENC).formParam("grant_type", "client_credentials")
                .post(TOKEN_PATH).then().statusCode(200).contentType(ContentType.JSON)
                .body("access_token", notNullValue())
                .body("token_type", equalTo("bearer"))
                .body("expires_in", equalTo(lifetime));
    }

    @Test
    void wrongCredentialsAre401InvalidClient() {
        given().auth().preemptive().basic(Sandbox.PLATFORM_CLIENT_ID, "wrong")
                .contentType(ContentType.URLENC).formParam("grant_type", "client_credentials")
                .post(TOKEN_PATH).then().statusCode(401).body("error", equalTo("invalid_client"))
                .body("description", notNullValue());
        given().auth().preemptive().basic("someone-else", Sandbox.PLATFORM_CLIENT_SECRET)
                .contentType(ContentType.URLENC).formParam("grant_type", "client_credentials")
                .post(TOKEN_PATH).then().statusCode(401).body("error", equalTo("invalid_client"));
        given().contentType(ContentType.URLENC).formParam("grant_type", "client_credentials")
                .post(TOKEN_PATH).then().statusCode(401).body("error", equalTo("invalid_client"));
    }

    @Test
    void otherOrMissingGrantIs400() {
        given().auth().preemptive().basic(Sandbox.PLATFORM_CLIENT_ID, Sandbox.PLATFORM_CLIENT_SECRET)
                .contentType(ContentType.URLENC).formParam("grant_type", "password")
                .post(TOKEN_PATH).then().statusCode(400).body("error", equalTo("unsupported_grant_type"));
        given().auth().preemptive().basic(Sandbox.PLATFORM_CLIENT_ID, Sandbox.PLATFORM_CLIENT_SECRET)
                .contentType(ContentType.URLENC).formParam("scope", "x")
                .post(TOKEN_PATH).then().statusCode(400).body("error", equalTo("unsupported_grant_type"));
        given().auth().preemptive().basic(Sandbox.PLATFORM_CLIENT_ID, Sandbox.PLATFORM_CLIENT_SECRET)
                .contentType(ContentType.JSON).body("{\"grant_type\":\"client_credentials\"}")
                .post(TOKEN_PATH).then().statusCode(400).body("error", equalTo("unsupported_grant_type"));
    }

    @Test
    void withoutAValidTokenEveryApiCallIs401() throws Exception {
        try (Guest guest = Guest.direct(Guest.newToken())) {
            guest.configure(false);
            String messageId = guest.say("hello").path("id").asText();

            given().get(DETAILS, messageId).then().statusCode(401)
                    .body("code", equalTo("bad.credentials")).body("status", equalTo(401))
                    .body("message", notNullValue());
            given().header("Authorization", "Bearer not-issued-here").get(DETAILS, messageId).then()
                    .statusCode(401).body("code", equalTo("bad.credentials"));
            given().auth().preemptive().basic(Sandbox.PLATFORM_CLIENT_ID, Sandbox.PLATFORM_CLIENT_SECRET)
                    .get(DETAILS, messageId).then().statusCode(401);
            given().get(CONVERSATION, "anything").then().statusCode(401);
            given().contentType(ContentType.JSON).body("{\"attributes\":{}}").patch(ATTRIBUTES, "c", "p")
                    .then().statusCode(401);
        }
    }

    @Test
    void expiredTokenIs401() throws Exception {
        Sandbox.platformSettings(Map.of("tokenLifetimeSeconds", 2));
        String bearer = given().auth().preemptive().basic(Sandbox.PLATFORM_CLIENT_ID, Sandbox.PLATFORM_CLIENT_SECRET)
                .contentType(ContentType.URLENC).formParam("grant_type", "client_credentials")
                .post(TOKEN_PATH).then().statusCode(200).body("expires_in", equalTo(2))
                .extract().path("access_token");
        // Valid for now (an unknown message is 404, not 401), then expired.
        api(bearer).get(DETAILS, "no-such-message").then().statusCode(404);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200))
                .until(() -> api(bearer).get(DETAILS, "no-such-message").statusCode() == 401);
        api(bearer).get(DETAILS, "no-such-message").then().body("code", equalTo("bad.credentials"));
    }

    // ---- details and conversations

    @Test
    void detailsResolveTheMessageToTheConversationOfTheSession() throws Exception {
        String token = Guest.newToken();
        String bearer = Sandbox.platformToken();
        try (Guest guest = Guest.direct(token)) {
            guest.configure(false);
            JsonNode echo = guest.say("I need help with my order");
            String messageId = echo.path("id").asText();
            JsonPath session = session(token);
            String conversationId = session.getString("conversationId");
            assertNotEquals(null, conversationId);
            assertNotEquals(null, session.getString("customerParticipantId"));

            api(bearer).get(DETAILS, messageId).then().statusCode(200).contentType(ContentType.JSON)
                    .body("id", equalTo(messageId))
                    .body("conversationId", equalTo(conversationId))
                    .body("direction", equalTo("inbound"))
                    .body("messengerType", equalTo("webmessaging"))
                    .body("textBody", equalTo("I need help with my order"))
                    .body("timestamp", equalTo(echo.path("channel").path("time").asText()))
                    .body("status", equalTo("received"));

            Sandbox.agentReply(token, "Sure, which order?");
            String outboundId = guest.awaitOutbound(b -> "Text".equals(b.path("type").asText())).path("id").asText();
            api(bearer).get(DETAILS, outboundId).then().statusCode(200)
                    .body("conversationId", equalTo(conversationId))
                    .body("direction", equalTo("outbound"))
                    .body("textBody", equalTo("Sure, which order?"));

            api(bearer).get(DETAILS, "00000000-0000-4000-8000-000000000000").then().statusCode(404)
                    .body("code", equalTo("not.found")).body("status", equalTo(404)).body("message", notNullValue());
        }
    }

    @Test
    void detailsLagHidesNewMessagesForAWhile() throws Exception {
        Sandbox.platformSettings(Map.of("detailsLagMs", 1500));
        String bearer = Sandbox.platformToken();
        try (Guest guest = Guest.direct(Guest.newToken())) {
            guest.configure(false);
            String messageId = guest.say("lagging").path("id").asText();
            long echoed = System.currentTimeMillis();
            api(bearer).get(DETAILS, messageId).then().statusCode(404).body("code", equalTo("not.found"));
            String conversationId = session(guest.token()).getString("conversationId");
            api(bearer).get(CONVERSATION, conversationId).then().statusCode(200)
                    .body("participants[0].messages", hasSize(0));

            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                    .until(() -> api(bearer).get(DETAILS, messageId).statusCode() == 200);
            assertTrue(System.currentTimeMillis() - echoed >= 1300, "visible too early");
            api(bearer).get(CONVERSATION, conversationId).then().statusCode(200)
                    .body("participants[0].messages[0].messageId", equalTo(messageId));
        }
    }

    @Test
    void conversationListsCustomerAcdAndLaterTheAgent() throws Exception {
        String token = Guest.newToken();
        String bearer = Sandbox.platformToken();
        try (Guest guest = Guest.direct(token)) {
            guest.configure(false);
            String messageId = guest.say("hi").path("id").asText();
            JsonPath session = session(token);
            String conversationId = session.getString("conversationId");

            JsonPath conversation = api(bearer).get(CONVERSATION, conversationId).then().statusCode(200)
                    .body("participants", hasSize(2)).extract().jsonPath();
            assertEquals(conversationId, conversation.getString("id"));
            assertEquals(session.getString("customerParticipantId"), conversation.getString("participants[0].id"));
            assertEquals("customer", conversation.getString("participants[0].purpose"));
            assertEquals("connected", conversation.getString("participants[0].state"));
            assertFalse(conversation.getBoolean("participants[0].authenticated"));
            assertEquals(List.of(messageId), conversation.getList("participants[0].messages.messageId"));
            assertEquals("acd", conversation.getString("participants[1].purpose"));
            assertNotEquals(null, conversation.getString("participants[1].queue.id"));

            Sandbox.agent(token, "join");
            conversation = api(bearer).get(CONVERSATION, conversationId).then().statusCode(200)
                    .body("participants", hasSize(3)).extract().jsonPath();
            assertEquals("agent", conversation.getString("participants[2].purpose"));
            assertNotEquals(null, conversation.getString("participants[2].user.id"));
            assertNotEquals(null, conversation.getString("participants[2].id"));

            api(bearer).get(CONVERSATION, "00000000-0000-4000-8000-000000000000").then().statusCode(404)
                    .body("code", equalTo("not.found"));
        }
    }

    @Test
    void authenticatedSessionsHaveAnAuthenticatedCustomer() throws Exception {
        String token = Guest.newToken();
        try (Guest guest = Guest.direct(token)) {
            guest.configureAuthenticated(false);
            guest.say("signed in");
            String conversationId = session(token).getString("conversationId");
            api(Sandbox.platformToken()).get(CONVERSATION, conversationId).then().statusCode(200)
                    .body("participants[0].authenticated", equalTo(true));
        }
    }

    // ---- participant attributes

    @Test
    void patchMergesIntoTheParticipantsAttributes() throws Exception {
        String token = Guest.newToken();
        String bearer = Sandbox.platformToken();
        try (Guest guest = Guest.direct(token)) {
            guest.configure(false);
            ObjectNode first = guest.textRequest("with attributes");
            ((ObjectNode) first.path("message")).putObject("channel").putObject("metadata")
                    .putObject("customAttributes").put("origin", "web");
            guest.send(first);
            guest.expect("StructuredMessage");
            JsonPath session = session(token);
            String conversationId = session.getString("conversationId");
            String customer = session.getString("customerParticipantId");

            api(bearer).contentType(ContentType.JSON)
                    .body("{\"attributes\":{\"priorSummary\":\"Asked about a refund\",\"priorCount\":\"2\"}}")
                    .patch(ATTRIBUTES, conversationId, customer).then().statusCode(202).body(equalTo(""));
            Map<String, String> seen = Sandbox.platformConversation(conversationId)
                    .getMap("participants[0].attributes");
            assertEquals(Map.of("origin", "web", "priorSummary", "Asked about a refund", "priorCount", "2"), seen);

            // Merge: untouched keys stay, null and "" remove, others overwrite; the messaging path is the same.
            api(bearer).contentType(ContentType.JSON)
                    .body("{\"attributes\":{\"priorSummary\":\"Refund done\",\"priorCount\":null,\"origin\":\"\","
                            + "\"added\":\"yes\"}}")
                    .patch(MESSAGING_ATTRIBUTES, conversationId, customer).then().statusCode(202);
            JsonPath agentView = Sandbox.platformConversation(conversationId);
            assertEquals(Map.of("priorSummary", "Refund done", "added", "yes"),
                    agentView.getMap("participants[0].attributes"));
            assertEquals(customer, agentView.getString("participants[0].id"));
            // The Platform API shows the same.
            api(bearer).get(CONVERSATION, conversationId).then().statusCode(200)
                    .body("participants[0].attributes.priorSummary", equalTo("Refund done"))
                    .body("participants[0].attributes", not(hasKey("origin")));

            // Other participants have their own attributes.
            String acd = agentView.getString("participants[1].id");
            api(bearer).contentType(ContentType.JSON).body("{\"attributes\":{\"routed\":\"true\"}}")
                    .patch(ATTRIBUTES, conversationId, acd).then().statusCode(202);
            assertEquals(Map.of("routed", "true"),
                    Sandbox.platformConversation(conversationId).getMap("participants[1].attributes"));
            assertEquals(Map.of("priorSummary", "Refund done", "added", "yes"),
                    Sandbox.platformConversation(conversationId).getMap("participants[0].attributes"));
        }
    }

    @Test
    void patchRejectsBadBodiesAndUnknownTargets() throws Exception {
        String token = Guest.newToken();
        String bearer = Sandbox.platformToken();
        try (Guest guest = Guest.direct(token)) {
            guest.configure(false);
            guest.say("hi");
            JsonPath session = session(token);
            String conversationId = session.getString("conversationId");
            String customer = session.getString("customerParticipantId");

            for (String bad : List.of("not json", "[]", "{}", "{\"attributes\":[\"a\"]}",
                    "{\"attributes\":{\"n\":1}}", "{\"attributes\":{\"o\":{\"x\":\"y\"}}}", "{\"attributes\":\"x\"}")) {
                api(bearer).contentType(ContentType.JSON).body(bad).patch(ATTRIBUTES, conversationId, customer)
                        .then().statusCode(400).body("code", equalTo("bad.request"));
            }
            String ok = "{\"attributes\":{\"k\":\"v\"}}";
            api(bearer).contentType(ContentType.JSON).body(ok)
                    .patch(ATTRIBUTES, "00000000-0000-4000-8000-000000000000", customer)
                    .then().statusCode(404).body("code", equalTo("not.found"));
            api(bearer).contentType(ContentType.JSON).body(ok)
                    .patch(ATTRIBUTES, conversationId, "00000000-0000-4000-8000-000000000000")
                    .then().statusCode(404).body("code", equalTo("not.found"));
            // Nothing of the rejected bodies landed.
            assertEquals(Map.of(), Sandbox.platformConversation(conversationId).getMap("participants[0].attributes"));
        }
    }

    // ---- rate limit

    @Test
    void rateLimitAnswers429WithRetryAfter() throws Exception {
        Sandbox.platformSettings(Map.of("requestsPerMinute", 5));
        String bearer = Sandbox.platformToken();
        for (int i = 0; i < 5; i++) {
            api(bearer).get(DETAILS, "no-such-message").then().statusCode(404);
        }
        Response limited = api(bearer).get(CONVERSATION, "no-such-conversation");
        limited.then().statusCode(429).body("code", equalTo("too.many.requests")).body("status", equalTo(429))
                .body("message", org.hamcrest.Matchers.startsWith("Rate limit exceeded the maximum"));
        int retryAfter = Integer.parseInt(limited.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);

        // Back to the configured limit: the window is emptied.
        given().delete("/sandbox/api/platform/settings").then().statusCode(200)
                .body("requestsPerMinute", greaterThan(5));
        api(bearer).get(DETAILS, "no-such-message").then().statusCode(404);
    }

    /** Genesys counts the limit per client-credentials token (PROTOCOL.md 5.5), so each token has its own window. */
    @Test
    void eachTokenOfTheSameClientHasItsOwnLimit() throws Exception {
        long since = System.currentTimeMillis();
        Sandbox.platformSettings(Map.of("requestsPerMinute", 3));
        String first = Sandbox.platformToken();
        String second = Sandbox.platformToken();
        for (int i = 0; i < 3; i++) {
            api(first).get(DETAILS, "no-such-message").then().statusCode(404);
        }
        api(first).get(DETAILS, "no-such-message").then().statusCode(429).header("Retry-After", notNullValue());
        // Token requests are not counted, and the other token of the same client still has its full limit.
        for (int i = 0; i < 3; i++) {
            api(second).get(DETAILS, "no-such-message").then().statusCode(404);
        }
        Response limited = api(second).get(CONVERSATION, "no-such-conversation");
        limited.then().statusCode(429).body("code", equalTo("too.many.requests"));
        int retryAfter = Integer.parseInt(limited.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
        // A token issued after both are spent starts with a window of its own.
        api(Sandbox.platformToken()).get(DETAILS, "no-such-message").then().statusCode(404);

        List<Map<String, Object>> log = Sandbox.platformRequests(since);
        assertEquals(2, log.stream().filter(r -> Integer.valueOf(429).equals(r.get("status"))).count(),
                "one 429 per spent token: " + log);
    }

    // ---- faults

    @Test
    void injected503sHitTheNextApiCallsButNotTheTokenEndpoint() throws Exception {
        String bearer = Sandbox.platformToken();
        // Every API endpoint, but only this unknown message's path: the application's own workers call details too.
        Sandbox.platformFault(Map.of("status", 503, "count", 3,
                "path", Sandbox.detailsPath("no-such-message")));
        given().get("/sandbox/api/platform/faults").then().statusCode(200)
                .body("[0].remaining", equalTo(3)).body("[0].status", equalTo(503))
                // No endpoint named: every API endpoint, but not the token endpoint.
                .body("[0].endpoints", hasSize(5)).body("[0].endpoints", not(hasItem("token")));

        Sandbox.platformToken(); // token requests are only hit when targeted (endpoint "token" or "all")
        for (int i = 0; i < 3; i++) {
            api(bearer).get(DETAILS, "no-such-message").then().statusCode(503)
                    .body("code", equalTo("service.unavailable")).body("status", equalTo(503));
        }
        api(bearer).get(DETAILS, "no-such-message").then().statusCode(404);
        given().get("/sandbox/api/platform/faults").then().statusCode(200).body("$", hasSize(0));
    }

    @Test
    void a429StormCarriesTheGivenRetryAfter() throws Exception {
        String bearer = Sandbox.platformToken();
        Sandbox.platformFault(Map.of("status", 429, "count", 5, "retryAfterSeconds", 1,
                "conversationId", "no-such-conversation"));
        for (int i = 0; i < 5; i++) {
            api(bearer).get(CONVERSATION, "no-such-conversation").then().statusCode(429)
                    .header("Retry-After", "1").body("code", equalTo("too.many.requests"));
        }
        api(bearer).get(CONVERSATION, "no-such-conversation").then().statusCode(404);
    }

    @Test
    void faultsCanTargetOneEndpoint() throws Exception {
        String bearer = Sandbox.platformToken();
        Sandbox.platformFault(Map.of("status", 500, "endpoint", "attributes", "conversationId", "c"));
        Sandbox.platformFault(Map.of("status", 503, "endpoint", "token"));
        api(bearer).get(DETAILS, "no-such-message").then().statusCode(404);
        api(bearer).get(CONVERSATION, "no-such-conversation").then().statusCode(404);
        given().auth().preemptive().basic(Sandbox.PLATFORM_CLIENT_ID, Sandbox.PLATFORM_CLIENT_SECRET)
                .contentType(ContentType.URLENC).formParam("grant_type", "client_credentials")
                .post(TOKEN_PATH).then().statusCode(503).body("code", equalTo("service.unavailable"));
        api(bearer).contentType(ContentType.JSON).body("{\"attributes\":{}}").patch(ATTRIBUTES, "c", "p")
                .then().statusCode(500).body("code", equalTo("internal.server.error"));
        api(bearer).contentType(ContentType.JSON).body("{\"attributes\":{}}").patch(ATTRIBUTES, "c", "p")
                .then().statusCode(404);
        Sandbox.platformToken();
    }

    @Test
    void latencyDelaysTheAnswerWithoutBlockingOthers() throws Exception {
        String bearer = Sandbox.platformToken();
        // Only this test's path: the shared application's enrichment workers may call details meanwhile.
        Sandbox.platformFault(Map.of("latencyMs", 1500, "count", 2, "endpoint", "details",
                "path", Sandbox.detailsPath("no-such-message")));

        long start = System.nanoTime();
        api(bearer).get(DETAILS, "no-such-message").then().statusCode(404);
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(elapsedMs >= 1500, "answered after " + elapsedMs + " ms");

        // While the second slow call waits, other calls are answered at once.
        java.util.concurrent.CompletableFuture<Integer> slow = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> api(bearer).get(DETAILS, "no-such-message").statusCode());
        Thread.sleep(200);
        long fastStart = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            api(bearer).get(CONVERSATION, "no-such-conversation").then().statusCode(404);
        }
        long fastMs = (System.nanoTime() - fastStart) / 1_000_000;
        assertFalse(slow.isDone(), "the slow call should still be waiting");
        assertTrue(fastMs < 1000, "other calls took " + fastMs + " ms");
        assertEquals(404, slow.get());

        // Status and latency together: a slow failure.
        Sandbox.platformFault(Map.of("status", 503, "latencyMs", 500, "endpoint", "token"));
        start = System.nanoTime();
        given().auth().preemptive().basic(Sandbox.PLATFORM_CLIENT_ID, Sandbox.PLATFORM_CLIENT_SECRET)
                .contentType(ContentType.URLENC).formParam("grant_type", "client_credentials")
                .post(TOKEN_PATH).then().statusCode(503);
        assertTrue((System.nanoTime() - start) / 1_000_000 >= 500);
    }

    @Test
    void controlApiRejectsNonsense() {
        for (String bad : List.of("", "{}", "{\"status\":200}", "{\"status\":503,\"count\":0}",
                "{\"status\":503,\"endpoint\":\"everything\"}", "{\"latencyMs\":-1}", "not json")) {
            given().contentType(ContentType.JSON).body(bad).post("/sandbox/api/platform/faults").then()
                    .statusCode(400).body("error", notNullValue());
        }
        for (String bad : List.of("{\"requestsPerMinute\":0}", "{\"detailsLagMs\":-5}",
                "{\"tokenLifetimeSeconds\":-1}", "nope")) {
            given().contentType(ContentType.JSON).body(bad).put("/sandbox/api/platform/settings").then()
                    .statusCode(400).body("error", notNullValue());
        }
        JsonPath defaults = given().get("/sandbox/api/platform/settings").then().statusCode(200).extract().jsonPath();
        assertEquals(0, defaults.getInt("detailsLagMs"));
        given().contentType(ContentType.JSON).body("{\"detailsLagMs\":250}").put("/sandbox/api/platform/settings")
                .then().statusCode(200).body("detailsLagMs", equalTo(250))
                .body("requestsPerMinute", equalTo(defaults.getInt("requestsPerMinute")))
                .body("tokenLifetimeSeconds", equalTo(defaults.getInt("tokenLifetimeSeconds")));
        given().delete("/sandbox/api/platform/settings").then().statusCode(200).body("detailsLagMs", equalTo(0));
        given().get("/sandbox/api/platform/conversations/none").then().statusCode(404)
                .body("error", notNullValue());
    }

    @Test
    void aFaultScopedToAConversationHitsOnlyThatConversationsCalls() throws Exception {
        String bearer = Sandbox.platformToken();
        try (Guest mine = Guest.direct(Guest.newToken()); Guest other = Guest.direct(Guest.newToken())) {
            mine.configure(false);
            other.configure(false);
            String myMessage = mine.say("mine").path("id").asText();
            String otherMessage = other.say("theirs").path("id").asText();
            String myConversation = api(bearer).get(DETAILS, myMessage).then().statusCode(200)
                    .extract().path("conversationId");
            String otherConversation = api(bearer).get(DETAILS, otherMessage).then().statusCode(200)
                    .extract().path("conversationId");
            Sandbox.platformFault(Map.of("status", 403, "count", 3, "conversationId", myConversation));
            given().get("/sandbox/api/platform/faults").then().statusCode(200)
                    .body("[0].conversationId", equalTo(myConversation));

            // Another conversation's calls, and calls naming no conversation, pass untouched...
            api(bearer).get(DETAILS, otherMessage).then().statusCode(200);
            api(bearer).get(CONVERSATION, otherConversation).then().statusCode(200);
            api(bearer).get(DETAILS, "no-such-message").then().statusCode(404);
            given().get("/sandbox/api/platform/faults").then().statusCode(200)
                    .body("[0].remaining", equalTo(3));
            // ...while this conversation's details (found through the message), conversation and PATCH take it.
            api(bearer).get(DETAILS, myMessage).then().statusCode(403);
            api(bearer).get(CONVERSATION, myConversation).then().statusCode(403);
            api(bearer).contentType(ContentType.JSON).body("{\"attributes\":{}}")
                    .patch(ATTRIBUTES, myConversation, "p").then().statusCode(403);
            api(bearer).get(DETAILS, myMessage).then().statusCode(200);

            // A scope that no request of those endpoints could match is refused.
            given().contentType(ContentType.JSON).body(Map.of("status", 500, "endpoint", "users",
                    "guestToken", mine.token())).post("/sandbox/api/platform/faults").then().statusCode(400);

            // A guest's scope also covers the conversation it starts after the fault is queued.
            Sandbox.platformFault(Map.of("status", 403, "count", 1, "guestToken", mine.token()));
            mine.configure(true);
            String myNext = mine.say("mine again").path("id").asText();
            api(bearer).get(DETAILS, otherMessage).then().statusCode(200);
            api(bearer).get(DETAILS, myNext).then().statusCode(403);
            api(bearer).get(DETAILS, myNext).then().statusCode(200);
        }
    }

    // ---- request log

    @Test
    void requestLogCountsTheCalls() throws Exception {
        String token = Guest.newToken();
        try (Guest guest = Guest.direct(token)) {
            guest.configure(false);
            String messageId = guest.say("count me").path("id").asText();
            given().delete("/sandbox/api/platform/requests").then().statusCode(204);
            long since = System.currentTimeMillis();

            String bearer = Sandbox.platformToken();
            String conversationId = api(bearer).get(DETAILS, messageId).then().statusCode(200)
                    .extract().path("conversationId");
            String customer = api(bearer).get(CONVERSATION, conversationId).then().statusCode(200)
                    .extract().path("participants[0].id");
            api(bearer).contentType(ContentType.JSON).body("{\"attributes\":{\"priorSummary\":\"s\"}}")
                    .patch(ATTRIBUTES, conversationId, customer).then().statusCode(202);
            given().get(DETAILS, messageId).then().statusCode(401);

            List<Map<String, Object>> log = Sandbox.platformRequests(since);
            List<Map<String, Object>> patches = log.stream().filter(r -> "PATCH".equals(r.get("method"))
                    && String.valueOf(r.get("path")).contains(conversationId)).toList();
            assertEquals(1, patches.size(), "PATCH calls: " + patches);
            Map<String, Object> patch = patches.get(0);
            assertEquals(202, patch.get("status"));
            assertEquals("attributes", patch.get("endpoint"));
            assertEquals("/sandbox/platform/api/v2/conversations/" + conversationId + "/participants/" + customer
                    + "/attributes", patch.get("path"));
            assertEquals(Map.of("attributes", Map.of("priorSummary", "s")), patch.get("body"));
            assertEquals(Sandbox.PLATFORM_CLIENT_ID, patch.get("clientId"));
            assertTrue(((Number) patch.get("time")).longValue() >= since);

            List<Map<String, Object>> details = log.stream()
                    .filter(r -> String.valueOf(r.get("path")).contains(messageId)).toList();
            assertEquals(List.of(200, 401), details.stream().map(r -> r.get("status")).toList());
            assertNull(details.get(0).get("body"));
            assertEquals(1, log.stream().filter(r -> "token".equals(r.get("endpoint"))).count());
            log.forEach(r -> assertFalse(r.toString().contains(bearer), "the log must not hold tokens"));

            assertEquals(List.of(), Sandbox.platformRequests(System.currentTimeMillis() + 60_000));
            given().delete("/sandbox/api/platform/requests").then().statusCode(204);
            assertEquals(List.of(), Sandbox.platformRequests(since));
        }
    }

    // ---- helpers

    private static RequestSpecification api(String bearer) {
        return given().header("Authorization", "Bearer " + bearer);
    }

    private static JsonPath session(String token) {
        return given().get("/sandbox/api/sessions/{token}", token).then().statusCode(200).extract().jsonPath();
    }
}
