package io.carryover.archive;

import static io.carryover.testing.Archive.conversations;
import static io.carryover.testing.Archive.eventually;
import static io.carryover.testing.Archive.guestOf;
import static io.carryover.testing.Archive.messages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.carryover.testing.Archive;
import io.carryover.testing.Archive.StoredConversation;
import io.carryover.testing.Archive.StoredMessage;
import io.carryover.testing.Guest;
import io.carryover.testing.Metrics;
import io.carryover.testing.Sandbox;
import io.quarkus.test.junit.QuarkusTest;

/** Guests chatting through the relay with the sandbox; the archive is read straight from PostgreSQL. */
@QuarkusTest
class ArchiveTest {

    @Test
    void aGuestConversationIsStoredWithGenesysIdsInOrder() throws Exception {
        String token = Guest.newToken();
        String agentMessageId;
        String echoId;
        try (Guest guest = Guest.viaRelay(token)) {
            assertTrue(guest.configure(false).path("body").path("newSession").asBoolean());
            echoId = guest.say("Where is my parcel?").path("id").asText();
            Sandbox.agent(token, "join");
            Sandbox.agentReply(token, "Let me check that for you.");
            agentMessageId = guest.awaitOutbound(b -> "Text".equals(b.path("type").asText())).path("id").asText();
        }
        eventually(() -> conversations(guestOf(token)).size() == 1
                && messages(conversations(guestOf(token)).get(0).id()).size() == 3);
        StoredConversation conversation = conversations(guestOf(token)).get(0);
        assertEquals("ACTIVE", conversation.state());
        List<StoredMessage> stored = messages(conversation.id());
        assertEquals(echoId, stored.get(0).genesysId());
        assertEquals("Inbound", stored.get(0).direction());
        assertEquals("Where is my parcel?", stored.get(0).text());
        assertEquals("Presence:Join", stored.get(1).eventType());
        assertEquals(agentMessageId, stored.get(2).genesysId());
        assertEquals("Outbound", stored.get(2).direction());
        assertNotNull(stored.get(2).sender());
        assertEquals(conversation.startedAt(), stored.get(0).channelTime());
    }

