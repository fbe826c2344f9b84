package io.carryover.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.websockets.next.WebSocketConnection;

/**
 * The emulated Genesys guest service's store: sessions by guest token, which socket uses which token, and every
 * Platform-side conversation with its messages. A session is only touched under its lock, through
 * {@link #withSession}, {@link #fromSession} or {@link #withNewOrExistingSession}. {@link GuestRequests} (the guest
 * socket side), {@link SandboxAgent} (the agent side) and {@link SandboxPlatform} work on it.
 */
@ApplicationScoped
public class GuestSessions {

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

    private final Map<String, SandboxGuestSession> sessionsByToken = new ConcurrentHashMap<>();
    private final Map<String, String> tokenBySocketId = new ConcurrentHashMap<>();
    private final Map<String, SandboxConversation> conversationsById = new ConcurrentHashMap<>();
    private final Map<String, String> conversationIdByMessageId = new ConcurrentHashMap<>();
    /** Kept after a Presence Clear, like the conversations; read without a session lock (fault matching). */
    private final Map<String, String> tokenByConversationId = new ConcurrentHashMap<>();

    // ---- locked access

    /** Runs the action on the token's session under its lock; false when the token has no session. */
    boolean withSession(String token, Consumer<SandboxGuestSession> action) {
        SandboxGuestSession session = token == null ? null : lock(token, false);
        if (session == null) {
            return false;
        }
        try {
            action.accept(session);
            return true;
        } finally {
            session.lock.unlock();
        }
    }

    /** Reads (non-null) from the token's session under its lock; empty when the token has no session. */
    <T> Optional<T> fromSession(String token, Function<SandboxGuestSession, T> read) {
        SandboxGuestSession session = token == null ? null : lock(token, false);
        if (session == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(read.apply(session));
        } finally {
            session.lock.unlock();
        }
    }

    /** Runs the action on the token's session, created if the token has none, under its lock. */
    void withNewOrExistingSession(String token, Consumer<SandboxGuestSession> action) {
        SandboxGuestSession session = lock(token, true);
        try {
            action.accept(session);
        } finally {
            session.lock.unlock();
        }
    }

    /** Finds (or creates) the token's session and returns it locked; null if absent and not created. */
    private SandboxGuestSession lock(String token, boolean create) {
        while (true) {
            SandboxGuestSession session = create
                    ? sessionsByToken.computeIfAbsent(token, SandboxGuestSession::new)
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

    // ---- sockets (callers hold the session's lock)

    String tokenOfSocket(String socketId) {
        return tokenBySocketId.get(socketId);
    }

    /** The socket went away: forget it; the session stays for the next socket with the same token. */
    void forgetSocket(String socketId) {
        String token = tokenBySocketId.remove(socketId);
        if (token != null) {
            withSession(token, session -> session.sockets.remove(socketId));
        }
    }

    void attach(SandboxGuestSession session, WebSocketConnection socket) {
        session.sockets.put(socket.id(), socket);
        tokenBySocketId.put(socket.id(), session.token);
    }

    WebSocketConnection detach(SandboxGuestSession session, WebSocketConnection socket) {
        session.sockets.remove(socket.id());
        tokenBySocketId.remove(socket.id(), session.token);
        return socket;
    }

    /** Presence Clear: the token is forgotten with all its sockets; its conversations stay on the Platform side. */
    void remove(SandboxGuestSession session) {
        session.removed = true;
        session.sockets.keySet().forEach(id -> tokenBySocketId.remove(id, session.token));
        session.sockets.clear();
        sessionsByToken.remove(session.token, session);
    }

    // ---- conversations

    SandboxConversation openConversation(SandboxGuestSession session) {
        SandboxConversation conversation = session.openConversation();
        conversationsById.putIfAbsent(conversation.id, conversation);
        tokenByConversationId.putIfAbsent(conversation.id, session.token);
        return conversation;
    }

    void record(SandboxConversation conversation, SandboxConversation.Message message) {
        conversation.messages.add(message);
        conversationIdByMessageId.put(message.id(), conversation.id);
    }

    public Optional<SessionView> view(String token) {
        return fromSession(token, session -> {
            SandboxConversation current = session.conversation;
            List<MessageView> messages = new ArrayList<>();
            for (SandboxConversation conversation : session.conversations) {
                messages.addAll(messageViews(conversation));
            }
            return new SessionView(session.deploymentId, session.authenticated, session.readOnly,
                    session.expired, current == null ? null : current.id,
                    current == null ? null : current.customerParticipantId, session.sockets.size(),
                    current == null ? Map.of() : Map.copyOf(current.customerAttributes), List.copyOf(messages));
        });
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

    /** Whether the conversation was opened under this guest token (current, earlier, or since cleared). */
    boolean openedBy(String token, String conversationId) {
        return conversationId != null && token.equals(tokenByConversationId.get(conversationId));
    }

    /** What GET /api/v2/conversations/messages/{messageId}/details resolves: message id to conversation id. */
    public Optional<String> conversationIdOfMessage(String messageId) {
        return Optional.ofNullable(conversationIdByMessageId.get(messageId));
    }

    private static List<MessageView> messageViews(SandboxConversation conversation) {
        return conversation.messages.stream()
                .map(m -> new MessageView(m.id(), m.direction(), m.type(), m.text(), conversation.id,
                        GuestFrames.channelTime(m.time())))
                .toList();
    }
}
