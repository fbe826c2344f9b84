package io.carryover.enrich;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agroal.api.AgroalDataSource;
import io.carryover.enrich.CustomerHistory.PriorConversation;
import io.carryover.enrich.CustomerHistory.PriorMessage;

/** Reads a customer's prior conversations from the archive for summarizing. */
@ApplicationScoped
public class HistoryReader {

    private final AgroalDataSource dataSource;
    private final EnrichConfig config;

    HistoryReader(AgroalDataSource dataSource, EnrichConfig config) {
        this.dataSource = dataSource;
        this.config = config;
    }

    /**
     * The customer's conversations that started before {@code before}, newest first, within the configured window
     * and count, except {@code excluded}.
     */
    CustomerHistory priorTo(UUID customerId, UUID excluded, Instant before) throws SQLException {
        return priorTo(customerId, excluded, before, null);
    }

    /**
     * What a conversation starting at {@code before} would be summarized from, limited to {@code deployments} (null:
     * all), so a caller limited to some deployments never sees a summary of the others.
     */
    public CustomerHistory priorTo(UUID customerId, Instant before, Set<String> deployments) throws SQLException {
        return priorTo(customerId, new UUID(0, 0), before, deployments);
    }

    private CustomerHistory priorTo(UUID customerId, UUID excluded, Instant before, Set<String> deployments)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return priorTo(c, customerId, excluded, before, deployments);
        }
    }

    /**
     * What the conversation Genesys knows by this id is summarized from. One snapshot: a conversation the archive
     * commits between finding the current one and reading the prior ones is never taken for a prior one.
     */
    CustomerHistory priorToConversation(UUID customerId, String genesysConversationId) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            int isolation = c.getTransactionIsolation();
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            CustomerHistory prior;
            try {
                Current current = current(c, customerId, genesysConversationId);
                prior = current == null
                        ? priorTo(c, customerId, new UUID(0, 0), Instant.now(), null)
                        : priorTo(c, customerId, current.id(), current.startedAt(), null);
            } catch (SQLException | RuntimeException e) {
                try {
                    endSnapshot(c, isolation, autoCommit);
                } catch (SQLException cleanup) {
                    e.addSuppressed(cleanup); // a dead connection fails here too: report the first failure
                }
                throw e;
            }
            endSnapshot(c, isolation, autoCommit);
            return prior;
        }
    }

    private static void endSnapshot(Connection c, int isolation, boolean autoCommit) throws SQLException {
        c.rollback(); // read only: nothing to commit
        c.setTransactionIsolation(isolation);
        c.setAutoCommit(autoCommit);
    }

    private CustomerHistory priorTo(Connection c, UUID customerId, UUID excluded, Instant before,
            Set<String> deployments) throws SQLException {
        Map<UUID, List<PriorMessage>> messages = new LinkedHashMap<>();
        List<PriorConversation> conversations = new ArrayList<>();
        List<Object[]> heads = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                select id, started_at, ended_at, state from conversation
                where customer_id = ? and id <> ? and started_at < ? and started_at >= ?
                  and (?::text[] is null or deployment_id = any (?::text[]))
                order by started_at desc limit ?""")) {
            ps.setObject(1, customerId);
            ps.setObject(2, excluded);
            ps.setTimestamp(3, Timestamp.from(before));
            ps.setTimestamp(4, Timestamp.from(before.minus(config.window())));
            java.sql.Array scope = deployments == null ? null
                    : c.createArrayOf("text", deployments.toArray());
            ps.setArray(5, scope);
            ps.setArray(6, scope);
            ps.setInt(7, config.priorConversations());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    UUID id = rs.getObject(1, UUID.class);
                    heads.add(new Object[] { id, instant(rs, 2), instant(rs, 3), rs.getString(4) });
                    messages.put(id, new ArrayList<>());
                }
            }
        }
        if (heads.isEmpty()) {
            return new CustomerHistory(List.of());
        }
        try (PreparedStatement ps = c.prepareStatement("""
                select conversation_id, id, direction, message_type, event_type, text, sender_name,
                       originating_entity, coalesce(channel_time, received_at)
                from message where conversation_id = any (?) order by channel_time, id""")) {
            ps.setArray(1, c.createArrayOf("uuid", messages.keySet().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    messages.get(rs.getObject(1, UUID.class)).add(new PriorMessage(rs.getLong(2),
                            rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                            rs.getString(8), instant(rs, 9)));
                }
            }
        }
        for (Object[] head : heads) {
            UUID id = (UUID) head[0];
            conversations.add(new PriorConversation(id, (Instant) head[1], (Instant) head[2], (String) head[3],
                    List.copyOf(messages.get(id))));
        }
        return new CustomerHistory(List.copyOf(conversations));
    }

    /** The archived conversation Genesys knows by this id (or, before correlation, the customer's fresh one). */
    private record Current(UUID id, Instant startedAt) {
    }

    private static Current current(Connection c, UUID customerId, String genesysConversationId)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                select id, started_at from conversation
                where customer_id = ?
                  and (genesys_conversation_id = ?
                       or (genesys_conversation_id is null and state = 'ACTIVE'
                           and started_at > now() - interval '10 minutes'))
                order by (genesys_conversation_id = ?) desc nulls last, started_at desc limit 1""")) {
            ps.setObject(1, customerId);
            ps.setString(2, genesysConversationId);
            ps.setString(3, genesysConversationId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Current(rs.getObject(1, UUID.class), instant(rs, 2)) : null;
            }
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }
}
