package io.carryover.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.carryover.identity.CustomerKey;
import io.carryover.identity.Identity;
import io.carryover.identity.TokenHash;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Conversation boundaries as the tracker decides them, without sockets or a database. */
class SessionTrackerTest {

    private static final CustomerKey ALICE = new CustomerKey("https://idp.example", "alice");
    private final List<ArchiveRecord> out = new ArrayList<>();
    private final ArchiveMetrics metrics = new ArchiveMetrics(new SimpleMeterRegistry());

    @Test
    void firstMessageAfterNewSessionOpensAConversation() {
        SessionTracker tracker = tracker(Identity.MISSING);
        tracker.fromClient(configure("configureSession", false));
        tracker.fromUpstream(sessionResponse(true, false), Instant.now());
        tracker.fromUpstream(text("m1", "Inbound", "10:00:00"), Instant.now());
        tracker.fromUpstream(text("m2", "Outbound", "10:00:01"), Instant.now());

        var seen = assertInstanceOf(ArchiveRecord.SessionSeen.class, out.get(0));
        assertEquals(CustomerKey.guest(TokenHash.of("token-1")), seen.customer());
        assertEquals(TokenHash.of("token-1"), seen.tokenHash());
        var opened = assertInstanceOf(ArchiveRecord.ConversationOpened.class, out.get(1));
        assertEquals(Instant.parse("2025-01-01T10:00:00Z"), opened.startedAt());
        var m1 = assertInstanceOf(ArchiveRecord.MessageSeen.class, out.get(2));
        var m2 = assertInstanceOf(ArchiveRecord.MessageSeen.class, out.get(3));
        assertEquals(opened.conversationId(), m1.conversationId());
        assertEquals(opened.conversationId(), m2.conversationId());
        assertEquals(4, out.size());
    }

    @Test
    void resumedSessionContinuesTheCurrentConversation() {
        SessionTracker tracker = tracker(Identity.MISSING);
        tracker.fromClient(configure("configureSession", false));
        tracker.fromUpstream(sessionResponse(false, false), Instant.now());
        tracker.fromUpstream(text("m1", "Outbound", "10:00:00"), Instant.now());

        var message = assertInstanceOf(ArchiveRecord.MessageSeen.class, out.get(1));
        assertNull(message.conversationId(), "the writer resolves the session's current conversation");
        assertTrue(out.stream().noneMatch(r -> r instanceof ArchiveRecord.ConversationOpened));
    }

    @Test
    void startNewOpensASecondConversation() {
        SessionTracker tracker = tracker(Identity.MISSING);
        tracker.fromClient(configure("configureSession", false));
        tracker.fromUpstream(sessionResponse(true, false), Instant.now());
        tracker.fromUpstream(text("m1", "Inbound", "10:00:00"), Instant.now());
        tracker.fromUpstream(disconnect("d1", "10:01:00"), Instant.now());
        tracker.fromClient(configure("configureSession", true));
        tracker.fromUpstream(sessionResponse(true, false), Instant.now());
        tracker.fromUpstream(text("m2", "Inbound", "10:02:00"), Instant.now());

        List<ArchiveRecord.ConversationOpened> opened = out.stream()
                .filter(ArchiveRecord.ConversationOpened.class::isInstance)
                .map(ArchiveRecord.ConversationOpened.class::cast).toList();
        assertEquals(2, opened.size());
        assertNotEquals(opened.get(0).conversationId(), opened.get(1).conversationId());
        var ended = out.stream().filter(ArchiveRecord.ConversationEnded.class::isInstance)
                .map(ArchiveRecord.ConversationEnded.class::cast).findFirst().orElseThrow();
        assertEquals(ConversationState.READ_ONLY, ended.state());
        assertEquals(opened.get(0).conversationId(), ended.conversationId());
    }

    @Test
    void unverifiedAuthenticatedSessionIsNotArchived() {
        SessionTracker tracker = tracker(new Identity.Unverified("expired"));
        tracker.fromClient(configure("configureAuthenticatedSession", false));
        tracker.fromUpstream(sessionResponse(true, false), Instant.now());
        tracker.fromUpstream(text("m1", "Inbound", "10:00:00"), Instant.now());
        assertTrue(out.isEmpty());
    }

