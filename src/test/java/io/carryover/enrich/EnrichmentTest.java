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
            priorConversation(guest, "My card payment was declined, card 4111 1111 1111 1111, mail me at a@b.example",
                    "I have lifted the block; please try the payment again.");
            assertTrue(guest.configureSession(true).path("body").path("newSession").asBoolean());
            guest.say("Hello again, it is about the same payment");
            long echoed = System.nanoTime();
            String conversationId = platformConversationOf(token);
            JsonNode attributes = awaitAttributes(conversationId, Duration.ofSeconds(2));
            long visibleAfterMillis = (System.nanoTime() - echoed) / 1_000_000;
            assertTrue(visibleAfterMillis < 2000, "visible after " + visibleAfterMillis + " ms");
            String headline = attributes.path("carryover.headline").asText();
            assertTrue(headline.contains("1 prior conversation"), headline);
            String all = attributes.toString();
            assertFalse(all.contains("4111"), "card number redacted: " + all);
            assertFalse(all.contains("a@b.example"), "e-mail redacted: " + all);
        }
        // The archive now carries Genesys's ids, and the summary that was shown cites archived messages.
        UUID newest = conversationsOf(subject).get(0);
        assertNotNull(value("select genesys_conversation_id from conversation where id = ?", newest));
        assertNotNull(value("select genesys_participant_id from conversation where id = ?", newest));
        assertEquals("patched", value("select outcome from enrichment_job where conversation_id = ?", newest));
        assertEquals("patched", statuses.of(newest).orElseThrow().value());
        String lines = value("select lines::text from conversation_summary where conversation_id = ?", newest);
        JsonNode parsed = Guest.parse(lines);
        assertTrue(parsed.size() > 0);
        long cited = parsed.get(0).path("sourceMessageIds").get(0).asLong();
        assertEquals(String.valueOf(conversationsOf(subject).get(1)),
                value("select conversation_id::text from message where id = ?", cited));
    }

    @Test
    void aFirstTimeCustomerIsCorrelatedButNotEnriched() throws Exception {
        String subject = "first-" + UUID.randomUUID();
        String token = Guest.newToken();
        try (Guest guest = Guest.viaRelay(token, Sandbox.mint(subject))) {
            guest.configureAuthenticated(false);
            guest.say("My first question ever");
        }
        UUID conversation = conversationsOf(subject).get(0);
        awaitOutcome(conversation, "no-history");
        assertEquals(platformConversationOf(token),
                value("select genesys_conversation_id from conversation where id = ?", conversation));
        assertEquals(0, patchesTo(platformConversationOf(token)));
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
            Sandbox.platformFault(Map.of("status", 403, "count", 1, "endpoint", "details"));
            try (Guest guest = Guest.viaRelay(token, Sandbox.mint(subject))) {
                guest.configureAuthenticated(false);
                guest.say("A question about my secret project");
            }
            conversation = conversationsOf(subject).get(0);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "PARKED".equals(
                    value("select state from enrichment_job where conversation_id = ?", conversation)));
        } finally {
            logger.removeHandler(capture);
        }
        assertEquals("1", value("select attempts from enrichment_job where conversation_id = ?", conversation),
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
            priorConversation(guest, "Question as a guest", "Answer to the guest");
            guest.configure(true);
            guest.say("A second question as a guest");
        }
        UUID newest = conversationsOfGuest(token).get(0);
        awaitOutcome(newest, "guest");
        assertEquals(0, patchesTo(platformConversationOf(token)));
    }

    @Test
    void aRateLimitStormIsWaitedOutAsGenesysAsks() throws Exception {
        String subject = "storm-" + UUID.randomUUID();
        String token = Guest.newToken();
        try (Guest guest = Guest.viaRelay(token, Sandbox.mint(subject))) {
            priorConversation(guest, "Where is my order?", "It ships tomorrow.");
            Sandbox.platformFault(Map.of("status", 429, "count", 3, "retryAfterSeconds", 1, "endpoint", "attributes"));
            guest.configureAuthenticated(true);
            guest.say("Did it ship?");
            String conversationId = platformConversationOf(token);
            UUID newest = conversationsOf(subject).get(0);
            Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                    .until(() -> statuses.of(newest).map(EnrichmentStatus::value).orElse("").equals("throttled"));
            awaitAttributes(conversationId, Duration.ofSeconds(10));
            List<JsonNode> patches = requests("attributes", conversationId);
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
            priorConversation(guest, "Is the service down?", "It is back now.");
            Sandbox.platformFault(Map.of("status", 503, "count", 2, "endpoint", "details"));
            guest.configureAuthenticated(true);
            guest.say("Still there?");
            awaitAttributes(platformConversationOf(token), Duration.ofSeconds(10));
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
        UUID conversation = conversationsOf(subject).get(0);
        awaitOutcome(conversation, "no-history");
        execute("update enrichment_job set state = 'PENDING', outcome = null, next_attempt_at = now(),"
                + " deadline_at = now() - interval '1 second' where conversation_id = ?", conversation);
        awaitOutcome(conversation, "deadline");
        assertEquals("FAILED", value("select state from enrichment_job where conversation_id = ?", conversation));
    }

    @Test
    void theArchitectDataActionReturnsFlatFieldsToAuthenticatedCallers() throws Exception {
        String subject = "architect-" + UUID.randomUUID();
        String token = Guest.newToken();
        returningCustomer(token, subject, "I need a new SIM card", "A new SIM is on its way.", "Has the SIM been sent?");
        String conversationId = platformConversationOf(token);
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

    // ---- helpers

    /** A signed-in customer with one finished conversation starts a new one and writes: the enrichment trigger. */
    static void returningCustomer(String token, String subject, String question, String answer, String followUp)
            throws Exception {
        try (Guest guest = Guest.viaRelay(token, Sandbox.mint(subject))) {
            priorConversation(guest, question, answer);
            assertTrue(guest.configureSession(true).path("body").path("newSession").asBoolean());
            guest.say(followUp);
        }
    }

    /** One finished conversation: the customer asks, an agent answers and leaves (read-only). */
    static void priorConversation(Guest guest, String question, String answer) {
        assertTrue(guest.configureSession(false).path("body").path("connected").asBoolean());
        guest.say(question);
        Sandbox.agent(guest.token(), "join");
        Sandbox.agentReply(guest.token(), answer);
        guest.awaitOutbound(b -> answer.equals(b.path("text").asText()));
        Sandbox.agent(guest.token(), "disconnect");
        guest.awaitOutbound(b -> "Disconnect".equals(b.path("events").path(0).path("presence").path("type").asText()));
    }

    static String platformConversationOf(String token) {
        return given().get("/sandbox/api/sessions/{token}", token).then().statusCode(200).extract().path("conversationId");
    }

    static JsonNode awaitAttributes(String conversationId, Duration within) {
        JsonNode[] found = new JsonNode[1];
        Awaitility.await().atMost(within).pollInterval(Duration.ofMillis(25)).until(() -> {
            JsonNode view = Guest.parse(given().get("/sandbox/api/platform/conversations/{id}", conversationId)
                    .then().statusCode(200).extract().asString());
            for (JsonNode participant : view.path("participants")) {
                if ("customer".equals(participant.path("purpose").asText())
                        && participant.path("attributes").has("carryover.headline")) {
                    found[0] = participant.path("attributes");
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    static List<JsonNode> requests(String endpoint, String conversationId) {
        JsonNode log = Guest.parse(given().get("/sandbox/api/platform/requests").then().statusCode(200)
                .extract().asString());
        List<JsonNode> matching = new ArrayList<>();
        for (JsonNode request : log) {
            if (endpoint.equals(request.path("endpoint").asText())
                    && request.path("path").asText().contains(conversationId)) {
                matching.add(request);
            }
        }
        return matching;
    }

    static long patchesTo(String conversationId) {
        return requests("attributes", conversationId).size();
    }

    static void awaitOutcome(UUID conversation, String outcome) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> outcome.equals(value("select outcome from enrichment_job where conversation_id = ?",
                        conversation)));
    }

    /** The subject's archived conversations, newest first (waits for the asynchronous archive to have one). */
    static List<UUID> conversationsOf(String subject) throws Exception {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !ids(CONVERSATIONS_OF_SUBJECT, subject).isEmpty());
        return ids(CONVERSATIONS_OF_SUBJECT, subject);
    }

    private static final String CONVERSATIONS_OF_SUBJECT = "select c.id from conversation c join customer u on u.id = c.customer_id"
            + " where u.issuer = '" + Sandbox.ISSUER + "' and u.subject = ? order by c.started_at desc";

    static List<UUID> conversationsOfGuest(String token) throws Exception {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !ids(
                "select id from conversation where customer_id = ?", io.carryover.testing.Archive.guestOf(token)).isEmpty());
        return ids("select id from conversation where customer_id = ? order by started_at desc",
                io.carryover.testing.Archive.guestOf(token));
    }

    private static List<UUID> ids(String sql, Object param) throws Exception {
        List<UUID> ids = new ArrayList<>();
        try (Connection c = PostgresTestResource.directConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return ids;
    }

    static String value(String sql, Object param) throws Exception {
        try (Connection c = PostgresTestResource.directConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    static void execute(String sql, Object param) throws Exception {
        try (Connection c = PostgresTestResource.directConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, param);
            ps.executeUpdate();
        }
    }
}
