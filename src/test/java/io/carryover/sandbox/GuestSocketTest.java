package io.carryover.sandbox;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.carryover.testing.Guest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** The emulated guest socket, over real WebSockets; every frame received is schema-checked by Guest. */
@QuarkusTest
class GuestSocketTest {

    private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final String TIME_PATTERN = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

    @Test
    void newSessionThenResumeFromAnotherSocket() throws Exception {
        String token = Guest.newToken();
        try (Guest first = Guest.direct(token)) {
            JsonNode response = first.configure(false);
            assertEquals("response", response.path("type").asText());
            JsonNode body = response.path("body");
            assertTrue(body.path("connected").asBoolean());
            assertTrue(body.path("newSession").asBoolean());
            assertFalse(body.path("readOnly").asBoolean());
            assertEquals(2048, body.path("maxCustomDataBytes").asInt());
        }
        try (Guest second = Guest.direct(token)) {
            JsonNode body = second.configure(false).path("body");
            assertFalse(body.path("newSession").asBoolean());
            assertFalse(body.path("readOnly").asBoolean());
        }
    }

    @Test
    void textIsEchoedToEverySocketAndOpensTheConversation() throws Exception {
        String token = Guest.newToken();
        try (Guest a = Guest.direct(token); Guest b = Guest.direct(token)) {
            a.configure(false);
            b.configure(false);
            ObjectNode request = a.textRequest("Hi, I need help");
            a.send(request);
            JsonNode echo = a.expect("StructuredMessage");
            JsonNode echoOnB = b.expect("StructuredMessage");
            assertEquals(echo, echoOnB);

            assertEquals("message", echo.path("type").asText());
            assertEquals(request.path("tracingId").asText(), echo.path("tracingId").asText());
            JsonNode body = echo.path("body");
            String id = body.path("id").asText();
            assertTrue(id.matches(UUID_PATTERN), id);
            assertEquals("Text", body.path("type").asText());
            assertEquals("Inbound", body.path("direction").asText());
            assertEquals("Hi, I need help", body.path("text").asText());
            assertEquals(id, body.path("channel").path("messageId").asText());
            assertTrue(body.path("channel").path("time").asText().matches(TIME_PATTERN));
            assertTrue(body.path("metadata").path("correlationId").asText().matches(UUID_PATTERN));

            JsonNode state = state(token);
            String conversationId = state.path("conversationId").asText();
            assertTrue(conversationId.matches(UUID_PATTERN));
            assertTrue(state.path("customerParticipantId").asText().matches(UUID_PATTERN));
            assertEquals(2, state.path("connections").asInt());
            assertEquals(id, state.path("messages").path(0).path("id").asText());
            assertEquals("Inbound", state.path("messages").path(0).path("direction").asText());
            assertEquals(conversationId, state.path("messages").path(0).path("conversationId").asText());
        }
    }

