package io.carryover.sandbox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.websockets.next.WebSocketConnection;

/**
 * The agent side of a guest's conversation, played through the control API ({@link SandboxApiResource}) or by the
 * auto-replying agent: join, reply, typing, disconnect, replay after a reconnect, and expiring the session.
 * Unknown tokens and impossible actions throw {@link SandboxApiException}.
 */
@ApplicationScoped
public class SandboxAgent {

    /** What the auto-replying agent says, once per conversation. */
    public static final String AUTO_REPLY_TEXT = "Thanks — an agent will be with you shortly.";

    private static final Logger LOG = Logger.getLogger(SandboxAgent.class);
    private static final long AUTO_REPLY_DELAY_MS = 300;

    /** Result of an agent action: the id of the message sent and how many sockets got it. */
    public record Delivery(String messageId, int sockets) {
    }

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "sandbox-agent");
        thread.setDaemon(true);
        return thread;
    });

    private final GuestSessions sessions;
    private final GuestDelivery delivery;
    private final GuestFrames frames;
    private final SandboxConfig config;

    SandboxAgent(GuestSessions sessions, GuestDelivery delivery, GuestFrames frames, SandboxConfig config) {
        this.sessions = sessions;
        this.delivery = delivery;
        this.frames = frames;
        this.config = config;
    }

    @PreDestroy
    void stop() {
        scheduler.shutdownNow();
    }

    public Delivery join(String token, String nickname) {
        return act(token, false, (session, conversation, now) -> {
            String id = GuestFrames.outboundId();
            ObjectNode body = frames.outboundPresence(id, "Join", nickname(nickname), false, now);
            conversation.agentJoined = true;
            sessions.record(conversation, new SandboxConversation.Message(id, "Outbound", "Event", null, now, body));
            return new Delivery(id, delivery.broadcast(session, frames.message("StructuredMessage", body, null)));
        });
    }

    public Delivery reply(String token, String text, String nickname, boolean bot) {
        if (text == null || text.isBlank()) {
            throw new SandboxApiException(400, "text is required");
        }
        return act(token, false, (session, conversation, now) -> {
            conversation.agentJoined = true;
            return send(session, conversation, text, nickname(nickname), bot, now);
        });
    }

    public Delivery typing(String token) {
        return act(token, false, (session, conversation, now) -> {
            String id = GuestFrames.outboundId();
            return new Delivery(id, delivery.broadcast(session,
                    frames.message("StructuredMessage", frames.outboundTyping(id, now), null)));
        });
    }

    /** The agent leaves and the conversation turns read-only until the guest configures with startNew. */
    public Delivery disconnect(String token) {
        return act(token, false, (session, conversation, now) -> {
            String id = GuestFrames.outboundId();
            ObjectNode body = frames.outboundPresence(id, "Disconnect", null, true, now);
            sessions.record(conversation, new SandboxConversation.Message(id, "Outbound", "Event", null, now, body));
            session.readOnly = true;
            conversation.ended = true;
            return new Delivery(id, delivery.broadcast(session, frames.message("StructuredMessage", body, null)));
        });
    }

    /**
     * Re-sends every Outbound message of the current conversation with its original id and time, as
     * Genesys does after a reconnect; returns how many messages were re-sent.
     */
    public int replay(String token) {
        return act(token, true, (session, conversation, now) -> {
            int replayed = 0;
            if (conversation != null) {
                for (SandboxConversation.Message m : conversation.messages) {
                    if (m.direction().equals("Outbound")) {
                        delivery.broadcast(session, frames.message("StructuredMessage", m.body(), null));
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
        boolean known = sessions.withSession(token, session -> {
            session.expired = true;
            String expired = frames.message("SessionExpiredEvent", frames.empty(), null);
            for (WebSocketConnection socket : List.copyOf(session.sockets.values())) {
                delivery.send(socket, expired);
                toClose.add(sessions.detach(session, socket));
            }
        });
        if (!known) {
            throw SandboxApiException.unknownSession();
        }
        delivery.closeAll(toClose, 1000, "session expired");
        return toClose.size();
    }

    /** The guest's first text of a conversation: the simulated agent answers once, shortly after. */
    void scheduleAutoReply(String token, SandboxConversation conversation) {
        if (config.agentAutoReply() && !conversation.autoReplied) {
            conversation.autoReplied = true;
            scheduler.schedule(() -> autoReply(token, conversation), AUTO_REPLY_DELAY_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void autoReply(String token, SandboxConversation conversation) {
        try {
            sessions.withSession(token, session -> {
                // The guest may have moved on (expired, startNew, agent disconnect) during the delay.
                if (session.conversation == conversation && !session.expired && !session.readOnly) {
                    send(session, conversation, AUTO_REPLY_TEXT, config.agentName(), false, Instant.now());
                }
            });
        } catch (RuntimeException e) {
            LOG.debugf("sandbox auto-reply failed: %s", e.toString());
        }
    }

    @FunctionalInterface
    private interface Action<T> {
        T apply(SandboxGuestSession session, SandboxConversation conversation, Instant now);
    }

    private <T> T act(String token, boolean allowWithoutConversation, Action<T> action) {
        return sessions.fromSession(token, session -> {
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
        }).orElseThrow(SandboxApiException::unknownSession);
    }

    private Delivery send(SandboxGuestSession session, SandboxConversation conversation, String text,
            String nickname, boolean bot, Instant now) {
        String id = GuestFrames.outboundId();
        ObjectNode body = frames.outboundText(id, text, nickname, bot, now);
        sessions.record(conversation, new SandboxConversation.Message(id, "Outbound", "Text", text, now, body));
        return new Delivery(id, delivery.broadcast(session, frames.message("StructuredMessage", body, null)));
    }

    private String nickname(String requested) {
        return requested == null || requested.isBlank() ? config.agentName() : requested;
    }
}
