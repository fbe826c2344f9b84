package io.carryover.history;

import static io.carryover.testing.HistoryApi.as;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.carryover.testing.Guest;
import io.carryover.testing.HistoryApi;
import io.carryover.testing.Sandbox;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Through the relay, the archive and a real enrichment: what the History API shows is what the archive holds and what
 * the agent was sent.
 */
@QuarkusTest
class ConversationsEndToEndTest {

    @AfterEach
    void resetPlatform() {
        Sandbox.platformReset();
    }

    @Test
    void aReturningCustomerSeesBothConversationsAndTheSummaryTheAgentGot() throws Exception {
        String subject = "e2e-" + UUID.randomUUID();
        String token = Guest.newToken();
        String answer = "I have lifted the block; please try again.";
        try (Guest guest = Guest.viaRelay(token, Sandbox.mint(subject))) {
            assertTrue(guest.configureSession(false).path("body").path("connected").asBoolean());
            guest.say("My card 4111 1111 1111 1111 was declined");
            Sandbox.agent(guest.token(), "join");
            Sandbox.agentReply(guest.token(), answer);
            guest.awaitOutbound(b -> answer.equals(b.path("text").asText()));
            Sandbox.agent(guest.token(), "disconnect");
            guest.awaitOutbound(b -> "Disconnect".equals(
                    b.path("events").path(0).path("presence").path("type").asText()));
            assertTrue(guest.configureSession(true).path("body").path("newSession").asBoolean());
            guest.say("Hello again, same payment");
        }
        String genesysId = given().get("/sandbox/api/sessions/{token}", token).then().statusCode(200)
                .extract().path("conversationId");
        String me = HistoryApi.customerToken(subject);

        JsonPath summary = Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> as(me).get("/api/v1/me/summary").then().statusCode(200).extract().jsonPath(),
                        s -> s.getBoolean("attached"));
        JsonPath list = as(me).get("/api/v1/me/conversations").then().statusCode(200).extract().jsonPath();
        List<String> ids = list.getList("items.conversationId");
        assertEquals(2, ids.size());
        assertEquals(ids.get(0), summary.getString("conversationId"));
        assertEquals("patched", list.getString("items[0].enrichment.value"));
        assertEquals(genesysId, list.getString("items[0].genesysConversationId"));
        assertEquals("My card [card] was declined", list.getString("items[1].openingLine"));
        assertEquals(1, list.getList("items[1].agents").size());
        String all = summary.prettify();
        assertFalse(all.contains("4111"), all);
        assertTrue(summary.getString("headline").contains("1 prior conversation"), summary.getString("headline"));
        // The agent's participant data carries the same headline the API calls attached.
        String attributes = given().get("/sandbox/api/platform/conversations/{id}", genesysId).then()
                .statusCode(200).extract().asString();
        assertTrue(attributes.contains(summary.getString("headline")), attributes);

        // Lines cite the archived messages of the earlier conversation, which a service caller can open.
        String reader = HistoryApi.serviceToken("history.read");
        JsonPath earlier = as(reader).get("/api/v1/conversations/{id}", ids.get(1)).then().statusCode(200)
                .extract().jsonPath();
        List<Object> earlierMessageIds = earlier.getList("messages.items.messageId");
        for (Object cited : summary.getList("lines.messageIds.flatten()")) {
            assertTrue(earlierMessageIds.contains(cited), cited + " in " + earlierMessageIds);
        }
        assertTrue(earlier.getList("messages.items.text").contains(answer));
        assertEquals(ids.get(0), as(reader).get("/api/v1/conversations/by-genesys-id/{id}", genesysId).then()
                .statusCode(200).extract().path("conversationId"));
    }
}
