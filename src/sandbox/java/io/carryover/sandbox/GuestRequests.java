package io.carryover.sandbox;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.websockets.next.WebSocketConnection;

/**
 * The guest socket side of the emulated Genesys guest service: the requests {@link GuestSocket} has parsed,
 * answered on the caller's socket and echoed to the token's other sockets. Blocking (see {@link GuestDelivery}).
 *
 * <p>Error codes sent as {@code class:"string"} frames: 400 bad request, 401 missing auth code,
 * 403 conversation is read-only (sandbox choice; Genesys uses 403 for refused features), 4000 attachments
 * unsupported, 4006 session expired, 4007 session not found, 4011 text too long, 4013 custom attributes too
 * large, 4017 guest configure on an authenticated token, 4020 missing parameter, 5000 unexpected error.
 */
@ApplicationScoped
public class GuestRequests {

    private final GuestSessions sessions;
    private final GuestDelivery delivery;
    private final SandboxAgent agent;
    private final GuestFrames frames;
    private final SandboxConfig config;

    GuestRequests(GuestSessions sessions, GuestDelivery delivery, SandboxAgent agent, GuestFrames frames,
            SandboxConfig config) {
        this.sessions = sessions;
        this.delivery = delivery;
        this.agent = agent;
        this.frames = frames;
        this.config = config;
    }