    /**
     * The relay hands the bytes it forwards to the archive, which decodes them on its own thread: under concurrency,
     * multi-byte text in both directions is archived exactly as sent, in order.
     */
    @Test
    void multiByteTextFromConcurrentGuestsIsArchivedExactly() throws Exception {
        String[] pieces = { "a", "é", "€", "😀", "\"", "\\", "ﬀ", " ", "\u0080", "\uFFFD", "中", "\n" };
        int guests = 4;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(guests);
        List<java.util.concurrent.Future<?>> runs = new java.util.ArrayList<>();
        java.util.Map<String, List<String>> sent = new java.util.concurrent.ConcurrentHashMap<>();
        try {
            for (int g = 0; g < guests; g++) {
                java.util.Random random = new java.util.Random(g);
                runs.add(pool.submit(() -> {
                    String token = Guest.newToken();
                    List<String> texts = new java.util.ArrayList<>();
                    try (Guest guest = Guest.viaRelay(token)) {
                        guest.configure(false);
                        for (int i = 0; i < 6; i++) {
                            StringBuilder text = new StringBuilder("m" + i + " ");
                            for (int c = random.nextInt(400); c >= 0; c--) {
                                text.append(pieces[random.nextInt(pieces.length)]);
                            }
                            texts.add(text.toString());
                            assertEquals(text.toString(), guest.say(text.toString()).path("text").asText());
                        }
                        Sandbox.agent(token, "join");
                        Sandbox.agentReply(token, "Réponse 😀 « ok » \\ \"fin\"");
                        texts.add("Réponse 😀 « ok » \\ \"fin\"");
                        guest.awaitOutbound(b -> "Text".equals(b.path("type").asText()));
                    }
                    sent.put(token, texts);
                    return null;
                }));
            }
            for (var run : runs) {
                run.get(2, java.util.concurrent.TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        for (var entry : sent.entrySet()) {
            UUID customer = guestOf(entry.getKey());
            eventually(() -> conversations(customer).size() == 1
                    && messages(conversations(customer).get(0).id()).stream().filter(m -> m.text() != null).count()
                            == entry.getValue().size());
            assertEquals(entry.getValue(), messages(conversations(customer).get(0).id()).stream()
                    .map(StoredMessage::text).filter(java.util.Objects::nonNull).toList());
        }
    }

    @Test
    void aResumedSessionContinuesTheSameConversation() throws Exception {
        String token = Guest.newToken();
        try (Guest guest = Guest.viaRelay(token)) {
            guest.configure(false);
            guest.say("first visit");
        }
        try (Guest guest = Guest.viaRelay(token)) {
            assertFalse(guest.configure(false).path("body").path("newSession").asBoolean());
            guest.say("back again");
        }
        eventually(() -> conversations(guestOf(token)).size() == 1
                && messages(conversations(guestOf(token)).get(0).id()).size() == 2);
    }

    @Test
    void readOnlyEndsAConversationAndStartNewBeginsAnother() throws Exception {
        String token = Guest.newToken();
        try (Guest guest = Guest.viaRelay(token)) {
            guest.configure(false);
            guest.say("my card was declined");
            Sandbox.agent(token, "disconnect");
            guest.awaitOutbound(b -> b.path("events").path(0).path("presence").path("type").asText().equals("Disconnect"));
            JsonNode readOnly = guest.configure(false).path("body");
            assertTrue(readOnly.path("readOnly").asBoolean());
            assertTrue(guest.configure(true).path("body").path("newSession").asBoolean());
            guest.say("a new question");
        }
        eventually(() -> conversations(guestOf(token)).size() == 2);
        List<StoredConversation> both = conversations(guestOf(token));
        StoredConversation newest = both.get(0);
        StoredConversation first = both.get(1);
        assertEquals("READ_ONLY", first.state());
        assertNotNull(first.endedAt());
        assertEquals("ACTIVE", newest.state());
        eventually(() -> messages(newest.id()).size() == 1);
        assertEquals("a new question", messages(newest.id()).get(0).text());
        assertEquals("Presence:Disconnect", messages(first.id()).get(1).eventType());
    }

    @Test
    void anExpiredSessionClosesItsConversation() throws Exception {
        String token = Guest.newToken();
        try (Guest guest = Guest.viaRelay(token)) {
            guest.configure(false);
            guest.say("before expiry");
            Sandbox.session(token, "expire");
            guest.expect("SessionExpiredEvent");
        }
        try (Guest guest = Guest.viaRelay(token)) {
            assertTrue(guest.configure(false).path("body").path("newSession").asBoolean());
            guest.say("after expiry");
        }
        eventually(() -> conversations(guestOf(token)).size() == 2);
        List<StoredConversation> both = conversations(guestOf(token));
        assertEquals("CLOSED", both.get(1).state());
        assertEquals("ACTIVE", both.get(0).state());
    }

    @Test
    void messagesReplayedAfterAReconnectAreNotDuplicated() throws Exception {
        String token = Guest.newToken();
        try (Guest guest = Guest.viaRelay(token)) {
            guest.configure(false);
            guest.say("hello");
            Sandbox.agentReply(token, "one");
            Sandbox.agentReply(token, "two");
            guest.awaitOutbound(b -> "two".equals(b.path("text").asText()));
        }
        try (Guest guest = Guest.viaRelay(token)) {
            guest.configure(false);
            Sandbox.session(token, "replay");
            guest.awaitOutbound(b -> "two".equals(b.path("text").asText()));
            guest.say("still there?");
        }
        UUID conversation = onlyConversation(token, 4);
        List<String> texts = messages(conversation).stream().map(StoredMessage::text).toList();
        assertEquals(List.of("hello", "one", "two", "still there?"), texts);
    }

    @Test
    void aFrameThatIsNotJsonIsStillForwardedButNotArchived() throws Exception {
        double unparsable = Metrics.value("carryover_archive_frames_unparsable_total", "direction=\"client\"");
        String token = Guest.newToken();
        try (Guest guest = Guest.viaRelay(token)) {
            guest.configure(false);
            guest.socket().send("this is not json");
            JsonNode answer = guest.expect("string");
            assertEquals(400, answer.path("code").asInt(), "Genesys (the sandbox) answered the frame");
            guest.say("after the bad frame");
        }
        UUID conversation = onlyConversation(token, 1);
        assertEquals("after the bad frame", messages(conversation).get(0).text());
        assertEquals(unparsable + 1, Metrics.value("carryover_archive_frames_unparsable_total", "direction=\"client\""));
    }

    /** Waits until the token's only conversation has {@code count} messages and returns it. */
    private static UUID onlyConversation(String token, int count) {
        Archive.eventually(() -> {
            List<StoredConversation> list = conversations(guestOf(token));
            return list.size() == 1 && messages(list.get(0).id()).size() == count;
        });
        return conversations(guestOf(token)).get(0).id();
    }
}
