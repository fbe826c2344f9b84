package io.carryover.identity;

import static io.carryover.testing.Archive.conversations;
import static io.carryover.testing.Archive.customer;
import static io.carryover.testing.Archive.enrichmentOutcome;
import static io.carryover.testing.Archive.eventually;
import static io.carryover.testing.Archive.guestOf;
import static io.carryover.testing.Archive.messages;
import static io.carryover.testing.Archive.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.carryover.testing.Archive;
import io.carryover.testing.Archive.StoredConversation;
import io.carryover.testing.Guest;
import io.carryover.testing.Metrics;
import io.carryover.testing.Sandbox;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * A Genesys thread token belongs to at most one verified customer: signing in takes along only the guest
 * conversation Genesys continues, and a second subject on the same token never sees, closes or enriches the first's.
 */
@QuarkusTest
class ThreadTokenTest {

    private static final String GUEST_SECRET = "My name is Gwendolyn Marchbanks and I live at 12 Larkspur Row";

    @AfterEach
    void resetPlatform() {
        Sandbox.platformReset();
    }

    @Test
    void signingInTakesOnlyTheActiveGuestConversation() throws Exception {
        String bob = "bob-" + UUID.randomUUID();
        String token = Guest.newToken();
        try (Guest guest = Guest.viaRelay(token)) {
            finishedConversation(guest, GUEST_SECRET, "Thanks, noted.");
            assertTrue(guest.configure(true).path("body").path("newSession").asBoolean());
            guest.say("A second question, still as a guest");
        }
        eventually(() -> conversations(guestOf(token)).size() == 2
                && conversations(guestOf(token)).get(0).state().equals("ACTIVE"));
        List<StoredConversation> asGuest = conversations(guestOf(token));
        UUID ended = asGuest.get(1).id();
        UUID active = asGuest.get(0).id();

        long since = System.currentTimeMillis();
        try (Guest signedIn = Guest.viaRelay(token, Sandbox.mint(bob))) {
            // Genesys continues the guest's conversation for the signed-in customer.
            assertFalse(signedIn.configureAuthenticated(false).path("body").path("newSession").asBoolean());
            signedIn.say("Now signed in as bob");
            assertTrue(signedIn.configureAuthenticated(true).path("body").path("newSession").asBoolean());
            signedIn.say("A new question as bob");
        }
        UUID bobs = customer(Sandbox.ISSUER, bob);
        eventually(() -> !conversations(bobs).isEmpty() && texts(conversations(bobs).get(0).id())
                .equals(List.of("A new question as bob")));
        UUID newest = conversations(bobs).get(0).id();
        assertEquals(List.of(ended), ids(conversations(guestOf(token))),
                "the ended guest conversation stays anonymous");
        assertEquals(List.of(newest, active), ids(conversations(bobs)), "only the active one moved to bob");
        assertEquals(List.of("A second question, still as a guest", "Now signed in as bob"), texts(active));

        // The link is recorded, with ids only.
        assertEquals(1, Archive.count("select count(*) from identity_link where to_customer_id = ?", bobs));
        assertEquals(active.toString(),
                text("select conversation_id::text from identity_link where to_customer_id = ?", bobs));
        assertEquals(guestOf(token).toString(),
                text("select from_customer_id::text from identity_link where to_customer_id = ?", bobs));
        assertNotNull(text("select linked_at::text from identity_link where to_customer_id = ?", bobs));

        // Bob's summary covers the conversation he took along, never the guest's earlier one.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "patched".equals(enrichmentOutcome(newest)));
        String summary = text("select lines::text || headline from conversation_summary where conversation_id = ?",
                newest);
        assertFalse(summary.contains("Larkspur") || summary.contains("Marchbanks"), summary);
        assertTrue(summary.contains("1 prior conversation"), summary);
        String genesys = Sandbox.conversationOf(token);
        assertEquals(1, Sandbox.attributePatches(genesys, since).size());
        String shown = Sandbox.platformConversation(genesys).getString("participants.attributes");
        assertFalse(shown.contains("Larkspur") || shown.contains("Marchbanks"), shown);
    }

