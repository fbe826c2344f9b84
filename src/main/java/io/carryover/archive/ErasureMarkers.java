package io.carryover.archive;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Which customers were erased, and when the latest erasure happened. The writer drops every record of a connection
 * that opened before that moment (records still buffered, frames of a guest connection that stays open), so an
 * erasure cannot be undone by data in flight; a connection opened afterwards is archived again. Implemented
 * downstream (the History API keeps the marker), so the archive never depends on who erases.
 */
public interface ErasureMarkers {

    /**
     * Called inside the writer's transaction, after it locked the batch's customer rows (so an erasure of one of
     * them is either committed and visible here, or waits for this transaction). Must not commit, roll back or
     * close {@code transaction}.
     *
     * @return for each of {@code customerIds} erased at least once, the time of its latest erasure
     */
    Map<UUID, Instant> latestErasures(Connection transaction, Set<UUID> customerIds) throws SQLException;
}
