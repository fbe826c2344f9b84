package io.carryover.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The writer's per-batch lookups must be planned for the table as it is. A statement the driver prepared on the
 * server keeps PostgreSQL's generic plan, made when the archive was new and small: a sequential scan, repeated for
 * every batch while the table grows (seen in the benchmark: the replay filter read the whole message table per batch).
 */
@QuarkusTest
class ArchivePlanTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void theReplayFilterIsNeverRunFromAServerPreparedPlan() throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            String stored = UUID.randomUUID().toString();
            // Beyond the driver's threshold (5 uses) for preparing a statement on the server.
            for (int i = 0; i < 10; i++) {
                assertTrue(ArchiveWriter.storedGenesysIds(connection, new Object[] { stored }).isEmpty());
            }
            assertEquals(0, serverPrepared(connection, "%genesys_message_id = any%"));
        }
    }

    @Test
    void theCustomerLockIsNeverRunFromAServerPreparedPlan() throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            for (int i = 0; i < 10; i++) {
                try (var ps = ArchiveWriter.plannedEachTime(connection,
                        "select id from customer where id = any(?) order by id for key share")) {
                    ps.setArray(1, connection.createArrayOf("uuid", new Object[] { UUID.randomUUID() }));
                    ps.executeQuery().close();
                }
            }
            assertEquals(0, serverPrepared(connection, "%from customer where id = any%"));
        }
    }

    private static int serverPrepared(Connection connection, String like) throws Exception {
        try (var ps = connection.prepareStatement("select count(*) from pg_prepared_statements where statement like ?")) {
            ps.setString(1, like);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
