package io.carryover.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.carryover.identity.CustomerKey;
import io.carryover.testing.PostgresTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The History API benchmark's seeder on a small scale, in a database of its own migrated by the application's own
 * Flyway configuration: the schema it leaves is exactly Flyway's, the rows hang together (foreign keys validated,
 * customer ids as the API derives them, summaries citing earlier messages of the same customer), reuse is detected
 * from the recorded counts, and COPY's text escaping survives any text.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HistorySeederTest {

    private static final double SCALE = 0.002; // 200 customers, 2,000 conversations, 20,000 messages
    private static final int[] HEAVY = { 60, 40 };

    @Inject
    Flyway applicationFlyway;

    private String url;
    private HistorySeeder.Seed seed;
    private HistorySeeder.Schema flywaySchema;

    @BeforeAll
    void seedADatabaseOfItsOwn() throws Exception {
        URI direct = URI.create(PostgresTestResource.directUrl().substring("jdbc:".length()));
        String name = direct.getPath().substring(1) + "_history_seed";
        String server = "jdbc:postgresql://" + direct.getHost() + ":" + (direct.getPort() < 0 ? 5432 : direct.getPort());
        try (Connection c = DriverManager.getConnection(server + "/postgres", PostgresTestResource.directUser(), "")) {
            c.createStatement().execute("drop database if exists " + name + " with (force)");
            c.createStatement().execute("create database " + name);
        }
        url = server + "/" + name;
        Flyway.configure().configuration(applicationFlyway.getConfiguration())
                .dataSource(url, PostgresTestResource.directUser(), "").load().migrate();
        try (Connection c = connect()) {
            flywaySchema = HistorySeeder.Schema.read(c);
        }
        seed = new HistorySeeder(url, SCALE, HEAVY, line -> { }).seed();
    }

    @AfterAll
    void dropIt() throws Exception {
        URI direct = URI.create(url.substring("jdbc:".length()));
        try (Connection c = DriverManager.getConnection(url.replace(direct.getPath(), "/postgres"),
                PostgresTestResource.directUser(), "")) {
            c.createStatement().execute("drop database if exists " + direct.getPath().substring(1) + " with (force)");
        }
    }

    @Test
    void leavesExactlyTheIndexesAndConstraintsFlywayCreated() throws Exception {
        assertFalse(flywaySchema.indexes().isEmpty());
        assertTrue(flywaySchema.foreignKeys().stream().anyMatch(fk -> fk.startsWith("message|")));
        try (Connection c = connect()) {
            assertEquals(flywaySchema, HistorySeeder.Schema.read(c));
            // Recreated foreign keys are validated: none was left NOT VALID.
            assertEquals(0, count(c, "select count(*) from pg_constraint where not convalidated"));
        }
    }

    @Test
    void seedsThePlannedVolumeWithIdsTheApiDerives() throws Exception {
        assertEquals(2_000L, seed.counts().get("conversation"));
        assertEquals(20_000L, seed.counts().get("message"));
        try (Connection c = connect()) {
            assertEquals(200, count(c, "select count(*) from customer c where exists "
                    + "(select 1 from conversation v where v.customer_id = c.id)"));
            for (int heavy = 0; heavy < HEAVY.length; heavy++) {
                UUID id = new CustomerKey(HistorySeeder.ISSUER, String.format("cust-%07d", heavy)).id();
                assertEquals(HEAVY[heavy], count(c, "select count(*) from conversation where customer_id = '" + id + "'"));
            }
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select id, issuer, subject from customer")) {
                while (rs.next()) {
                    assertEquals(new CustomerKey(rs.getString(2), rs.getString(3)).id(), rs.getObject(1, UUID.class));
                }
            }
            // Rows are written as the archive would have: message ids follow channel time.
            assertEquals(0, count(c, "select count(*) from (select channel_time, lag(channel_time) over (order by id) "
                    + "as before from message) t where channel_time < before"));
            // The identity sequence continues after the copied ids.
            c.createStatement().execute("insert into message (conversation_id, direction, message_type, received_at, "
                    + "original) select id, 'Inbound', 'Text', now(), '{}' from conversation limit 1");
            assertEquals(20_001, count(c, "select max(id) from message"));
            c.createStatement().execute("delete from message where id = 20001");
        }
    }

    @Test
    void summariesCiteEarlierMessagesOfTheSameCustomer() throws Exception {
        try (Connection c = connect()) {
            assertTrue(count(c, "select count(*) from conversation_summary") > 100);
            assertEquals(0, count(c, """
                    select count(*) from conversation_summary s
                    join conversation cv on cv.id = s.conversation_id
                    cross join jsonb_array_elements(s.lines) line
                    cross join jsonb_array_elements(line -> 'sourceMessageIds') cited
                    left join message m on m.id = cited::text::bigint
                    left join conversation prior on prior.id = m.conversation_id
                    where prior.id is null or prior.customer_id <> cv.customer_id or prior.started_at >= cv.started_at
                    """));
        }
    }

    @Test
    void anEarlierSeedIsReusedOnlyWhileItsCountsHold() throws Exception {
        HistorySeeder seeder = new HistorySeeder(url, SCALE, HEAVY, line -> { });
        HistorySeeder.Seed existing = seeder.existing();
        assertNotNull(existing);
        assertTrue(existing.reused());
        assertEquals(seed.counts(), existing.counts());
        assertNull(new HistorySeeder(url, 0.003, HEAVY, line -> { }).existing(), "another scale is another seed");
        try (Connection c = connect()) {
            c.createStatement().execute("insert into customer values ('" + UUID.randomUUID()
                    + "', 'https://other.example/', 'added-later', now())");
            try {
                assertNull(seeder.existing(), "a table that no longer holds the recorded count is reseeded");
            } finally {
                c.createStatement().execute("delete from customer where subject = 'added-later'");
            }
            assertNotNull(seeder.existing());
        }
    }

    @Test
    void copyKeepsEveryTextAsItWas() throws Exception {
        List<String> texts = Arrays.asList("tab\there", "new\nline", "carriage\rreturn", "back\\slash", "\\N", "\\.",
                "quotes ' \" `", "émoji 😀 and 中文", "", null, "\\\t\\n");
        try (Connection c = connect()) {
            c.createStatement().execute("create table copy_round_trip (n int primary key, t text)");
        }
        try (CopyTable copy = new CopyTable(connect(), "copy_round_trip", "n, t")) {
            for (int i = 0; i < texts.size(); i++) {
                copy.number(i).text(texts.get(i)).end();
            }
            copy.finish();
        }
        List<String> back = new ArrayList<>();
        try (Connection c = connect(); ResultSet rs = c.createStatement().executeQuery(
                "select t from copy_round_trip order by n")) {
            while (rs.next()) {
                back.add(rs.getString(1));
            }
        }
        assertEquals(texts, back);
    }

    private Connection connect() throws Exception {
        return DriverManager.getConnection(url, PostgresTestResource.directUser(), "");
    }

    private static long count(Connection c, String sql) throws Exception {
        try (ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
