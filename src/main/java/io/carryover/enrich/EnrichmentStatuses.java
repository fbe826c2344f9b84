package io.carryover.enrich;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agroal.api.AgroalDataSource;

/** Reads a conversation's {@link EnrichmentStatus}; empty when no job was queued (guest without text, enrichment off). */
@ApplicationScoped
public class EnrichmentStatuses {

    private final AgroalDataSource dataSource;

    EnrichmentStatuses(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Statuses of many conversations in one query (a page of a list); conversations without a job are absent. */
    public Map<UUID, EnrichmentStatus> of(Collection<UUID> conversationIds) throws SQLException {
        Map<UUID, EnrichmentStatus> statuses = new HashMap<>();
        if (conversationIds.isEmpty()) {
            return statuses;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select conversation_id, state, outcome, last_error, attempts,
                       case when state = 'PENDING' then next_attempt_at else completed_at end
                from enrichment_job where conversation_id = any (?)""")) {
            ps.setArray(1, c.createArrayOf("uuid", conversationIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp at = rs.getTimestamp(6);
                    statuses.put(rs.getObject(1, UUID.class), EnrichmentStatus.of(rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getInt(5), at == null ? null : at.toInstant()));
                }
            }
        }
        return statuses;
    }

    public Optional<EnrichmentStatus> of(UUID conversationId) throws SQLException {
        return Optional.ofNullable(of(java.util.List.of(conversationId)).get(conversationId));
    }
}
