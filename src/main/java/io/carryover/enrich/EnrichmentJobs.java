package io.carryover.enrich;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agroal.api.AgroalDataSource;

/**
 * The outbox table. Claims are short transactions that set a lease; the Platform calls happen outside any
 * transaction, and every later update is guarded by that lease, so a job taken over after a crash cannot be
 * completed twice.
 */
@ApplicationScoped
class EnrichmentJobs {

    private final AgroalDataSource dataSource;

    EnrichmentJobs(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Leases up to {@code limit} due jobs: first attempts ahead of retries, newest first, in that order. */
    List<EnrichmentJob> claim(int limit, Duration lease) throws SQLException {
        List<EnrichmentJob> claimed = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     with due as (
                         select conversation_id from enrichment_job
                         where state = 'PENDING' and next_attempt_at <= now()
                           and (locked_until is null or locked_until < now())
                         order by attempts = 0 desc, first_echo_at desc
                         limit ?
                         for update skip locked),
                     claimed as (
                         update enrichment_job j
                            set locked_until = clock_timestamp() + make_interval(secs => ?), attempts = j.attempts + 1
                           from due, conversation c, customer u
                          where j.conversation_id = due.conversation_id and c.id = j.conversation_id
                            and u.id = c.customer_id
                         returning j.conversation_id, j.first_message_id, j.first_echo_at, j.attempts, j.deadline_at,
                                   j.locked_until, j.patched_hash, c.customer_id, u.issuer, c.genesys_conversation_id,
                                   c.genesys_participant_id, c.started_at, c.deployment_id)
                     select * from claimed order by attempts = 1 desc, first_echo_at desc""")) {
            ps.setInt(1, limit);
            ps.setDouble(2, lease.toMillis() / 1000.0);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    claimed.add(new EnrichmentJob(rs.getObject(1, UUID.class), rs.getString(2), instant(rs, 3),
                            rs.getInt(4), instant(rs, 5), instant(rs, 6), rs.getString(7),
                            rs.getObject(8, UUID.class), rs.getString(9), rs.getString(10), rs.getString(11),
                            instant(rs, 12), rs.getString(13)));
                }
            }
        }
        return claimed;
    }

    /**
     * Stores what correlation found on the archived conversation, unless another customer's archived conversation
     * already carries that Genesys conversation (see {@link #heldByAnotherCustomer}).
     */
    void correlated(EnrichmentJob job, String genesysConversationId, String participantId) throws SQLException {
        update("""
                update conversation c set genesys_conversation_id = ?, genesys_participant_id = ?
                where id = ? and exists (select 1 from enrichment_job where conversation_id = ? and locked_until = ?)
                  and not exists (select 1 from conversation other where other.genesys_conversation_id = ?
                                  and other.customer_id <> c.customer_id)""",
                genesysConversationId, participantId, job.conversationId(), job.conversationId(),
                ts(job.leasedUntil()), genesysConversationId);
    }

    /** Whether an archived conversation of a different customer is already correlated to this Genesys one. */
    boolean heldByAnotherCustomer(EnrichmentJob job, String genesysConversationId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select exists (select 1 from conversation
                               where genesys_conversation_id = ? and customer_id <> ? and id <> ?)""")) {
            ps.setString(1, genesysConversationId);
            ps.setObject(2, job.customerId());
            ps.setObject(3, job.conversationId());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    void reschedule(EnrichmentJob job, Duration delay, String reason) throws SQLException {
        update("""
                update enrichment_job set next_attempt_at = ?, locked_until = null, last_error = ?
                where conversation_id = ? and locked_until = ?""",
                ts(Instant.now().plus(delay)), reason, job.conversationId(), ts(job.leasedUntil()));
    }

    /** @return false when the lease was lost (another worker owns the job now) */
    boolean done(EnrichmentJob job, String outcome, String patchedHash) throws SQLException {
        return update("""
                update enrichment_job set state = 'DONE', outcome = ?, patched_hash = coalesce(?, patched_hash),
                       completed_at = clock_timestamp(), locked_until = null, last_error = null
                where conversation_id = ? and locked_until = ?""",
                outcome, patchedHash, job.conversationId(), ts(job.leasedUntil())) == 1;
    }

    void failed(EnrichmentJob job, String outcome, String reason) throws SQLException {
        giveUp(job, "FAILED", outcome, reason);
    }

    /** Given up until an operator looks: no retry can succeed as things stand. */
    void parked(EnrichmentJob job, String outcome, String reason) throws SQLException {
        giveUp(job, "PARKED", outcome, reason);
    }

    private void giveUp(EnrichmentJob job, String state, String outcome, String reason) throws SQLException {
        update("""
                update enrichment_job set state = ?, outcome = ?, last_error = ?,
                       completed_at = clock_timestamp(), locked_until = null
                where conversation_id = ? and locked_until = ?""",
                state, outcome, reason, job.conversationId(), ts(job.leasedUntil()));
    }

    /**
     * Gives leased jobs back untried, due at once and in their place in the claim order (the claim's attempt is
     * undone), so any instance takes them without waiting for the lease. {@code reason} (may be null) is kept as
     * the last error.
     */
    void release(List<EnrichmentJob> leased, String reason) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                update enrichment_job set locked_until = null, attempts = attempts - 1,
                       last_error = coalesce(?, last_error)
                where conversation_id = ? and locked_until = ?""")) {
            for (EnrichmentJob job : leased) {
                ps.setString(1, reason);
                ps.setObject(2, job.conversationId());
                ps.setTimestamp(3, ts(job.leasedUntil()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Due jobs nobody holds, and how long the most overdue of them has waited since it became due. */
    record Backlog(long due, Duration oldestDue) {
    }

    Backlog backlog() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select count(*), coalesce(extract(epoch from now() - min(next_attempt_at)), 0) from enrichment_job
                where state = 'PENDING' and next_attempt_at <= now()
                  and (locked_until is null or locked_until < now())""");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new Backlog(rs.getLong(1), Duration.ofMillis(Math.round(rs.getDouble(2) * 1000)));
        }
    }

    void saveSummary(UUID conversationId, String headline, String linesJson, String attributesJson)
            throws SQLException {
        update("""
                insert into conversation_summary (conversation_id, headline, lines, attributes, created_at)
                values (?, ?, ?::jsonb, ?::jsonb, clock_timestamp())
                on conflict (conversation_id) do update set headline = excluded.headline, lines = excluded.lines,
                    attributes = excluded.attributes, created_at = excluded.created_at""",
                conversationId, headline, linesJson, attributesJson);
    }

    private int update(String sql, Object... params) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps.executeUpdate();
        }
    }

    private static Timestamp ts(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }
}
