package io.carryover.enrich;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
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

    public Optional<EnrichmentStatus> of(UUID conversationId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select state, outcome, last_error, attempts,
                       case when state = 'PENDING' then next_attempt_at else completed_at end
                from enrichment_job where conversation_id = ?""")) {
            ps.setObject(1, conversationId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Timestamp at = rs.getTimestamp(5);
                return Optional.of(EnrichmentStatus.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                        at == null ? null : at.toInstant()));
            }
        }
    }
}
