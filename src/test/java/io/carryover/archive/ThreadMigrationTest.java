package io.carryover.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.carryover.identity.CustomerKey;
import io.carryover.testing.PostgresTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Upgrading an archive written before threads were per customer (V3): every conversation lands in the thread of its
 * own customer, under the id the tracker derives today. Runs the real migrations on a schema of its own.
 */
@QuarkusTest
class ThreadMigrationTest {

    private static final String SCHEMA = "v3_upgrade";
    private static final String DEPLOYMENT = "dep-1";
    private static final String SHARED = "a".repeat(64);
    private static final String GUEST_ONLY = "b".repeat(64);
    private static final CustomerKey ALICE = new CustomerKey("https://idp.example", "alice");
    private static final CustomerKey BOB = new CustomerKey("https://idp.example", "bob");
    private static final CustomerKey GUEST = CustomerKey.guest(GUEST_ONLY);
    private static final UUID BOBS = UUID.randomUUID();
    private static final UUID ALICES = UUID.randomUUID();
    private static final UUID GUESTS = UUID.randomUUID();

    @AfterEach
    void dropSchema() throws Exception {
        try (Connection c = PostgresTestResource.directConnection(); Statement s = c.createStatement()) {
            s.execute("drop schema if exists " + SCHEMA + " cascade");
        }
    }

    @Test
    void conversationsOfATokenSharedByTwoCustomersEndUpInTheirOwnThreads() throws Exception {
        dropSchema();
        flyway("2").migrate();
        try (Connection c = connection()) {
            // Before V3 a session was (deployment, token) and took the customer of whoever came last.
            UUID shared = oldSessionId(SHARED);
            UUID guestOnly = oldSessionId(GUEST_ONLY);
            for (CustomerKey key : List.of(ALICE, BOB, GUEST)) {
                execute(c, "insert into customer values (?, ?, ?, now())", key.id(), key.issuer(), key.subject());
            }
            execute(c, "insert into guest_session values (?, ?, ?, ?, ?, now(), now())", shared, DEPLOYMENT, SHARED,
                    BOB.id(), ALICES);
            execute(c, "insert into guest_session values (?, ?, ?, ?, ?, now(), now())", guestOnly, DEPLOYMENT,
                    GUEST_ONLY, GUEST.id(), GUESTS);
            conversation(c, BOBS, BOB, shared, "CLOSED", "2 hours");
            conversation(c, ALICES, ALICE, shared, "ACTIVE", "1 hour");
            conversation(c, GUESTS, GUEST, guestOnly, "ACTIVE", "1 hour");
        }

        flyway("3").migrate();

        UUID bobsThread = SessionTracker.sessionId(DEPLOYMENT, SHARED, BOB);
        UUID alicesThread = SessionTracker.sessionId(DEPLOYMENT, SHARED, ALICE);
        UUID guestThread = SessionTracker.sessionId(DEPLOYMENT, GUEST_ONLY, GUEST);
        try (Connection c = connection()) {
            assertEquals(List.of(
                    row(bobsThread, BOB.id(), null),
                    row(alicesThread, ALICE.id(), ALICES),
                    row(guestThread, GUEST.id(), GUESTS)).stream().sorted().toList(),
                    rows(c, "select id, customer_id, current_conversation_id from guest_session").stream().sorted()
                            .toList());
            assertEquals(List.of(row(BOBS, bobsThread), row(ALICES, alicesThread), row(GUESTS, guestThread))
                    .stream().sorted().toList(),
                    rows(c, "select id, session_id from conversation").stream().sorted().toList());
        }
    }

    private static Flyway flyway(String target) {
        return Flyway.configure()
                .dataSource(PostgresTestResource.directUrl(), PostgresTestResource.directUser(),
                        System.getenv().getOrDefault("CARRYOVER_TEST_DB_PASSWORD", ""))
                .schemas(SCHEMA).locations("classpath:db/migration").target(target).load();
    }

    private static Connection connection() throws Exception {
        Connection c = PostgresTestResource.directConnection();
        try (Statement s = c.createStatement()) {
            s.execute("set search_path = " + SCHEMA);
        }
        return c;
    }

    private static UUID oldSessionId(String tokenHash) {
        return UUID.nameUUIDFromBytes(("session\n" + DEPLOYMENT + "\n" + tokenHash)
                .getBytes(StandardCharsets.UTF_8));
    }

    private static void conversation(Connection c, UUID id, CustomerKey customer, UUID session, String state,
            String age) throws Exception {
        execute(c, "insert into conversation (id, deployment_id, customer_id, session_id, started_at, state)"
                + " values (?, ?, ?, ?, now() - ?::interval, ?)", id, DEPLOYMENT, customer.id(), session, age, state);
    }

    private static String row(Object... values) {
        return Arrays.toString(values);
    }

    private static List<String> rows(Connection c, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Object[] values = new Object[columns];
                for (int i = 0; i < columns; i++) {
                    values[i] = rs.getObject(i + 1);
                }
                out.add(row(values));
            }
        }
        return out;
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