    @Test
    void agentDisconnectMakesTheSessionReadOnlyUntilStartNew() throws Exception {
        String token = Guest.newToken();
        String firstConversation;
        try (Guest guest = Guest.direct(token)) {
            guest.configure(false);
            guest.sayNow("hello");
            firstConversation = state(token).path("conversationId").asText();

            agent(token, "agent/join", "{\"nickname\":\"Ann\"}");
            JsonNode join = guest.expect("StructuredMessage").path("body");
            assertEquals("Outbound", join.path("direction").asText());
            assertEquals("Join", join.path("events").path(0).path("presence").path("type").asText());
            assertEquals("Ann", join.path("channel").path("from").path("nickname").asText());
            assertTrue(join.path("id").asText().matches("[0-9a-f]{32}"));

            agent(token, "agent/typing", null);
            JsonNode typing = guest.expect("StructuredMessage").path("body");
            assertEquals("Typing", typing.path("events").path(0).path("eventType").asText());
            assertEquals(5000, typing.path("events").path(0).path("typing").path("duration").asInt());

            agent(token, "agent/reply", "{\"text\":\"Hello!\"}");
            JsonNode reply = guest.expect("StructuredMessage").path("body");
            assertEquals("Outbound", reply.path("direction").asText());
            assertEquals("Hello!", reply.path("text").asText());
            assertEquals("Human", reply.path("originatingEntity").asText());
            assertEquals("Private", reply.path("channel").path("type").asText());
            assertEquals("Sandbox Agent", reply.path("channel").path("from").path("nickname").asText());
            assertTrue(reply.path("id").asText().matches("[0-9a-f]{32}"));

            agent(token, "agent/disconnect", null);
            JsonNode disconnect = guest.expect("StructuredMessage").path("body");
            assertEquals("Disconnect", disconnect.path("events").path(0).path("presence").path("type").asText());
            assertEquals("true", disconnect.path("metadata").path("readOnly").asText());
            assertTrue(state(token).path("readOnly").asBoolean());

            guest.send(guest.textRequest("are you there?"));
            guest.expectError(403);
        }
        try (Guest again = Guest.direct(token)) {
            JsonNode resumed = again.configure(false).path("body");
            assertFalse(resumed.path("newSession").asBoolean());
            assertTrue(resumed.path("readOnly").asBoolean());

            JsonNode fresh = again.configure(true).path("body");
            assertTrue(fresh.path("newSession").asBoolean());
            assertFalse(fresh.path("readOnly").asBoolean());
            // No conversation until the guest writes.
            assertTrue(state(token).path("conversationId").isNull());

            again.sayNow("new question");
            String secondConversation = state(token).path("conversationId").asText();
            assertNotEquals(firstConversation, secondConversation);
            JsonNode messages = state(token).path("messages");
            assertEquals(secondConversation, messages.path(messages.size() - 1).path("conversationId").asText());
        }
    }

    @Test
    void expiredSessionAnswers4006ThenConfiguresFresh() throws Exception {
        String token = Guest.newToken();
        try (Guest guest = Guest.direct(token)) {
            guest.configure(false);
            guest.sayNow("hello");
            given().post("/sandbox/api/sessions/{token}/expire", token).then().statusCode(200)
                    .body("sockets", equalTo(1));
            JsonNode expired = guest.expect("SessionExpiredEvent");
            assertEquals("message", expired.path("type").asText());
            assertEquals(1000, guest.socket().closeStatus(Guest.WAIT).code());
        }
        try (Guest again = Guest.direct(token)) {
            again.send(again.textRequest("still there?"));
            again.expectError(4006);
            JsonNode body = again.configure(false).path("body");
            assertTrue(body.path("newSession").asBoolean());
            assertFalse(state(token).path("expired").asBoolean());
            again.sayNow("works again");
        }
    }

    @Test
    void messagesNeedASessionConfiguredOnThisSocket() throws Exception {
        String token = Guest.newToken();
        try (Guest stranger = Guest.direct(token)) {
            stranger.send(stranger.textRequest("hello?"));
            stranger.expectError(4007);
            try (Guest owner = Guest.direct(token)) {
                owner.configure(false);
                // The token exists now, but this socket never configured it.
                stranger.send(stranger.textRequest("hello?"));
                stranger.expectError(4007);
            }
        }
    }

    @Test
    void textLongerThanTheLimitIs4011() throws Exception {
        try (Guest guest = Guest.direct(Guest.newToken())) {
            guest.configure(false);
            guest.send(guest.textRequest("x".repeat(4097)));
            guest.expectError(4011);
            assertEquals(4096, guest.sayNow("y".repeat(4096)).path("text").asText().length());
        }
    }