    @Test
    void aSecondSubjectOnTheSameTokenNeverTouchesTheFirstOnesConversation() throws Exception {
        String alice = "alice-" + UUID.randomUUID();
        String bob = "bob-" + UUID.randomUUID();
        // Bob has history of his own, so today's code would have a summary to PATCH.
        try (Guest bobAtHome = Guest.viaRelay(Guest.newToken(), Sandbox.mint(bob))) {
            finishedConversation(bobAtHome, "My router keeps dropping the line", "A new router is on its way.");
        }
        String shared = Guest.newToken();
        try (Guest guest = Guest.viaRelay(shared, Sandbox.mint(alice))) {
            guest.configureAuthenticated(false);
            guest.say("Alice here, about my pension transfer");
        }
        UUID alices = customer(Sandbox.ISSUER, alice);
        eventually(() -> conversations(alices).size() == 1);
        UUID aliceConversation = conversations(alices).get(0).id();
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> "no-history".equals(enrichmentOutcome(aliceConversation)));
        String genesys = Sandbox.conversationOf(shared);
        assertEquals(genesys,
                text("select genesys_conversation_id from conversation where id = ?", aliceConversation));

        double conflictsBefore = Metrics.value("carryover_enrich_outcomes_total", "outcome=\"conflict\"");
        long since = System.currentTimeMillis();
        try (Guest guest = Guest.viaRelay(shared, Sandbox.mint(bob))) {
            guest.configureAuthenticated(false);
            guest.say("Bob speaking on the same device");
        }
        UUID bobs = customer(Sandbox.ISSUER, bob);
        eventually(() -> conversations(bobs).size() == 2 && texts(conversations(bobs).get(0).id())
                .equals(List.of("Bob speaking on the same device")));
        UUID bobConversation = conversations(bobs).get(0).id();

        StoredConversation alicesNow = conversations(alices).get(0);
        assertEquals(aliceConversation, alicesNow.id());
        assertEquals("ACTIVE", alicesNow.state(), "bob's activity does not close alice's conversation");
        assertEquals(List.of("Alice here, about my pension transfer"), texts(aliceConversation));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> enrichmentOutcome(bobConversation) != null);
        assertEquals("conflict", enrichmentOutcome(bobConversation));
        assertNotEquals(genesys,
                text("select coalesce(genesys_conversation_id, '') from conversation where id = ?", bobConversation),
                "bob's conversation is not correlated to alice's Genesys conversation");
        assertTrue(Sandbox.attributePatches(genesys, since).isEmpty(), "nothing PATCHed onto alice's conversation");
        JsonPath agentView = Sandbox.platformConversation(genesys);
        assertFalse(agentView.getString("participants.attributes").contains("router"));
        eventually(() -> Metrics.value("carryover_enrich_outcomes_total", "outcome=\"conflict\"") == conflictsBefore + 1);
        assertEquals(0, Archive.count("select count(*) from identity_link where to_customer_id = ?", bobs));
    }

    private static List<UUID> ids(List<StoredConversation> conversations) {
        return conversations.stream().map(StoredConversation::id).toList();
    }

    private static List<String> texts(UUID conversationId) {
        return messages(conversationId).stream().map(Archive.StoredMessage::text).toList();
    }

    /** The customer asks, an agent answers and leaves: the conversation ends read-only. */
    private static void finishedConversation(Guest guest, String question, String answer) {
        guest.configureSession(false);
        guest.say(question);
        Sandbox.agent(guest.token(), "join");
        Sandbox.agentReply(guest.token(), answer);
        guest.awaitOutbound(b -> answer.equals(b.path("text").asText()));
        Sandbox.agent(guest.token(), "disconnect");
        guest.awaitOutbound(b -> "Disconnect".equals(b.path("events").path(0).path("presence").path("type").asText()));
    }
}
