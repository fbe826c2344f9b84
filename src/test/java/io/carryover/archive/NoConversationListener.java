package io.carryover.archive;

import java.sql.Connection;
import java.time.Instant;
import java.util.UUID;

/** For writers built by a test that does not look at new conversations. */
final class NoConversationListener implements NewConversationListener {

    @Override
    public void firstInboundText(Connection transaction, UUID conversationId, String genesysMessageId,
            Instant receivedAt) {
    }

    @Override
    public void committed() {
    }
}
