package io.carryover.enrich;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.carryover.testing.Archive;
import io.carryover.testing.Conversations;
import io.carryover.testing.Guest;
import io.carryover.testing.PostgresTestResource;
import io.carryover.testing.Sandbox;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** A signed-in customer with history starts a new chat: the agent's view of the new conversation gets a summary. */
@QuarkusTest
class EnrichmentTest {

    @Inject
    EnrichmentStatuses statuses;

    @AfterEach
    void resetPlatform() {
        Sandbox.platformReset();
    }

    @Test
    void aReturningCustomerGetsASummaryOnTheNewConversationWithinTwoSeconds() throws Exception {
        String subject = "returning-" + UUID.randomUUID();
        String token = Guest.newToken();
        try (Guest guest = Guest.viaRelay(token, Sandbox.mint(subject))) {
            Conversations.priorConversation(guest, "My card payment was declined, card 4111 1111 1111 1111, mail me at a@b.example",
                    "I have lifted the block; please try the payment again.");
            assertTrue(guest.configureSession(true).path("body").path("newSession").asBoolean());
            guest.say("Hello again, it is about the same payment");
            long echoed = System.nanoTime();
            String conversationId = Sandbox.conversationOf(token);
            JsonNode attributes = Sandbox.awaitAttributes(conversationId, Duration.ofSeconds(2));
            long visibleAfterMillis = (System.nanoTime() - echoed) / 1_000_000;
            assertTrue(visibleAfterMillis < 2000, "visible after " + visibleAfterMillis + " ms");
            String headline = attributes.path("carryover.headline").asText();
            assertTrue(headline.contains("1 prior conversation"), headline);
            String all = attributes.toString();
            assertFalse(all.contains("4111"), "card number redacted: " + all);
            assertFalse(all.contains("a@b.example"), "e-mail redacted: " + all);
        }
        // The archive now carries Genesys's ids, and the summary that was shown cites archived messages.
        UUID newest = Archive.awaitConversations(Archive.signedIn(subject), 2).get(0);
        assertNotNull(Archive.text("select genesys_conversation_id from conversation where id = ?", newest));
        assertNotNull(Archive.text("select genesys_participant_id from conversation where id = ?", newest));
        assertEquals("patched", Archive.text("select outcome from enrichment_job where conversation_id = ?", newest));
        assertEquals("patched", statuses.of(newest).orElseThrow().value());
        String lines = Archive.text("select lines::text from conversation_summary where conversation_id = ?", newest);
        JsonNode parsed = Guest.parse(lines);
        assertTrue(parsed.size() > 0);
        long cited = parsed.get(0).path("sourceMessageIds").get(0).asLong();
        assertEquals(String.valueOf(Archive.awaitConversations(Archive.signedIn(subject)).get(1)),
                Archive.text("select conversation_id::text from message where id = ?", cited));
    }

    @Test
    void aFirstTimeCustomerIsCorrelatedButNotEnriched() throws Exception {
        String subject = "first-" + UUID.randomUUID();
        String token = Guest.newToken();
        try (Guest guest = Guest.viaRelay(token, Sandbox.mint(subject))) {
            guest.configureAuthenticated(false);
            guest.say("My first question ever");
        }
        UUID conversation = Archive.awaitConversations(Archive.signedIn(subject)).get(0);
        Archive.awaitEnrichmentOutcome(conversation, "no-history");
        assertEquals(Sandbox.conversationOf(token),
                Archive.text("select genesys_conversation_id from conversation where id = ?", conversation));
        assertEquals(0, Sandbox.attributePatches(Sandbox.conversationOf(token), 0).size());
        assertEquals("no-history", statuses.of(conversation).orElseThrow().value());
    }

    @Test
    void aForbiddenLookupParksTheJobWithItsReasonAndLogsIdsOnly() throws Exception {
        String subject = "forbidden-" + UUID.randomUUID();
        String token = Guest.newToken();
        List<String> logged = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                logged.add(record instanceof org.jboss.logmanager.ExtLogRecord ext ? ext.getFormattedMessage()
                        : record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(Enricher.class.getName());
        logger.addHandler(capture);
        UUID conversation;
        try {
            try (Guest guest = Guest.viaRelay(token, Sandbox.mint(subject))) {
                guest.configureAuthenticated(false);
                // Scoped to this guest: another test's job retrying meanwhile must not take the 403.
                Sandbox.platformFault(Map.of("status", 403, "count", 1, "endpoint", "details", "guestToken", token));
                guest.say("A question about my secret project");
            }
            conversation = Archive.awaitConversations(Archive.signedIn(subject)).get(0);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "PARKED".equals(
                    Archive.text("select state from enrichment_job where conversation_id = ?", conversation)));
        } finally {
            logger.removeHandler(capture);
        }
        assertEquals("1", Archive.text("select attempts from enrichment_job where conversation_id = ?", conversation),
                "a 403 is not retried");
        EnrichmentStatus status = statuses.of(conversation).orElseThrow();
        assertEquals("parked", status.value());
        assertTrue(status.reason().startsWith("forbidden: "), status.reason());
        List<String> lines = logged.stream().filter(line -> line.contains(conversation.toString())).toList();
        assertEquals(1, lines.size(), logged.toString());
        assertTrue(lines.get(0).startsWith("enrichment forbidden"), lines.get(0));
        assertFalse(lines.get(0).contains(subject) || lines.get(0).contains("secret"), lines.get(0));
    }