    @Test
    void customAttributesOverTheBudgetAre4013InEitherPlace() throws Exception {
        String token = Guest.newToken();
        try (Guest guest = Guest.direct(token)) {
            guest.configure(false);
            ObjectNode insideMessage = guest.textRequest("hi");
            ((ObjectNode) insideMessage.path("message")).putObject("channel").putObject("metadata")
                    .putObject("customAttributes").put("big", "v".repeat(2046));
            guest.send(insideMessage);
            guest.expectError(4013);

            Thread.sleep(1100); // stay under the rate limit
            ObjectNode topLevel = guest.textRequest("hi");
            topLevel.putObject("channel").putObject("metadata").putObject("customAttributes")
                    .put("big", "é".repeat(1024)); // 2048 bytes of value + 3 of key
            guest.send(topLevel);
            guest.expectError(4013);

            Thread.sleep(1100);
            ObjectNode fits = guest.textRequest("hi");
            ((ObjectNode) fits.path("message")).putObject("channel").putObject("metadata")
                    .putObject("customAttributes").put("archiveKey", "abc123");
            guest.send(fits);
            guest.expect("StructuredMessage");
            assertEquals("abc123", state(token).path("customAttributes").path("archiveKey").asText());
        }
    }

    @Test
    void thirdMessageWithinASecondIsRateLimited() throws Exception {
        try (Guest guest = Guest.direct(Guest.newToken())) {
            guest.configure(false);
            guest.send(guest.textRequest("one"));
            guest.send(guest.textRequest("two"));
            ObjectNode third = guest.textRequest("three");
            guest.send(third);
            guest.expect("StructuredMessage");
            guest.expect("StructuredMessage");
            JsonNode limited = guest.expect("TooManyRequestsErrorMessage");
            assertEquals("response", limited.path("type").asText());
            assertEquals(429, limited.path("code").asInt());
            assertEquals(third.path("tracingId").asText(), limited.path("tracingId").asText());
            assertEquals(4029, limited.path("body").path("errorCode").asInt());
            assertEquals("Message rate too high for this session", limited.path("body").path("errorMessage").asText());
            assertEquals(1, limited.path("body").path("retryAfter").asInt());

            Thread.sleep(1100);
            guest.sayNow("four");
        }
    }

    @Test
    void badRequestsGet400AndTheSocketStaysOpen() throws Exception {
        try (Guest guest = Guest.direct(Guest.newToken())) {
            guest.socket().send("{\"action\":\"dance\",\"token\":\"t\"}");
            guest.expectError(400);
            guest.socket().send("not json");
            guest.expectError(400);
            guest.socket().send("{\"token\":\"t\"}");
            guest.expectError(400);
            guest.socket().send("{\"action\":\"configureSession\",\"deploymentId\":\"" + Guest.DEPLOYMENT + "\"}");
            guest.expectError(4020);
            assertTrue(guest.socket().isOpen());
            guest.configure(false);
        }
    }

    @Test
    void stepUpKeepsTheConversationAndClosesTheOtherSockets() throws Exception {
        String token = Guest.newToken();
        try (Guest tab1 = Guest.direct(token); Guest tab2 = Guest.direct(token)) {
            tab1.configure(false);
            tab2.configure(false);
            tab1.sayNow("before sign-in");
            tab2.expect("StructuredMessage");
            String conversation = state(token).path("conversationId").asText();

            JsonNode signedIn = tab2.configureAuthenticated("genesys-jwt-from-code-exchange");
            assertEquals("SessionResponse", signedIn.path("class").asText());
            assertFalse(signedIn.path("body").path("newSession").asBoolean());

            JsonNode closed = tab1.expect("ConnectionClosedEvent");
            assertEquals("signedIn", closed.path("body").path("reasonCode").asText());
            assertEquals(1000, tab1.socket().closeStatus(Guest.WAIT).code());

            JsonNode state = state(token);
            assertTrue(state.path("authenticated").asBoolean());
            assertEquals(conversation, state.path("conversationId").asText());
            tab2.sayNow("after sign-in");

            // Going back to a guest session is refused.
            tab2.send(tab2.request("configureSession").put("deploymentId", Guest.DEPLOYMENT));
            tab2.expectError(4017);
        }
    }

