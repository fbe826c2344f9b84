package io.carryover.enrich;

import java.time.Instant;
import java.util.UUID;

/** A claimed outbox row, plus the archived conversation facts the worker needs. */
record EnrichmentJob(UUID conversationId, String firstMessageId, Instant firstEchoAt, int attempts, Instant deadlineAt,
        Instant leasedUntil, String patchedHash, UUID customerId, String customerIssuer, String genesysConversationId,
        String genesysParticipantId, Instant startedAt, String deploymentId) {

    EnrichmentJob correlatedTo(String conversationId, String participantId) {
        return new EnrichmentJob(this.conversationId, firstMessageId, firstEchoAt, attempts, deadlineAt, leasedUntil,
                patchedHash, customerId, customerIssuer, conversationId, participantId, startedAt, deploymentId);
    }

    boolean guest() {
        return io.carryover.identity.CustomerKey.GUEST_ISSUER.equals(customerIssuer);
    }
}
