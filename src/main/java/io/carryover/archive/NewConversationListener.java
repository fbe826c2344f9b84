package io.carryover.archive;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;

/**
 * Told once per archived conversation, when its first Inbound text is stored: the message whose Genesys id leads to
 * the Genesys conversation. Implemented downstream (enrichment), so the archive never depends on who listens.
 */
public interface NewConversationListener {

    /**
     * Called inside the archive writer's transaction: whatever it writes through {@code transaction} commits or
     * rolls back with the archived message. Must not commit, roll back or close it.
     */
    void firstInboundText(Connection transaction, UUID conversationId, String genesysMessageId, Instant receivedAt)
            throws SQLException;

    /** After a transaction in which {@link #firstInboundText} was called has committed. */
    void committed();
}