    @Test
    void authenticatedConfigureNeedsACode() throws Exception {
        try (Guest guest = Guest.direct(Guest.newToken())) {
            ObjectNode request = guest.request("configureAuthenticatedSession").put("deploymentId", Guest.DEPLOYMENT);
            request.putObject("data").put("code", "");
            guest.send(request);
            guest.expectError(401);
        }
    }

    @Test
    void closeSessionClosesTheOtherSockets() throws Exception {
        String token = Guest.newToken();
        try (Guest a = Guest.direct(token); Guest b = Guest.direct(token)) {
            a.configure(false);
            b.configure(false);
            ObjectNode close = a.request("closeSession").put("closeAllConnections", true);
            a.send(close);
            JsonNode response = a.expect("SessionResponse");
            assertFalse(response.path("body").path("connected").asBoolean());
            assertEquals(close.path("tracingId").asText(), response.path("tracingId").asText());
            b.expect("ConnectionClosedEvent");
            assertEquals(1000, b.socket().closeStatus(Guest.WAIT).code());

            a.send(a.textRequest("anyone?"));
            a.expectError(4007);
        }
    }

    @Test
    void echoComesBackAsAnInboundResponse() throws Exception {
        try (Guest guest = Guest.direct(Guest.newToken())) {
            ObjectNode echo = guest.request("echo").put("tracingId", "SGVhbHRoQ2hlY2tNZXNzYWdlSWQ=");
            echo.putObject("message").put("type", "Text").put("text", "ping");
            guest.send(echo);
            JsonNode frame = guest.expect("StructuredMessage");
            assertEquals("response", frame.path("type").asText());
            assertEquals("SGVhbHRoQ2hlY2tNZXNzYWdlSWQ=", frame.path("tracingId").asText());
            assertEquals("ping", frame.path("body").path("text").asText());
            assertEquals("Inbound", frame.path("body").path("direction").asText());
        }
    }

    @Test
    void replayResendsOutboundMessagesWithTheSameIds() throws Exception {
        String token = Guest.newToken();
        try (Guest guest = Guest.direct(token)) {
            guest.configure(false);
            guest.sayNow("hello");
            agent(token, "agent/reply", "{\"text\":\"first\"}");
            agent(token, "agent/reply", "{\"text\":\"second\",\"nickname\":\"Bot\",\"bot\":true}");
            JsonNode first = guest.expect("StructuredMessage").path("body");
            JsonNode second = guest.expect("StructuredMessage").path("body");
            assertEquals("Bot", second.path("originatingEntity").asText());

            given().post("/sandbox/api/sessions/{token}/replay", token).then().statusCode(200)
                    .body("replayed", equalTo(2));
            assertEquals(first, guest.expect("StructuredMessage").path("body"));
            assertEquals(second, guest.expect("StructuredMessage").path("body"));
        }
    }

    @Test
    void typingIsNotEchoedButJoinIsAndOpensTheConversation() throws Exception {
        String token = Guest.newToken();
        try (Guest guest = Guest.direct(token)) {
            guest.configure(false);
            guest.send(guest.eventRequest("Typing", "typing", "On"));
            guest.expectSilence(Duration.ofMillis(400));
            assertTrue(state(token).path("conversationId").isNull());

            guest.send(guest.eventRequest("Presence", "presence", "Join"));
            JsonNode join = guest.expect("StructuredMessage").path("body");
            assertEquals("Event", join.path("type").asText());
            assertEquals("Inbound", join.path("direction").asText());
            assertEquals("Join", join.path("events").path(0).path("presence").path("type").asText());
            JsonNode state = state(token);
            assertNotNull(state.path("conversationId").textValue());
            assertEquals(join.path("id").asText(), state.path("messages").path(0).path("id").asText());
        }
    }

