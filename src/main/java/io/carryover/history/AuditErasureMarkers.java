package io.carryover.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.carryover.archive.ErasureMarkers;

/**
 * The erasure marker is the erasure's own audit row: it commits with the deletion, is the only row left for the
 * customer, and every replica's writer sees it (an in-memory marker would only reach this replica's writer).
 * Read with JDBC on the writer's own transaction (index {@code audit_log_erasures}).
 */
@ApplicationScoped
class AuditErasureMarkers implements ErasureMarkers {

    @Override
    public Map<UUID, Instant> latestErasures(Connection transaction, Set<UUID> customerIds) throws SQLException {
        Map<UUID, Instant> latest = new HashMap<>();
        if (customerIds.isEmpty()) {
            return latest;
        }
        try (PreparedStatement ps = transaction.prepareStatement("""
                select customer_id, max(at) from audit_log
                where action = 'erase' and result like 'ok%' and customer_id = any(?)
                group by customer_id""")) {
            ps.setArray(1, transaction.createArrayOf("uuid", customerIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    latest.put(rs.getObject(1, UUID.class), rs.getTimestamp(2).toInstant());
                }
            }
        }
        return latest;
    }
}
