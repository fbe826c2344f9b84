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

    /**
     * A guest signed in and Genesys continued their session: the conversation active on the guest's thread (if any)
     * moves to the verified customer's thread on the same token. Earlier, ended guest conversations stay anonymous.
     */
    record GuestLinked(UUID guestSessionId, CustomerKey guest, UUID sessionId, CustomerKey customer, Instant at)
            implements ArchiveRecord {
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