    /**
     * configureSession / configureAuthenticatedSession, already checked for required fields.
     * Binds the caller to the token and answers with a SessionResponse.
     */
    void configure(WebSocketConnection caller, String token, String deploymentId, boolean authenticated,
            boolean startNew, String tracingId) {
        leavePreviousSession(caller, token);
        List<WebSocketConnection> toClose = new ArrayList<>();
        sessions.withNewOrExistingSession(token, session -> {
            if (!authenticated && session.authenticated && session.configured && !session.expired) {
                delivery.send(caller, frames.error(4017, "Cannot downgrade an authenticated session", tracingId));
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
                    delivery.send(other, closed);
                    toClose.add(sessions.detach(session, other));
                }
            }
            sessions.attach(session, caller);
            delivery.send(caller, frames.response("SessionResponse",
                    frames.sessionResponse(newSession, session.readOnly), tracingId));
        });
        delivery.closeAll(toClose, 1000, "signedIn");
    }

    /** onMessage: Text, Typing and Presence (Join, Clear) events from the guest. */
    void onMessage(WebSocketConnection caller, String token, JsonNode message, JsonNode requestChannel,
            String tracingId) {
        if (token == null) {
            delivery.send(caller, frames.error(4020, "Missing parameter: token", tracingId));
            return;
        }
        List<WebSocketConnection> toClose = new ArrayList<>();
        boolean known = sessions.withSession(token, session -> {
            if (!checkUsable(session, caller, tracingId)) {
                return;
            }
            if (!session.admitRequest(System.currentTimeMillis(), config.messagesPerSecond())) {
                delivery.send(caller, frames.tooManyRequests(tracingId));
                return;
            }
            if (message == null || !message.isObject()) {
                delivery.send(caller, frames.error(4020, "Missing parameter: message", tracingId));
                return;
            }
            switch (message.path("type").asText("")) {
                case "Text" -> guestText(session, message, requestChannel, tracingId, caller);
                case "Event" -> guestEvent(session, message, requestChannel, tracingId, caller, toClose);
                default -> delivery.send(caller, frames.error(400, "Unsupported message type", tracingId));
            }
        });
        if (!known) {
            delivery.send(caller, frames.error(4007, "Session not found", tracingId));
        }
        delivery.closeAll(toClose, 1000, "session cleared");
    }

    private void guestText(SandboxGuestSession session, JsonNode message, JsonNode requestChannel,
            String tracingId, WebSocketConnection caller) {
        if (session.readOnly) {
            delivery.send(caller, frames.error(403, "Conversation is read-only", tracingId));
            return;
        }
        JsonNode textNode = message.get("text");
        if (textNode == null || !textNode.isTextual() || textNode.asText().isEmpty()) {
            delivery.send(caller, frames.error(400, "Text messages need a text", tracingId));
            return;
        }
        String text = textNode.asText();
        if (text.codePointCount(0, text.length()) > config.maxTextLength()) {
            delivery.send(caller, frames.error(4011, "Message exceeds the maximum of " + config.maxTextLength()
                    + " characters", tracingId));
            return;
        }
        SandboxConversation conversation = echoInbound(session, message, requestChannel, tracingId, caller, "Text",
                text, (id, now) -> frames.inboundText(id, text, now));
        if (conversation != null) {
            agent.scheduleAutoReply(session.token, conversation);
        }
    }

    private void guestEvent(SandboxGuestSession session, JsonNode message, JsonNode requestChannel,
            String tracingId, WebSocketConnection caller, List<WebSocketConnection> toClose) {
        JsonNode event = message.path("events").path(0);
        String eventType = event.path("eventType").asText("");
        String presence = event.path("presence").path("type").asText("");
        if (eventType.equals("Presence") && presence.equals("Clear")) {
            clear(session, caller, tracingId, toClose);
            return;
        }
        if (session.readOnly) {
            delivery.send(caller, frames.error(403, "Conversation is read-only", tracingId));
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
    private SandboxConversation echoInbound(SandboxGuestSession session, JsonNode message, JsonNode requestChannel,
            String tracingId, WebSocketConnection caller, String type, String text,
            BiFunction<String, Instant, ObjectNode> body) {
        Map<String, String> attributes = customAttributes(message, requestChannel);
        if (attributesTooLarge(attributes, caller, tracingId)) {
            return null;
        }
        SandboxConversation conversation = sessions.openConversation(session);
        conversation.customerAttributes.putAll(attributes);
        String id = GuestFrames.inboundId();
        Instant now = Instant.now();
        ObjectNode echo = body.apply(id, now);
        sessions.record(conversation, new SandboxConversation.Message(id, "Inbound", type, text, now, echo));
        delivery.broadcast(session, frames.message("StructuredMessage", echo, tracingId));
        return conversation;
    }

    /** Presence Clear: the conversation is wiped for the guest and the token forgotten. */
    private void clear(SandboxGuestSession session, WebSocketConnection caller, String tracingId,
            List<WebSocketConnection> toClose) {
        delivery.send(caller, frames.message("SessionClearedEvent", frames.empty(), tracingId));
        String closed = frames.message("ConnectionClosedEvent", frames.connectionClosed(null), null);
        for (WebSocketConnection other : otherSockets(session, caller)) {
            delivery.send(other, closed);
            toClose.add(other);
        }
        if (session.conversation != null) {
            session.conversation.ended = true;
        }
        sessions.remove(session);
    }

    /** echo: the keep-alive; answered whether or not the socket has a session. */
    void echo(WebSocketConnection caller, String text, String tracingId) {
        delivery.send(caller, frames.response("StructuredMessage", frames.echo(text, Instant.now()), tracingId));
    }

    /** closeSession: the caller gets connected:false; unless told otherwise the token's other sockets close. */
    void closeSession(WebSocketConnection caller, String token, boolean closeAllConnections, String tracingId) {
        List<WebSocketConnection> toClose = new ArrayList<>();
        boolean closed = sessions.fromSession(token, session -> {
            if (!session.sockets.containsKey(caller.id())) {
                return false;
            }
            if (closeAllConnections) {
                String event = frames.message("ConnectionClosedEvent", frames.connectionClosed(null), null);
                for (WebSocketConnection other : otherSockets(session, caller)) {
                    delivery.send(other, event);
                    toClose.add(sessions.detach(session, other));
                }
            }
            sessions.detach(session, caller);
            delivery.send(caller, frames.response("SessionResponse", frames.disconnectedSessionResponse(),
                    tracingId));
            return true;
        }).orElse(false);
        if (!closed) {
            delivery.send(caller, frames.error(4007, "Session not found", tracingId));
        }
        delivery.closeAll(toClose, 1000, "session closed");
    }

    /** getJwt: an opaque bearer for the guest history API (not emulated). */
    void getJwt(WebSocketConnection caller, String token, String tracingId) {
        boolean known = sessions.withSession(token, session -> {
            if (checkUsable(session, caller, tracingId)) {
                long exp = Instant.now().plus(config.tokenLifetime()).getEpochSecond();
                String jwt = "sandbox-guest-" + GuestFrames.outboundId();
                delivery.send(caller, frames.response("JwtResponse", frames.jwt(jwt, exp), tracingId));
            }
        });
        if (!known) {
            delivery.send(caller, frames.error(4007, "Session not found", tracingId));
        }
    }

    void getConfiguration(WebSocketConnection caller, String tracingId) {
        delivery.send(caller, frames.response("GetConfigurationResponse", frames.configuration(), tracingId));
    }

    void socketClosed(WebSocketConnection connection) {
        sessions.forgetSocket(connection.id());
    }

    /** Expired → 4006; this socket not configured with the token → 4007. */
    private boolean checkUsable(SandboxGuestSession session, WebSocketConnection caller, String tracingId) {
        if (session.expired) {
            delivery.send(caller, frames.error(4006, "Session expired", tracingId));
            return false;
        }
        if (!session.configured || !session.sockets.containsKey(caller.id())) {
            delivery.send(caller, frames.error(4007, "Session not found", tracingId));
            return false;
        }
        return true;
    }

    /** A socket re-configuring with another token leaves its old session first (never two locks at once). */
    private void leavePreviousSession(WebSocketConnection caller, String token) {
        String previous = sessions.tokenOfSocket(caller.id());
        if (previous != null && !previous.equals(token)) {
            sessions.withSession(previous, old -> sessions.detach(old, caller));
        }
    }

    private static List<WebSocketConnection> otherSockets(SandboxGuestSession session, WebSocketConnection caller) {
        return session.sockets.values().stream().filter(s -> !s.id().equals(caller.id())).toList();
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
        delivery.send(caller, frames.error(4013, "Custom Attributes in channel metadata is larger than "
                + config.maxCustomDataBytes() + " bytes", tracingId));
        return true;
    }
}