    @Test
    void verifiedAuthenticatedSessionBelongsToTheIdentity() {
        SessionTracker tracker = tracker(new Identity.Verified(ALICE));
        tracker.fromClient(configure("configureAuthenticatedSession", false));
        tracker.fromUpstream(sessionResponse(true, false), Instant.now());
        tracker.fromUpstream(text("m1", "Inbound", "10:00:00"), Instant.now());

        assertEquals(ALICE, assertInstanceOf(ArchiveRecord.SessionSeen.class, out.get(0)).customer());
        assertEquals(ALICE, assertInstanceOf(ArchiveRecord.ConversationOpened.class, out.get(1)).customer());
        assertTrue(out.stream().noneMatch(ArchiveRecord.GuestLinked.class::isInstance),
                "a new session continues no guest conversation");
    }

    @Test
    void signingInOnAContinuedSessionLinksTheGuestThreadOfTheSameToken() {
        SessionTracker tracker = tracker(new Identity.Verified(ALICE));
        tracker.fromClient(configure("configureAuthenticatedSession", false));
        tracker.fromUpstream(sessionResponse(false, false), Instant.now());

        var seen = assertInstanceOf(ArchiveRecord.SessionSeen.class, out.get(0));
        var linked = assertInstanceOf(ArchiveRecord.GuestLinked.class, out.get(1));
        CustomerKey guest = CustomerKey.guest(TokenHash.of("token-1"));
        assertEquals(guest, linked.guest());
        assertEquals(SessionTracker.sessionId("dep-1", TokenHash.of("token-1"), guest), linked.guestSessionId());
        assertEquals(seen.sessionId(), linked.sessionId());
        assertEquals(ALICE, linked.customer());
    }

    @Test
    void customersSharingATokenEachGetTheirOwnThread() {
        CustomerKey bob = new CustomerKey("https://idp.example", "bob");
        SessionTracker alices = tracker(new Identity.Verified(ALICE));
        alices.fromClient(configure("configureAuthenticatedSession", false));
        alices.fromUpstream(sessionResponse(true, false), Instant.now());
        SessionTracker bobs = tracker(new Identity.Verified(bob));
        bobs.fromClient(configure("configureAuthenticatedSession", false));
        bobs.fromUpstream(sessionResponse(false, false), Instant.now());
        SessionTracker guests = tracker(Identity.MISSING);
        guests.fromClient(configure("configureSession", false));
        guests.fromUpstream(sessionResponse(false, false), Instant.now());

        List<ArchiveRecord.SessionSeen> seen = out.stream().filter(ArchiveRecord.SessionSeen.class::isInstance)
                .map(ArchiveRecord.SessionSeen.class::cast).toList();
        assertEquals(List.of(ALICE, bob, CustomerKey.guest(TokenHash.of("token-1"))),
                seen.stream().map(ArchiveRecord.SessionSeen::customer).toList());
        assertEquals(3, seen.stream().map(ArchiveRecord.SessionSeen::sessionId).distinct().count());
    }

    @Test
    void typingAndHealthChecksAreNotArchived() {
        SessionTracker tracker = tracker(Identity.MISSING);
        tracker.fromClient(configure("configureSession", false));
        tracker.fromUpstream(sessionResponse(true, false), Instant.now());
        tracker.fromUpstream(utf8("""
                {"type":"message","class":"StructuredMessage","code":200,
                 "body":{"id":"ty","type":"Event","direction":"Outbound",
                         "events":[{"eventType":"Typing","typing":{"type":"On"}}]}}"""), Instant.now());
        tracker.fromUpstream(utf8("""
                {"type":"response","class":"StructuredMessage","code":200,
                 "body":{"type":"Text","direction":"Inbound","text":"ping"}}"""), Instant.now());
        assertEquals(1, out.size());
    }

