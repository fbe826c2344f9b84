package io.carryover.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

import org.awaitility.Awaitility;

import io.carryover.identity.CustomerKey;
import io.carryover.identity.TokenHash;

/** Reads (and for test setups, changes) the archive straight from PostgreSQL, bypassing the application. */
public final class Archive {

    public record StoredConversation(UUID id, String state, Instant startedAt, Instant endedAt, UUID customerId) {
    }

    public record StoredMessage(String genesysId, String direction, String type, String eventType, String text,
            String sender, Instant channelTime) {
    }

    private Archive() {
    }

    public static UUID guestOf(String token) {
        return CustomerKey.guest(TokenHash.of(token)).id();
    }

    public static UUID customer(String issuer, String subject) {
        return new CustomerKey(issuer, subject).id();
    }

    /** A customer's conversations, newest first. */
    public static List<StoredConversation> conversations(UUID customerId) {
        return query("""
                select id, state, started_at, ended_at, customer_id from conversation
                where customer_id = ? order by started_at desc""", new Object[] { customerId }, rs -> new StoredConversation(
                rs.getObject(1, UUID.class), rs.getString(2), instant(rs, 3), instant(rs, 4),
                rs.getObject(5, UUID.class)));
    }

    /** A conversation's messages in Genesys order. */
    public static List<StoredMessage> messages(UUID conversationId) {
        return query("""
                select genesys_message_id, direction, message_type, event_type, text, sender_name, channel_time
                from message where conversation_id = ? order by channel_time, id""", new Object[] { conversationId },
                rs -> new StoredMessage(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), instant(rs, 7)));
    }

    /** A signed-in customer of the sandbox issuer. */
    public static UUID signedIn(String subject) {
        return customer(Sandbox.ISSUER, subject);
    }

    /** The customer's archived conversation ids, newest first, once there is at least one (archiving is asynchronous). */
    public static List<UUID> awaitConversations(UUID customerId) {
        return awaitConversations(customerId, 1);
    }

    /**
     * At least {@code count} of the customer's conversations, newest first: a returning customer's new one may be
     * written a batch after the earlier ones.
     */
    public static List<UUID> awaitConversations(UUID customerId, int count) {
        eventually(() -> conversations(customerId).size() >= count);
        return conversations(customerId).stream().map(StoredConversation::id).toList();
    }

    /** Waits until the conversation's enrichment job has this outcome. */
    public static void awaitEnrichmentOutcome(UUID conversationId, String outcome) {
        eventually(() -> outcome.equals(enrichmentOutcome(conversationId)));
    }

    /** One statement with one parameter, e.g. to put a job back in time. */
    public static void execute(String sql, Object param) {
        try (Connection c = PostgresTestResource.directConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, param);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new AssertionError("archive update failed", e);
        }
    }

    /** The first column of the first row as text, or null when there is no row. */
    public static String text(String sql, Object param) {
        List<String> values = query(sql, new Object[] { param }, rs -> rs.getString(1));
        return values.isEmpty() ? null : values.get(0);
    }

    /** The outcome of an archived conversation's enrichment job (null while it has none). */
    public static String enrichmentOutcome(UUID conversationId) {
        return text("select outcome from enrichment_job where conversation_id = ?", conversationId);
    }

    public static long count(String sql, Object... params) {
        return query(sql, params, rs -> rs.getLong(1)).get(0);
    }

    /** Waits (the archive writes asynchronously) until the condition holds. */
    public static void eventually(Callable<Boolean> condition) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(condition);
    }

    /** Waits until the search indexer has every queued message (it holds their conversations while it indexes). */
    public static void awaitSearchIndexed() {
        eventually(() -> count("select count(*) from search_backlog") == 0);
    }

    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** Every parameter is bound, so a query with more placeholders than values fails instead of passing quietly. */
    private static <T> List<T> query(String sql, Object[] params, Row<T> row) {
        try (Connection c = PostgresTestResource.directConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row.read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new AssertionError("archive query failed", e);
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        java.sql.Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }
}