    @Test
    void guestsAreNeverEnriched() throws Exception {
        String token = Guest.newToken();
        try (Guest guest = Guest.viaRelay(token)) {
            Conversations.priorConversation(guest, "Question as a guest", "Answer to the guest");
            guest.configure(true);
            guest.say("A second question as a guest");
        }
        UUID newest = Archive.awaitConversations(Archive.guestOf(token)).get(0);
        Archive.awaitEnrichmentOutcome(newest, "guest");
        assertEquals(0, Sandbox.attributePatches(Sandbox.conversationOf(token), 0).size());
    }

    @Test
    void aRateLimitStormIsWaitedOutAsGenesysAsks() throws Exception {
        String subject = "storm-" + UUID.randomUUID();
        String token = Guest.newToken();
        try (Guest guest = Guest.viaRelay(token, Sandbox.mint(subject))) {
            Conversations.priorConversation(guest, "Where is my order?", "It ships tomorrow.");
            Sandbox.platformFault(Map.of("status", 429, "count", 3, "retryAfterSeconds", 1, "endpoint", "attributes",
                    "guestToken", token));
            guest.configureAuthenticated(true);
            guest.say("Did it ship?");
            String conversationId = Sandbox.conversationOf(token);
            UUID newest = Archive.awaitConversations(Archive.signedIn(subject), 2).get(0);
            Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                    .until(() -> statuses.of(newest).map(EnrichmentStatus::value).orElse("").equals("throttled"));
            Sandbox.awaitAttributes(conversationId, Duration.ofSeconds(10));
            List<JsonNode> patches = Sandbox.platformRequestsTo("attributes", conversationId);
            assertEquals(4, patches.size(), "three throttled, one accepted: " + patches);
            for (int i = 1; i < patches.size(); i++) {
                long waited = patches.get(i).path("time").asLong() - patches.get(i - 1).path("time").asLong();
                assertTrue(waited >= 950, "Retry-After of 1 s honoured, waited " + waited + " ms: " + patches);
            }
            assertEquals(202, patches.get(3).path("status").asInt());
        }
    }

    @Test
    void serverErrorsAreRetriedWithBackoff() throws Exception {
        String subject = "flaky-" + UUID.randomUUID();
        String token = Guest.newToken();
        try (Guest guest = Guest.viaRelay(token, Sandbox.mint(subject))) {
            Conversations.priorConversation(guest, "Is the service down?", "It is back now.");
            // The guest's scope covers the prior conversation too: its job must be done before the faults are queued.
            Archive.awaitEnrichmentOutcome(Archive.awaitConversations(Archive.signedIn(subject)).get(0), "no-history");
            Sandbox.platformFault(Map.of("status", 503, "count", 2, "endpoint", "details", "guestToken", token));
            guest.configureAuthenticated(true);
            guest.say("Still there?");
            Sandbox.awaitAttributes(Sandbox.conversationOf(token), Duration.ofSeconds(10));
        }
    }

    @Test
    void aJobPastItsDeadlineIsMarkedFailed() throws Exception {
        String subject = "late-" + UUID.randomUUID();
        String token = Guest.newToken();
        try (Guest guest = Guest.viaRelay(token, Sandbox.mint(subject))) {
            guest.configureAuthenticated(false);
            guest.say("An old question");
        }
        UUID conversation = Archive.awaitConversations(Archive.signedIn(subject)).get(0);
        Archive.awaitEnrichmentOutcome(conversation, "no-history");
        Archive.execute("update enrichment_job set state = 'PENDING', outcome = null, next_attempt_at = now(),"
                + " deadline_at = now() - interval '1 second' where conversation_id = ?", conversation);
        Archive.awaitEnrichmentOutcome(conversation, "deadline");
        assertEquals("FAILED", Archive.text("select state from enrichment_job where conversation_id = ?", conversation));
    }

    @Test
    void theArchitectDataActionReturnsFlatFieldsToAuthenticatedCallers() throws Exception {
        String subject = "architect-" + UUID.randomUUID();
        String token = Guest.newToken();
        Conversations.returningCustomer(token, subject, "I need a new SIM card", "A new SIM is on its way.", "Has the SIM been sent?");
        String conversationId = Sandbox.conversationOf(token);
        Map<String, String> body = Map.of("conversationId", conversationId, "sub", subject);
        given().contentType(ContentType.JSON).body(body).post("/architect/summary").then().statusCode(401);
        given().auth().preemptive().basic("architect", "wrong").contentType(ContentType.JSON).body(body)
                .post("/architect/summary").then().statusCode(401);
        JsonNode answer = Guest.parse(given().auth().preemptive().basic("architect", "test-secret")
                .contentType(ContentType.JSON).body(body).post("/architect/summary")
                .then().statusCode(200).extract().asString());
        assertTrue(answer.path("found").asBoolean());
        assertEquals(1, answer.path("conversations").asInt());
        assertTrue(answer.path("summary1").asText().contains("SIM"), answer.toString());
        assertEquals("", answer.path("summary2").asText());
        JsonNode unknown = Guest.parse(given().auth().preemptive().basic("architect", "test-secret")
                .contentType(ContentType.JSON).body(Map.of("conversationId", "x", "sub", "nobody"))
                .post("/architect/summary").then().statusCode(200).extract().asString());
        assertFalse(unknown.path("found").asBoolean());
    }
}