    @Test
    void expiryClosesTheConversation() {
        SessionTracker tracker = tracker(Identity.MISSING);
        tracker.fromClient(configure("configureSession", false));
        tracker.fromUpstream(sessionResponse(true, false), Instant.now());
        tracker.fromUpstream(text("m1", "Inbound", "10:00:00"), Instant.now());
        tracker.fromUpstream(utf8("{\"type\":\"message\",\"class\":\"SessionExpiredEvent\",\"code\":200,\"body\":{}}"),
                Instant.now());
        var ended = assertInstanceOf(ArchiveRecord.ConversationEnded.class, out.get(out.size() - 1));
        assertEquals(ConversationState.CLOSED, ended.state());
    }

    @Test
    void aConfigureIsRecognisedByItsParsedActionWhateverItsSpelling() {
        SessionTracker tracker = tracker(Identity.MISSING);
        // JSON escapes spell the same action Genesys acts on.
        tracker.fromClient(utf8("{\"action\":\"\\u0063onfigureSession\",\"deploymentId\":\"dep-1\",\"token\":\"token-1\"}"));
        tracker.fromUpstream(sessionResponse(true, false), Instant.now());
        tracker.fromUpstream(text("m1", "Inbound", "10:00:00"), Instant.now());

        var seen = assertInstanceOf(ArchiveRecord.SessionSeen.class, out.get(0));
        assertEquals(TokenHash.of("token-1"), seen.tokenHash());
        assertInstanceOf(ArchiveRecord.MessageSeen.class, out.get(2));
    }

    @Test
    void aConfigureThatParsersMayReadTwoWaysIsNotArchived() {
        SessionTracker tracker = tracker(new Identity.Verified(new CustomerKey("https://issuer", "alice")));
        // Which of the two actions Genesys acts on is unknowable: neither a guest nor alice's session is recorded.
        tracker.fromClient(utf8("{\"action\":\"configureSession\",\"action\":\"configureAuthenticatedSession\","
                + "\"deploymentId\":\"dep-1\",\"token\":\"token-1\",\"data\":{\"code\":\"x\"}}"));
        tracker.fromUpstream(sessionResponse(true, false), Instant.now());
        tracker.fromUpstream(text("m1", "Inbound", "10:00:00"), Instant.now());
        assertTrue(out.isEmpty(), out.toString());
    }

    @Test
    void unparsableFramesAreCountedAndSkipped() {
        SessionTracker tracker = tracker(Identity.MISSING);
        tracker.fromClient(utf8("{oops"));
        tracker.fromUpstream(utf8("<html>"), Instant.now());
        assertTrue(out.isEmpty());
    }

    private static byte[] utf8(String frame) {
        return frame.getBytes(StandardCharsets.UTF_8);
    }

    private SessionTracker tracker(Identity identity) {
        return new SessionTracker("dep-1", identity, out::add, metrics, Clock.systemUTC());
    }

    private static byte[] configure(String action, boolean startNew) {
        return utf8("{\"action\":\"" + action + "\",\"deploymentId\":\"dep-1\",\"token\":\"token-1\",\"startNew\":" + startNew
                + ",\"data\":{\"code\":\"x\"}}");
    }

    private static byte[] sessionResponse(boolean newSession, boolean readOnly) {
        return utf8("{\"type\":\"response\",\"class\":\"SessionResponse\",\"code\":200,\"body\":{\"connected\":true,"
                + "\"newSession\":" + newSession + ",\"readOnly\":" + readOnly + "}}");
    }

    private static byte[] text(String id, String direction, String time) {
        return utf8("{\"type\":\"message\",\"class\":\"StructuredMessage\",\"code\":200,\"body\":{\"id\":\"" + id
                + "\",\"type\":\"Text\",\"direction\":\"" + direction + "\",\"text\":\"hello\","
                + "\"channel\":{\"time\":\"2025-01-01T" + time + ".000Z\"}}}");
    }

    private static byte[] disconnect(String id, String time) {
        return utf8("{\"type\":\"message\",\"class\":\"StructuredMessage\",\"code\":200,\"body\":{\"id\":\"" + id
                + "\",\"type\":\"Event\",\"direction\":\"Outbound\",\"channel\":{\"time\":\"2025-01-01T" + time
                + ".000Z\"},\"metadata\":{\"readOnly\":\"true\"},"
                + "\"events\":[{\"eventType\":\"Presence\",\"presence\":{\"type\":\"Disconnect\"}}]}}");
    }
}