    @Test
    void presenceClearForgetsTheSession() throws Exception {
        String token = Guest.newToken();
        try (Guest a = Guest.direct(token); Guest b = Guest.direct(token)) {
            a.configure(false);
            b.configure(false);
            a.send(a.eventRequest("Presence", "presence", "Clear"));
            assertEquals("message", a.expect("SessionClearedEvent").path("type").asText());
            b.expect("ConnectionClosedEvent");
            assertEquals(1000, b.socket().closeStatus(Guest.WAIT).code());
            given().get("/sandbox/api/sessions/{token}", token).then().statusCode(404)
                    .body("error", equalTo("unknown session"));
            assertTrue(a.configure(false).path("body").path("newSession").asBoolean());
        }
    }

    @Test
    void jwtAndConfiguration() throws Exception {
        try (Guest guest = Guest.direct(Guest.newToken())) {
            guest.send(guest.request("getJwt"));
            guest.expectError(4007);
            guest.configure(false);
            guest.send(guest.request("getJwt"));
            JsonNode jwt = guest.expect("JwtResponse").path("body");
            assertFalse(jwt.path("jwt").asText().isEmpty());
            assertTrue(jwt.path("exp").asLong() > System.currentTimeMillis() / 1000);
            guest.send(guest.request("getConfiguration").put("deploymentId", Guest.DEPLOYMENT));
            assertEquals(2048, guest.expect("GetConfigurationResponse").path("body").path("maxCustomDataBytes").asInt());
        }
    }

    @Test
    void missingDeploymentIdIsRefused() throws Exception {
        try (Guest guest = Guest.direct(Guest.newToken(), "application=tests")) {
            assertEquals(400, guest.next().path("code").asInt()); // next() schema-checks the frame
            assertEquals(1008, guest.socket().closeStatus(Guest.WAIT).code());
        }
    }

    @Test
    void binaryFramesClose1003() throws Exception {
        try (Guest guest = Guest.direct(Guest.newToken())) {
            guest.socket().sendBinary(new byte[] {1, 2, 3});
            assertEquals(1003, guest.socket().closeStatus(Guest.WAIT).code());
        }
    }

    @Test
    void controlApiErrors() throws Exception {
        String unknown = UUID.randomUUID().toString();
        for (String path : new String[] {"agent/join", "agent/reply", "agent/typing", "agent/disconnect", "expire",
                "replay"}) {
            given().contentType(ContentType.JSON).body("{\"text\":\"x\"}")
                    .post("/sandbox/api/sessions/{token}/" + path, unknown)
                    .then().statusCode(404).body("error", equalTo("unknown session"));
        }
        given().get("/sandbox/api/sessions/{token}", unknown).then().statusCode(404);

        String token = Guest.newToken();
        try (Guest guest = Guest.direct(token)) {
            guest.configure(false);
            // No conversation before the guest's first message.
            given().contentType(ContentType.JSON).body("{\"text\":\"hi\"}")
                    .post("/sandbox/api/sessions/{token}/agent/reply", token).then().statusCode(409);
            guest.sayNow("hello");
            given().contentType(ContentType.JSON).body("{}")
                    .post("/sandbox/api/sessions/{token}/agent/reply", token).then().statusCode(400)
                    .body("error", equalTo("text is required"));
            guest.expectSilence(Duration.ofMillis(200));
        }
    }

    // ---- helpers

    private static JsonNode state(String token) {
        String json = given().get("/sandbox/api/sessions/{token}", token).then().statusCode(200)
                .contentType(ContentType.JSON).extract().asString();
        return Guest.parse(json);
    }

    private static void agent(String token, String action, String body) {
        var request = given();
        if (body != null) {
            request = request.contentType(ContentType.JSON).body(body);
        }
        request.post("/sandbox/api/sessions/{token}/" + action, token).then().statusCode(200);
    }
}
