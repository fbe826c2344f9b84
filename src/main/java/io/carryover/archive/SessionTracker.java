package io.carryover.archive;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;

import io.carryover.identity.CustomerKey;
import io.carryover.identity.Identity;
import io.carryover.identity.TokenHash;
import io.carryover.protocol.ClientRequest;
import io.carryover.protocol.GuestProtocol;
import io.carryover.protocol.MalformedFrameException;
import io.carryover.protocol.ServerEvent;

/**
 * The archive's view of one guest connection: which session and customer it belongs to and where conversations
 * begin and end. Fed frames in relay order by one thread at a time; emits {@link ArchiveRecord}s.
 *
 * <p>Boundaries: the first message after {@code SessionResponse newSession:true} opens a conversation; a resumed
 * session ({@code newSession:false}) continues the session's current one; a Presence Disconnect with
 * {@code readOnly} ends it read-only; session expiry or clearing closes it.
 */
final class SessionTracker {

    private final String deploymentId;
    private final Identity identity;
    private final Consumer<ArchiveRecord> out;
    private final ArchiveMetrics metrics;
    private final Clock clock;

    private ClientRequest.Configure requested;
    /** Null while the connection's messages are not archived (no session yet, or unverified authenticated one). */
    private UUID sessionId;
    private CustomerKey customer;
    private String sessionDeployment;
    private UUID conversationId;
    private boolean nextMessageOpensConversation;

