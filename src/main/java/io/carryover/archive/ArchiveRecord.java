package io.carryover.archive;

import java.time.Instant;
import java.util.UUID;

import io.carryover.identity.CustomerKey;

/**
 * What the session trackers ask the writer to store, in order. A {@code null} conversation id means "the session's
 * current conversation", which only the writer can know after a reconnect.
 */
sealed interface ArchiveRecord {

    record SessionSeen(UUID sessionId, String deploymentId, String tokenHash, CustomerKey customer, Instant at)
            implements ArchiveRecord {
    }

    /** The thread token authenticated: its guest conversations now belong to the verified customer. */
    record GuestLinked(String tokenHash, CustomerKey customer) implements ArchiveRecord {
    }

    record ConversationOpened(UUID conversationId, UUID sessionId, String deploymentId, CustomerKey customer,
            Instant startedAt) implements ArchiveRecord {
    }

    /**
     * @param opensConversation whether this message may start a conversation when the session has none (true for
     *                          chat messages and events, false for session notices)
     */
    record MessageSeen(UUID sessionId, UUID conversationId, String deploymentId, CustomerKey customer,
            ArchivedMessage message, boolean opensConversation) implements ArchiveRecord {
    }

    record ConversationEnded(UUID sessionId, UUID conversationId, CustomerKey customer, ConversationState state,
            Instant at) implements ArchiveRecord {
    }
}
