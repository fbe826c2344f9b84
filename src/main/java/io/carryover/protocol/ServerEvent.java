package io.carryover.protocol;

import java.time.Instant;

/** A frame Genesys sent to the guest, reduced to what decides archiving and conversation boundaries. */
public sealed interface ServerEvent {

    /** {@code SessionResponse}: the answer to a configure request (or to {@code closeSession}). */
    record SessionResponse(boolean connected, boolean newSession, boolean readOnly) implements ServerEvent {
    }

    /**
     * {@code StructuredMessage} pushed as {@code type:"message"}: a guest message echoed back (Inbound) or an agent/bot
     * message or event (Outbound). Echo replies to the {@code echo} action ({@code type:"response"}) are health checks
     * and arrive as {@link Ignored}.
     */
    record Message(String id, String messageType, String direction, String text, String eventType,
            String senderName, String originatingEntity, Instant channelTime, boolean endsInReadOnly,
            String original) implements ServerEvent {

        /** Typing indicators are transient and never archived. */
        public boolean isTyping() {
            return "Typing".equals(eventType);
        }
    }

    /** Session-level notices without a message id: they may end a conversation but carry no content. */
    record SessionNotice(Kind kind, String original) implements ServerEvent {
        public enum Kind {
            SESSION_EXPIRED, SESSION_CLEARED, CONNECTION_CLOSED, LOGOUT
        }
    }

    /** A non-200 frame ({@code class:"string"} with an error code, or {@code TooManyRequestsErrorMessage}). */
    record Error(int code, String frameClass) implements ServerEvent {
    }

    /** Anything else Genesys sends (JWT, attachment URLs, configuration, echo replies): relayed, not archived. */
    record Ignored(String frameClass) implements ServerEvent {
    }
}
