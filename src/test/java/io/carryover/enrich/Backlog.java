package io.carryover.enrich;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

import io.carryover.identity.CustomerKey;
import io.carryover.testing.PostgresTestResource;

/**
 * Outbox jobs written straight into PostgreSQL for conversations whose first message Genesys never knew (another
 * org's deployment, a misrouted region): every Platform lookup of theirs answers 404.
 */
final class Backlog {

    /** One job's archived conversation and the message id Genesys does not know. */
    record Job(UUID conversationId, String messageId) {
    }

    private Backlog() {
    }

    static Job hopeless(Instant firstEcho, int attempts, Instant nextAttempt) throws Exception {
        UUID customer = UUID.randomUUID();
        UUID session = UUID.randomUUID();
        Job job = new Job(UUID.randomUUID(), "unknown-" + UUID.randomUUID());
        Timestamp echo = Timestamp.from(firstEcho);
        try (Connection c = PostgresTestResource.directConnection()) {
            execute(c, "insert into customer (id, issuer, subject, created_at) values (?, ?, ?, ?)",
                    customer, CustomerKey.GUEST_ISSUER, customer.toString(), echo);
            execute(c, "insert into guest_session (id, deployment_id, token_hash, customer_id, created_at, last_seen_at)"
                    + " values (?, 'elsewhere', ?, ?, ?, ?)", session, (customer.toString() + session).substring(0, 64),
                    customer, echo, echo);
            execute(c, "insert into conversation (id, deployment_id, customer_id, session_id, started_at, state)"
                    + " values (?, 'elsewhere', ?, ?, ?, 'ACTIVE')", job.conversationId(), customer, session, echo);
            execute(c, "insert into enrichment_job (conversation_id, first_message_id, first_echo_at, state, attempts,"
                    + " next_attempt_at, deadline_at, created_at) values (?, ?, ?, 'PENDING', ?, ?, ?, ?)",
                    job.conversationId(), job.messageId(), echo, attempts, Timestamp.from(nextAttempt),
                    Timestamp.from(firstEcho.plusSeconds(600)), echo);
        }
        return job;
    }

    private static void execute(Connection c, String sql, Object... params) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }
}
