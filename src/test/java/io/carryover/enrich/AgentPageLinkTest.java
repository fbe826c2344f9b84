package io.carryover.enrich;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.carryover.testing.Conversations;
import io.carryover.testing.Guest;
import io.carryover.testing.Sandbox;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * The link attribute opens the agent page on the conversation the agent is on, so it carries the Genesys conversation
 * id (what the interaction widget passes), never Carryover's own id, in the PATCH and in the data action alike.
 */
@QuarkusTest
@TestProfile(AgentPageLinkTest.WithLink.class)
class AgentPageLinkTest {

    static final String PAGE = "https://carryover.example/agent/?conversationid=";

    public static class WithLink implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("carryover.enrich.agent-page-url", PAGE + "{conversationId}");
        }
    }

    @Test
    void theLinkNamesTheGenesysConversation() throws Exception {
        String subject = "link-" + UUID.randomUUID();
        String token = Guest.newToken();
        Conversations.returningCustomer(token, subject, "Where is my parcel?", "It left the depot today.",
                "Has the parcel arrived?");
        String genesysConversation = Sandbox.conversationOf(token);
        JsonNode attributes = Sandbox.awaitAttributes(genesysConversation, Duration.ofSeconds(10));
        assertEquals(PAGE + genesysConversation, attributes.path("carryover.link").asText(), attributes.toString());

        JsonNode pulled = Guest.parse(given().auth().preemptive().basic("architect", "test-secret")
                .contentType(ContentType.JSON).body(Map.of("conversationId", genesysConversation, "sub", subject))
                .post("/architect/summary").then().statusCode(200).extract().asString());
        assertEquals(PAGE + genesysConversation, pulled.path("link").asText(), pulled.toString());
    }
}
