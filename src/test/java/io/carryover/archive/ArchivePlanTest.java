package io.carryover.archive;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import jakarta.inject.Inject;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A batch's lookups use their index even when PostgreSQL believes the table empty. The driver prepares a statement
 * on the server after a few uses; PostgreSQL then keeps a generic plan, and one made while the archive was new (or its
 * statistics stale, as with autovacuum off) is a sequential scan, repeated for every batch as the table grows (seen in
 * the benchmark: the replay filter read the whole message table per batch). An empty temporary table of the same
 * shape, analysed, stands for such a table here: it comes first in the search path.
 */
@QuarkusTest
class ArchivePlanTest {

    @Inject
    AgroalDataSource dataSource;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "message  | text[] | {a,b}",
            "customer | uuid[] | {00000000-0000-0000-0000-000000000001}" })
    void aBatchLookupKeepsItsIndexInAGenericPlanMadeWhileTheTableLookedEmpty(String table, String type,
            String argument) throws Exception {
        String lookup = table.equals("message") ? ArchiveWriter.REPLAY_FILTER : ArchiveWriter.LOCK_CUSTOMERS;
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            try {
                statement.execute("create temporary table " + table + " (like public." + table
                        + " including indexes) on commit drop");
                statement.execute("analyze " + table);
                String without = genericPlan(statement, lookup, type, argument, "plain");
                assertTrue(without.contains("Seq Scan"), "the condition this test stands for: " + without);

                ArchiveWriter.beginBatch(connection, true);
                String plan = genericPlan(statement, lookup, type, argument, "batch");
                assertTrue(plan.contains("pg_temp"), "planned against the empty table: " + plan);
                assertFalse(plan.contains("Seq Scan"), plan);
            } finally {
                connection.rollback();
                statement.execute("deallocate all");
            }
        }
    }

    private static String genericPlan(Statement statement, String lookup, String type, String argument, String name)
            throws Exception {
        statement.execute("set local plan_cache_mode = force_generic_plan");
        statement.execute("prepare " + name + "(" + type + ") as " + lookup.replace("?", "$1"));
        StringBuilder plan = new StringBuilder();
        try (ResultSet rs = statement.executeQuery("explain (verbose) execute " + name + "('" + argument + "')")) {
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }
}
