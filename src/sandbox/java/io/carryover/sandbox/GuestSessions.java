package io.carryover.sandbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;

/**
 * The emulated Genesys guest service: sessions keyed by guest token, shared by the guest socket endpoint
 * and the control API that plays the agent. Every method that pushes frames blocks until they are written,
 * so it must run on a worker thread (the socket callbacks and REST methods of this package do).
 *
 * <p>Error codes sent as {@code class:"string"} frames: 400 bad request, 401 missing auth code,
 * 403 conversation is read-only (sandbox choice; Genesys uses 403 for refused features), 4000 attachments
 * unsupported, 4006 session expired, 4007 session not found, 4011 text too long, 4013 custom attributes too
 * large, 4017 guest configure on an authenticated token, 4020 missing parameter, 5000 unexpected error.
 */
@ApplicationScoped
public class GuestSessions {

    /** What the auto-replying agent says, once per conversation. */
    public static final String AUTO_REPLY_TEXT = "Thanks — an agent will be with you shortly.";

    private static final Logger LOG = Logger.getLogger(GuestSessions.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(5);
    private static final long AUTO_REPLY_DELAY_MS = 300;

    // ---- read-only views, for the control API and a later Platform API emulator

    /** One stored message; {@code time} is the channel.time the guest saw. */
    public record MessageView(String id, String direction, String type, String text, String conversationId,
            String time) {
    }

    /** What GET /sandbox/api/sessions/{token} shows; messages span every conversation of the token. */
    public record SessionView(String deploymentId, boolean authenticated, boolean readOnly, boolean expired,
            String conversationId, String customerParticipantId, int connections,
            Map<String, String> customAttributes, List<MessageView> messages) {
    }

    /** A Platform-side conversation: one customer participant and the messages sent in it. */
    public record ConversationView(String conversationId, String customerParticipantId, String deploymentId,
            boolean authenticated, String startTime, boolean ended, Map<String, String> customerAttributes,
            List<MessageView> messages) {
    }

    /** Result of an agent action: the id of the message sent and how many sockets got it. */
    public record Delivery(String messageId, int sockets) {
    }

    private final Map<String, GuestSession> sessionsByToken = new ConcurrentHashMap<>();
    private final Map<String, String> tokenBySocketId = new ConcurrentHashMap<>();
    private final Map<String, SandboxConversation> conversationsById = new ConcurrentHashMap<>();
    private final Map<String, String> conversationIdByMessageId = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "sandbox-agent");
        thread.setDaemon(true);
        return thread;
    });

    private final GuestFrames frames;
    private final SandboxConfig config;

    GuestSessions(GuestFrames frames, SandboxConfig config) {
        this.frames = frames;
        this.config = config;
    }

    @PreDestroy
    void stop() {
        scheduler.shutdownNow();
    }

    // =====================================================================================
    // Guest socket side

    /**
     * configureSession / configureAuthenticatedSession, already checked for required fields.
     * Binds the caller to the token and answers with a SessionResponse.
     */
    void configure(WebSocketConnection caller, String token, String deploymentId, boolean authenticated,
            boolean startNew, String tracingId) {
        leavePreviousSession(caller, token);
        List<WebSocketConnection> toClose = new ArrayList<>();
        GuestSession session = lockSession(token, true);
        try {
            if (!authenticated && session.authenticated && session.configured && !session.expired) {
                send(caller, frames.error(4017, "Cannot downgrade an authenticated session", tracingId));
                return;
            }
            boolean stepUp = authenticated && session.configured && !session.authenticated && !session.expired;
            boolean newSession = !session.configured || session.expired || startNew;
            if (newSession) {
                if (session.conversation != null) {
                    session.conversation.ended = true;
                }
                session.startAfresh();
            }
            session.configured = true;
            session.deploymentId = deploymentId;
            session.authenticated = authenticated;
            if (stepUp) {
                // Signing in on one socket ends the guest's other sockets, as Genesys does.
                String closed = frames.message("ConnectionClosedEvent", frames.connectionClosed("signedIn"), null);
                for (WebSocketConnection other : otherSockets(session, caller)) {
                    send(other, closed);
                    toClose.add(detach(session, other));
                }
            }
            session.sockets.put(caller.id(), caller);
            tokenBySocketId.put(caller.id(), token);
            send(caller, frames.response("SessionResponse",
                    frames.sessionResponse(newSession, session.readOnly), tracingId));
        } finally {
            session.lock.unlock();
        }
        closeAll(toClose, 1000, "signedIn");
    }

    /** onMessage: Text, Typing and Presence (Join, Clear) events from the guest. */
    void onMessage(WebSocketConnection caller, String token, JsonNode message, JsonNode requestChannel,
            String tracingId) {
        if (token == null) {
            send(caller, frames.error(4020, "Missing parameter: token", tracingId));
            return;
        }
        List<WebSocketConnection> toClose = new ArrayList<>();
        GuestSession session = lockSession(token, false);
        if (session == null) {
            send(caller, frames.error(4007, "Session not found", tracingId));
            return;
        }
        try {
            if (!checkUsable(session, caller, tracingId)) {
                return;
            }
            if (!session.admitRequest(System.currentTimeMillis(), config.messagesPerSecond())) {
                send(caller, frames.tooManyRequests(tracingId));
                return;
            }
            if (message == null || !message.isObject()) {
                send(caller, frames.error(4020, "Missing parameter: message", tracingId));
                return;
            }
            String type = message.path("type").asText("");
            switch (type) {
                case "Text" -> guestText(session, token, message, requestChannel, tracingId, caller);
                case "Event" -> guestEvent(session, token, message, requestChannel, tracingId, caller, toClose);
                default -> send(caller, frames.error(400, "Unsupported message type", tracingId));
            }
        } finally {
            session.lock.unlock();
        }
        closeAll(toClose, 1000, "session cleared");
    }

    private void guestText(GuestSession session, String token, JsonNode message, JsonNode requestChannel,
            String tracingId, WebSocketConnection caller) {
        if (session.readOnly) {
            send(caller, frames.error(403, "Conversation is read-only", tracingId));
            return;
        }
        JsonNode textNode = message.get("text");
        if (textNode == null || !textNode.isTextual() || textNode.asText().isEmpty()) {
            send(caller, frames.error(400, "Text messages need a text", tracingId));
            return;
        }
        String text = textNode.asText();
        if (text.codePointCount(0, text.length()) > config.maxTextLength()) {
            send(caller, frames.error(4011, "Message exceeds the maximum of " + config.maxTextLength()
                    + " characters", tracingId));
            return;
        }
        SandboxConversation conversation = echoInbound(session, message, requestChannel, tracingId, caller, "Text",
                text, (id, now) -> frames.inboundText(id, text, now));
        if (conversation == null) {
            return;
        }
        if (config.agentAutoReply() && !conversation.autoReplied) {
            conversation.autoReplied = true;
            scheduler.schedule(() -> autoReply(token, conversation), AUTO_REPLY_DELAY_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void guestEvent(GuestSession session, String token, JsonNode message, JsonNode requestChannel,
            String tracingId, WebSocketConnection caller, List<WebSocketConnection> toClose) {
        JsonNode event = message.path("events").path(0);
        String eventType = event.path("eventType").asText("");
        String presence = event.path("presence").path("type").asText("");
        if (eventType.equals("Presence") && presence.equals("Clear")) {
            clear(session, token, caller, tracingId, toClose);
            return;
        }
        if (session.readOnly) {
            send(caller, frames.error(403, "Conversation is read-only", tracingId));
            return;
        }
        if (eventType.equals("Presence") && presence.equals("Join")) {
            // Autostart: like a first text, the Join opens the Platform conversation.
            echoInbound(session, message, requestChannel, tracingId, caller, "Event", null,
                    (id, now) -> frames.inboundPresence(id, "Join", now));
        }
        // Typing and every other guest event: accepted, nothing echoed.
    }

    /**
     * Records an inbound message on the session's Platform conversation (opening it if needed) and echoes it to every
     * socket of the token; null when its custom attributes were refused.
     */
    private SandboxConversation echoInbound(GuestSession session, JsonNode message, JsonNode requestChannel,
            String tracingId, WebSocketConnection caller, String type, String text,
            java.util.function.BiFunction<String, Instant, ObjectNode> body) {
        Map<String, String> attributes = customAttributes(message, requestChannel);
        if (attributesTooLarge(attributes, caller, tracingId)) {
            return null;
        }
        SandboxConversation conversation = openConversation(session);
        conversation.customerAttributes.putAll(attributes);
        String id = GuestFrames.inboundId();
        Instant now = Instant.now();
        ObjectNode echo = body.apply(id, now);
        record(conversation, new SandboxConversation.Message(id, "Inbound", type, text, now, echo));
        broadcast(session, frames.message("StructuredMessage", echo, tracingId));
        return conversation;
    }

    /** Presence Clear: the conversation is wiped for the guest and the token forgotten. */
    private void clear(GuestSession session, String token, WebSocketConnection caller, String tracingId,
            List<WebSocketConnection> toClose) {
        send(caller, frames.message("SessionClearedEvent", frames.empty(), tracingId));
        String closed = frames.message("ConnectionClosedEvent", frames.connectionClosed(null), null);
        for (WebSocketConnection other : otherSockets(session, caller)) {
            send(other, closed);
            toClose.add(other);
        }
        if (session.conversation != null) {
            session.conversation.ended = true;
        }
        session.removed = true;
        session.sockets.keySet().forEach(id -> tokenBySocketId.remove(id, token));
        session.sockets.clear();
        sessionsByToken.remove(token, session);
    }

    /** echo: the keep-alive; answered whether or not the socket has a session. */
    void echo(WebSocketConnection caller, String text, String tracingId) {
        send(caller, frames.response("StructuredMessage", frames.echo(text, Instant.now()), tracingId));
    }

    /** closeSession: the caller gets connected:false; unless told otherwise the token's other sockets close. */
    void closeSession(WebSocketConnection caller, String token, boolean closeAllConnections, String tracingId) {
        List<WebSocketConnection> toClose = new ArrayList<>();
        GuestSession session = token == null ? null : lockSession(token, false);
        if (session == null) {
            send(caller, frames.error(4007, "Session not found", tracingId));
            return;
        }
        try {
            if (!session.sockets.containsKey(caller.id())) {
                send(caller, frames.error(4007, "Session not found", tracingId));
                return;
            }
            if (closeAllConnections) {
                String closed = frames.message("ConnectionClosedEvent", frames.connectionClosed(null), null);
                for (WebSocketConnection other : otherSockets(session, caller)) {
                    send(other, closed);
                    toClose.add(detach(session, other));
                }
            }
            detach(session, caller);
            send(caller, frames.response("SessionResponse", frames.disconnectedSessionResponse(), tracingId));
        } finally {
            session.lock.unlock();
        }
        closeAll(toClose, 1000, "session closed");
    }

    /** getJwt: an opaque bearer for the guest history API (not emulated). */
    void getJwt(WebSocketConnection caller, String token, String tracingId) {
        GuestSession session = token == null ? null : lockSession(token, false);
        if (session == null) {
            send(caller, frames.error(4007, "Session not found", tracingId));
            return;
        }
        try {
            if (checkUsable(session, caller, tracingId)) {
                long exp = Instant.now().plus(config.tokenLifetime()).getEpochSecond();
                String jwt = "sandbox-guest-" + GuestFrames.outboundId();
                send(caller, frames.response("JwtResponse", frames.jwt(jwt, exp), tracingId));
            }
        } finally {
            session.lock.unlock();
        }
    }

    void getConfiguration(WebSocketConnection caller, String tracingId) {
        send(caller, frames.response("GetConfigurationResponse", frames.configuration(), tracingId));
    }

    /** The socket went away: forget it, the session stays for the next socket with the same token. */
    void socketClosed(WebSocketConnection connection) {
        String token = tokenBySocketId.remove(connection.id());
        if (token == null) {
            return;
        }
        GuestSession session = lockSession(token, false);
        if (session != null) {
            try {
                session.sockets.remove(connection.id());
            } finally {
                session.lock.unlock();
            }
        }
    }

    // =====================================================================================
    // Agent / control side

    public Optional<SessionView> view(String token) {
        GuestSession session = lockSession(token, false);
        if (session == null) {
            return Optional.empty();
        }
        try {
            SandboxConversation current = session.conversation;
            List<MessageView> messages = new ArrayList<>();
            for (SandboxConversation conversation : session.conversations) {
                messages.addAll(messageViews(conversation));
            }
            return Optional.of(new SessionView(session.deploymentId, session.authenticated, session.readOnly,
                    session.expired, current == null ? null : current.id,
                    current == null ? null : current.customerParticipantId, session.sockets.size(),
                    current == null ? Map.of() : Map.copyOf(current.customerAttributes), List.copyOf(messages)));
        } finally {
            session.lock.unlock();
        }
    }

    /** A Platform conversation by id, including ended ones and those of cleared tokens. */
    public Optional<ConversationView> conversation(String conversationId) {
        SandboxConversation c = conversationsById.get(conversationId);
        if (c == null) {
            return Optional.empty();
        }
        return Optional.of(new ConversationView(c.id, c.customerParticipantId, c.deploymentId, c.authenticated,
                GuestFrames.channelTime(c.startTime), c.ended, Map.copyOf(c.customerAttributes),
                messageViews(c)));
    }

    /** The live Platform-side state of a conversation, for the Platform API emulator ({@link SandboxPlatform}). */
    Optional<SandboxConversation> platformConversation(String conversationId) {
        return Optional.ofNullable(conversationsById.get(conversationId));
    }

    /** What GET /api/v2/conversations/messages/{messageId}/details resolves: message id to conversation id. */
    public Optional<String> conversationIdOfMessage(String messageId) {
        return Optional.ofNullable(conversationIdByMessageId.get(messageId));
    }

    public Delivery agentJoin(String token, String nickname) {
        return agentSend(token, false, (session, conversation, now) -> {
            String id = GuestFrames.outboundId();
            ObjectNode body = frames.outboundPresence(id, "Join", nickname(nickname), false, now);
            conversation.agentJoined = true;
            record(conversation, new SandboxConversation.Message(id, "Outbound", "Event", null, now, body));
            return new Delivery(id, broadcast(session, frames.message("StructuredMessage", body, null)));
        });
    }

    public Delivery agentReply(String token, String text, String nickname, boolean bot) {
        if (text == null || text.isBlank()) {
            throw new SandboxApiException(400, "text is required");
        }
        return agentSend(token, false, (session, conversation, now) -> {
            conversation.agentJoined = true;
            return reply(session, conversation, text, nickname(nickname), bot, now);
        });
    }

    public Delivery agentTyping(String token) {
        return agentSend(token, false, (session, conversation, now) -> {
            String id = GuestFrames.outboundId();
            return new Delivery(id, broadcast(session,
                    frames.message("StructuredMessage", frames.outboundTyping(id, now), null)));
        });
    }

    /** The agent leaves and the conversation turns read-only until the guest configures with startNew. */
    public Delivery agentDisconnect(String token) {
        return agentSend(token, false, (session, conversation, now) -> {
            String id = GuestFrames.outboundId();
            ObjectNode body = frames.outboundPresence(id, "Disconnect", null, true, now);
            record(conversation, new SandboxConversation.Message(id, "Outbound", "Event", null, now, body));
            session.readOnly = true;
            conversation.ended = true;
            return new Delivery(id, broadcast(session, frames.message("StructuredMessage", body, null)));
        });
    }

    /**
     * Re-sends every Outbound message of the current conversation with its original id and time, as
     * Genesys does after a reconnect; returns how many messages were re-sent.
     */
    public int replay(String token) {
        return agentSend(token, true, (session, conversation, now) -> {
            int replayed = 0;
            if (conversation != null) {
                for (SandboxConversation.Message m : conversation.messages) {
                    if (m.direction().equals("Outbound")) {
                        broadcast(session, frames.message("StructuredMessage", m.body(), null));
                        replayed++;
                    }
                }
            }
            return replayed;
        });
    }

    /** Expires the session: its sockets get SessionExpiredEvent and are closed; returns how many. */
    public int expire(String token) {
        List<WebSocketConnection> toClose = new ArrayList<>();
        GuestSession session = lockSession(token, false);
        if (session == null) {
            throw SandboxApiException.unknownSession();
        }
        try {
            session.expired = true;
            String expired = frames.message("SessionExpiredEvent", frames.empty(), null);
            for (WebSocketConnection socket : List.copyOf(session.sockets.values())) {
                send(socket, expired);
                toClose.add(detach(session, socket));
            }
        } finally {
            session.lock.unlock();
        }
        closeAll(toClose, 1000, "session expired");
        return toClose.size();
    }

    @FunctionalInterface
    private interface AgentAction<T> {
        T apply(GuestSession session, SandboxConversation conversation, Instant now);
    }

    private <T> T agentSend(String token, boolean allowWithoutConversation, AgentAction<T> action) {
        GuestSession session = lockSession(token, false);
        if (session == null) {
            throw SandboxApiException.unknownSession();
        }
        try {
            if (session.expired) {
                throw SandboxApiException.conflict("session expired");
            }
            SandboxConversation conversation = session.conversation;
            if (!allowWithoutConversation) {
                if (conversation == null) {
                    throw SandboxApiException.conflict("no conversation yet: the guest has not sent a message");
                }
                if (session.readOnly) {
                    throw SandboxApiException.conflict("conversation is read-only: the agent has disconnected");
                }
            }
            return action.apply(session, conversation, Instant.now());
        } finally {
            session.lock.unlock();
        }
    }

    private Delivery reply(GuestSession session, SandboxConversation conversation, String text, String nickname,
            boolean bot, Instant now) {
        String id = GuestFrames.outboundId();
        ObjectNode body = frames.outboundText(id, text, nickname, bot, now);
        record(conversation, new SandboxConversation.Message(id, "Outbound", "Text", text, now, body));
        return new Delivery(id, broadcast(session, frames.message("StructuredMessage", body, null)));
    }

    private void autoReply(String token, SandboxConversation conversation) {
        GuestSession session = lockSession(token, false);
        if (session == null) {
            return;
        }
        try {
            // The guest may have moved on (expired, startNew, agent disconnect) during the delay.
            if (session.conversation == conversation && !session.expired && !session.readOnly) {
                reply(session, conversation, AUTO_REPLY_TEXT, config.agentName(), false, Instant.now());
            }
        } catch (RuntimeException e) {
            LOG.debugf("sandbox auto-reply failed: %s", e.toString());
        } finally {
            session.lock.unlock();
        }
    }

    // =====================================================================================
    // helpers (callers hold the session lock where a session is involved)

    /** Finds (or creates) the token's session and returns it locked; null if absent and not created. */
    private GuestSession lockSession(String token, boolean create) {
        while (true) {
            GuestSession session = create
                    ? sessionsByToken.computeIfAbsent(token, GuestSession::new)
                    : sessionsByToken.get(token);
            if (session == null) {
                return null;
            }
            session.lock.lock();
            if (!session.removed) {
                return session;
            }
            // Cleared while we waited for the lock: look the token up again.
            session.lock.unlock();
        }
    }

    /** Expired → 4006; this socket not configured with the token → 4007. */
    private boolean checkUsable(GuestSession session, WebSocketConnection caller, String tracingId) {
        if (session.expired) {
            send(caller, frames.error(4006, "Session expired", tracingId));
            return false;
        }
        if (!session.configured || !session.sockets.containsKey(caller.id())) {
            send(caller, frames.error(4007, "Session not found", tracingId));
            return false;
        }
        return true;
    }

    /** A socket re-configuring with another token leaves its old session first (never two locks at once). */
    private void leavePreviousSession(WebSocketConnection caller, String token) {
        String previous = tokenBySocketId.get(caller.id());
        if (previous == null || previous.equals(token)) {
            return;
        }
        GuestSession old = lockSession(previous, false);
        if (old != null) {
            try {
                detach(old, caller);
            } finally {
                old.lock.unlock();
            }
        }
    }

    private SandboxConversation openConversation(GuestSession session) {
        SandboxConversation conversation = session.openConversation();
        conversationsById.putIfAbsent(conversation.id, conversation);
        return conversation;
    }

    private void record(SandboxConversation conversation, SandboxConversation.Message message) {
        conversation.messages.add(message);
        conversationIdByMessageId.put(message.id(), conversation.id);
    }

    private static List<MessageView> messageViews(SandboxConversation conversation) {
        return conversation.messages.stream()
                .map(m -> new MessageView(m.id(), m.direction(), m.type(), m.text(), conversation.id,
                        GuestFrames.channelTime(m.time())))
                .toList();
    }

    private String nickname(String requested) {
        return requested == null || requested.isBlank() ? config.agentName() : requested;
    }

    /** customAttributes may sit in message.channel (Messenger SDKs) or in the request's channel (Java SDK). */
    private static Map<String, String> customAttributes(JsonNode message, JsonNode requestChannel) {
        Map<String, String> attributes = new LinkedHashMap<>();
        collect(requestChannel == null ? null : requestChannel.path("metadata").path("customAttributes"), attributes);
        collect(message.path("channel").path("metadata").path("customAttributes"), attributes);
        return attributes;
    }

    private static void collect(JsonNode node, Map<String, String> into) {
        if (node != null && node.isObject()) {
            node.fields().forEachRemaining(e -> into.put(e.getKey(),
                    e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
        }
    }

    private boolean attributesTooLarge(Map<String, String> attributes, WebSocketConnection caller,
            String tracingId) {
        long bytes = 0;
        for (Map.Entry<String, String> e : attributes.entrySet()) {
            bytes += e.getKey().getBytes(StandardCharsets.UTF_8).length
                    + e.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        if (bytes <= config.maxCustomDataBytes()) {
            return false;
        }
        send(caller, frames.error(4013, "Custom Attributes in channel metadata is larger than "
                + config.maxCustomDataBytes() + " bytes", tracingId));
        return true;
    }

    private static List<WebSocketConnection> otherSockets(GuestSession session, WebSocketConnection caller) {
        return session.sockets.values().stream().filter(s -> !s.id().equals(caller.id())).toList();
    }

    private WebSocketConnection detach(GuestSession session, WebSocketConnection socket) {
        session.sockets.remove(socket.id());
        tokenBySocketId.remove(socket.id(), session.token);
        return socket;
    }

    /** Sends to every socket of the session, in the same order everywhere; returns how many got it. */
    private int broadcast(GuestSession session, String frame) {
        int delivered = 0;
        for (WebSocketConnection socket : List.copyOf(session.sockets.values())) {
            if (send(socket, frame)) {
                delivered++;
            }
        }
        return delivered;
    }

    boolean send(WebSocketConnection socket, String frame) {
        if (!socket.isOpen()) {
            return false;
        }
        try {
            socket.sendText(frame).await().atMost(SEND_TIMEOUT);
            return true;
        } catch (RuntimeException e) {
            // A guest vanishing mid-send is normal; the close callback cleans up.
            LOG.debugf("sandbox frame not delivered to socket %s: %s", socket.id(), e.toString());
            return false;
        }
    }

    /** Closes outside the session lock: the close callback of each socket takes that lock. */
    void closeAll(List<WebSocketConnection> sockets, int code, String reason) {
        for (WebSocketConnection socket : sockets) {
            close(socket, code, reason);
        }
    }

    void close(WebSocketConnection socket, int code, String reason) {
        if (!socket.isOpen()) {
            return;
        }
        try {
            socket.close(new CloseReason(code, reason)).await().atMost(SEND_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.debugf("sandbox socket %s did not close cleanly: %s", socket.id(), e.toString());
        }
    }
}