    SessionTracker(String deploymentId, Identity identity, Consumer<ArchiveRecord> out, ArchiveMetrics metrics,
            Clock clock) {
        this.deploymentId = deploymentId;
        this.identity = identity;
        this.out = out;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** {@code frame}: the UTF-8 bytes as relayed. */
    void fromClient(byte[] frame) {
        if (!GuestProtocol.mayContain(frame, "configure")) {
            // Only configure requests matter here (content is archived from the server's echo); a configure can
            // only hide behind an escape, so other frames get a shape check instead of a parse.
            if (!looksLikeJsonObject(frame)) {
                metrics.unparsable("client");
            }
            return;
        }
        try {
            // The strict read first: a configure that parsers may read two ways (duplicate keys) is not archived,
            // as we cannot know which session Genesys starts.
            GuestProtocol.strictAction(frame);
            if (GuestProtocol.parseClient(new String(frame, StandardCharsets.UTF_8))
                    instanceof ClientRequest.Configure configure) {
                requested = configure;
            }
        } catch (MalformedFrameException e) {
            requested = null;
            metrics.unparsable("client");
        }
    }

    /** {@code frame}: the UTF-8 bytes as relayed (valid UTF-8: the relay refuses anything else). */
    void fromUpstream(byte[] frame, Instant receivedAt) {
        ServerEvent event;
        try {
            event = GuestProtocol.parseServer(new String(frame, StandardCharsets.UTF_8));
        } catch (MalformedFrameException e) {
            metrics.unparsable("upstream");
            return;
        }
        if (event instanceof ServerEvent.SessionResponse response) {
            sessionResponse(response);
        } else if (event instanceof ServerEvent.Message message) {
            message(message, receivedAt);
        } else if (event instanceof ServerEvent.SessionNotice notice) {
            notice(notice, receivedAt);
        } else if (event instanceof ServerEvent.Error error) {
            metrics.upstreamError(error.code());
        }
    }

    private void sessionResponse(ServerEvent.SessionResponse response) {
        if (!response.connected() || requested == null) {
            return;
        }
        ClientRequest.Configure configure = requested;
        requested = null;
        String deployment = configure.deploymentId() != null ? configure.deploymentId() : deploymentId;
        String tokenHash = TokenHash.of(configure.token());
        CustomerKey owner;
        if (configure.authenticated()) {
            if (!(identity instanceof Identity.Verified verified)) {
                metrics.unverifiedAuthenticatedSession();
                sessionId = null;
                return;
            }
            owner = verified.customer();
        } else {
            owner = CustomerKey.guest(tokenHash);
        }
        UUID session = sessionId(deployment, tokenHash, owner);
        if (!session.equals(sessionId)) {
            conversationId = null;
        }
        sessionId = session;
        customer = owner;
        sessionDeployment = deployment;
        Instant now = clock.instant();
        out.accept(new ArchiveRecord.SessionSeen(session, deployment, tokenHash, owner, now));
        if (!owner.isGuest() && !response.newSession()) {
            // Genesys continued the token's session, so a guest conversation still active on it is now this
            // customer's. A new session continues nothing.
            CustomerKey guest = CustomerKey.guest(tokenHash);
            out.accept(new ArchiveRecord.GuestLinked(sessionId(deployment, tokenHash, guest), guest, session, owner,
                    now));
        }
        if (response.newSession()) {
            nextMessageOpensConversation = true;
            conversationId = null;
        }
    }

    private void message(ServerEvent.Message message, Instant receivedAt) {
        if (sessionId == null || message.isTyping()) {
            return;
        }
        Instant at = message.channelTime() != null ? message.channelTime() : receivedAt;
        if (nextMessageOpensConversation) {
            nextMessageOpensConversation = false;
            conversationId = UUID.randomUUID();
            out.accept(new ArchiveRecord.ConversationOpened(conversationId, sessionId, sessionDeployment, customer,
                    at));
        }
        out.accept(new ArchiveRecord.MessageSeen(sessionId, conversationId, sessionDeployment, customer,
                new ArchivedMessage(message.id(), message.direction(), message.messageType(), message.eventType(),
                        message.text(), message.senderName(), message.originatingEntity(), message.channelTime(),
                        receivedAt, message.original()),
                true));
        if (message.endsInReadOnly()) {
            out.accept(new ArchiveRecord.ConversationEnded(sessionId, conversationId, customer,
                    ConversationState.READ_ONLY, at));
            conversationId = null;
        }
    }

    private void notice(ServerEvent.SessionNotice notice, Instant receivedAt) {
        if (sessionId == null) {
            return;
        }
        out.accept(new ArchiveRecord.MessageSeen(sessionId, conversationId, sessionDeployment, customer,
                new ArchivedMessage(null, "Outbound", notice.kind().name(), null, null, null, null, null, receivedAt,
                        notice.original()),
                false));
        if (notice.kind() == ServerEvent.SessionNotice.Kind.SESSION_EXPIRED
                || notice.kind() == ServerEvent.SessionNotice.Kind.SESSION_CLEARED) {
            out.accept(new ArchiveRecord.ConversationEnded(sessionId, conversationId, customer,
                    ConversationState.CLOSED, receivedAt));
            conversationId = null;
        }
    }

    private static boolean looksLikeJsonObject(byte[] frame) {
        int start = 0;
        int end = frame.length - 1;
        while (start <= end && frame[start] >= 0 && Character.isWhitespace(frame[start])) {
            start++;
        }
        while (end >= start && frame[end] >= 0 && Character.isWhitespace(frame[end])) {
            end--;
        }
        if (start <= end && (frame[start] < 0 || frame[end] < 0)) {
            // Non-ASCII at an end: may be Unicode whitespace, which strip() knows (rare, so decoding is fine).
            return looksLikeJsonObject(new String(frame, StandardCharsets.UTF_8));
        }
        return start < end && frame[start] == '{' && frame[end] == '}';
    }

    private static boolean looksLikeJsonObject(String frame) {
        String trimmed = frame.strip();
        return trimmed.startsWith("{") && trimmed.endsWith("}");
    }

    /** One archive thread per deployment, thread token and customer: customers sharing a token never share one. */
    static UUID sessionId(String deploymentId, String tokenHash, CustomerKey customer) {
        return UUID.nameUUIDFromBytes(("session\n" + deploymentId + "\n" + tokenHash + "\n" + customer.id())
                .getBytes(StandardCharsets.UTF_8));
    }
}
