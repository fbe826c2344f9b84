package io.carryover.history;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.carryover.testing.Archive;
import io.carryover.testing.HistorySeed;
import io.carryover.testing.Metrics;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Retention runs against times far in the past (each test its own decade), so rows of other test classes, all
 * recent, are never inside a window here.
 */
@QuarkusTest
class RetentionTest {

    @Inject
    Retention retention;

    @Test
    void aConversationJustInsideTheWindowStaysAndOneJustOutsideGoes() {
        Instant cutoff = Instant.parse("2001-06-01T00:00:00Z");
        UUID customer = customer(cutoff.minus(Duration.ofDays(400)));
        UUID session = session(customer, cutoff.minus(Duration.ofDays(400)), cutoff.minus(Duration.ofDays(1)));
        UUID justOutside = conversation(customer, session, cutoff.minusSeconds(3600), cutoff.minusMillis(1),
                "CLOSED");
        UUID justInside = conversation(customer, session, cutoff.minusSeconds(3600), cutoff.plusMillis(1),
                "READ_ONLY");
        // Never ended (its end was not seen): judged by its last message.
        UUID activeStillTalking = conversation(customer, session, cutoff.minus(Duration.ofDays(30)), null, "ACTIVE");
        message(activeStillTalking, cutoff.minus(Duration.ofDays(30)));
        message(activeStillTalking, cutoff.plusSeconds(1));
        UUID activeSilent = conversation(customer, session, cutoff.minus(Duration.ofDays(30)), null, "ACTIVE");
        message(activeSilent, cutoff.minus(Duration.ofDays(29)));
        message(justOutside, cutoff.minusSeconds(60));
        message(justOutside, cutoff.minusSeconds(30));
        HistorySeed.execute("""
                insert into enrichment_job (conversation_id, first_message_id, first_echo_at, state, next_attempt_at,
                                            deadline_at, created_at)
                values (?, 'retention-job', now(), 'DONE', now(), now(), now())""", justOutside);
        HistorySeed.execute("""
                insert into conversation_summary (conversation_id, headline, lines, attributes, created_at)
                values (?, 'h', '[]'::jsonb, '{}'::jsonb, now())""", justOutside);
        // A customer with nothing inside the window goes entirely, thread and all.
        UUID gone = customer(cutoff.minus(Duration.ofDays(400)));
        UUID goneSession = session(gone, cutoff.minus(Duration.ofDays(400)), cutoff.minus(Duration.ofDays(300)));
        UUID goneConversation = conversation(gone, goneSession, cutoff.minus(Duration.ofDays(300)),
                cutoff.minus(Duration.ofDays(300)), "CLOSED");
        message(goneConversation, cutoff.minus(Duration.ofDays(300)));
        HistorySeed.execute("""
                insert into identity_link (conversation_id, from_customer_id, to_customer_id, from_session_id,
                                           to_session_id, linked_at)
                values (?, ?, ?, ?, ?, ?)""", goneConversation, customer, gone, session, goneSession,
                Timestamp.from(cutoff.minus(Duration.ofDays(300))));
        double before = Metrics.value("carryover_history_retention_deleted_total", "table=\"conversation\"");

        Archive.awaitSearchIndexed(); // conversations being indexed are left for the next run
        Retention.Counts counts = retention.run(cutoff, 500);

        assertEquals(java.util.Set.of(activeStillTalking, justInside),
                java.util.Set.copyOf(ids("select id from conversation where customer_id = ?", customer)));
        assertEquals(0, Archive.count("select count(*) from conversation where customer_id = ?", gone));
        assertEquals(0, Archive.count("select count(*) from guest_session where customer_id = ?", gone));
        assertEquals(0, Archive.count("select count(*) from customer where id = ?", gone));
        assertEquals(1, Archive.count("select count(*) from customer where id = ?", customer),
                "a customer with a conversation inside the window stays");
        assertEquals(3, counts.of("conversation"));
        assertEquals(4, counts.of("message"));
        assertEquals(1, counts.of("enrichment_job"));
        assertEquals(1, counts.of("conversation_summary"));
        assertEquals(1, counts.of("identity_link"));
        assertEquals(1, counts.of("guest_session"));
        assertEquals(1, counts.of("customer"));
        assertEquals(before + 3, Metrics.value("carryover_history_retention_deleted_total", "table=\"conversation\""));
        assertEquals(0, Archive.count("select count(*) from message where conversation_id = ?", justOutside));
    }

    @Test
    void moreConversationsThanABatchAreDeletedBatchByBatch() {
        Instant cutoff = Instant.parse("1991-01-01T00:00:00Z");
        UUID customer = customer(cutoff.minus(Duration.ofDays(4000)));
        UUID session = session(customer, cutoff.minus(Duration.ofDays(4000)), cutoff.minus(Duration.ofDays(1)));
        bulkConversations(customer, session, cutoff.minus(Duration.ofDays(3000)), 1203);
        long expected = Archive.count("select count(*) from conversation where coalesce(ended_at, started_at) < ?",
                Timestamp.from(cutoff));

        Archive.awaitSearchIndexed();
        Retention.Counts counts = retention.run(cutoff, 100);

        assertEquals(expected, counts.of("conversation"));
        assertEquals(expected * 2, counts.of("message"));
        assertEquals(0, Archive.count("select count(*) from conversation where customer_id = ?", customer));
        assertEquals(1, counts.of("customer"));
    }

    @Test
    void replicasRunningAtOnceNeitherWaitForEachOtherNorCountARowTwice() throws Exception {
        Instant cutoff = Instant.parse("1981-01-01T00:00:00Z");
        List<UUID> customers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            UUID customer = customer(cutoff.minus(Duration.ofDays(4000)));
            UUID session = session(customer, cutoff.minus(Duration.ofDays(4000)), cutoff.minus(Duration.ofDays(2)));
            bulkConversations(customer, session, cutoff.minus(Duration.ofDays(3000)), 250);
            customers.add(customer);
        }
        long expected = Archive.count("select count(*) from conversation where coalesce(ended_at, started_at) < ?",
                Timestamp.from(cutoff));
        Archive.awaitSearchIndexed();
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService replicas = Executors.newFixedThreadPool(2);
        try {
            List<Future<Retention.Counts>> runs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                runs.add(replicas.submit(() -> {
                    start.await();
                    return retention.run(cutoff, 50);
                }));
            }
            long conversations = 0;
            long messages = 0;
            long removedCustomers = 0;
            for (Future<Retention.Counts> run : runs) {
                Retention.Counts counts = run.get();
                conversations += counts.of("conversation");
                messages += counts.of("message");
                removedCustomers += counts.of("customer");
            }
            assertEquals(expected, conversations);
            assertEquals(expected * 2, messages);
            assertEquals(4, removedCustomers);
        } finally {
            replicas.shutdown();
        }
        for (UUID customer : customers) {
            assertEquals(0, Archive.count("select count(*) from conversation where customer_id = ?", customer));
        }
    }

    // ---- seeding with exact times

    private static UUID customer(Instant createdAt) {
        UUID id = UUID.randomUUID();
        HistorySeed.execute("insert into customer (id, issuer, subject, created_at) values (?, 'retention', ?, ?)",
                id, id.toString(), Timestamp.from(createdAt));
        return id;
    }

    private static UUID session(UUID customer, Instant createdAt, Instant lastSeenAt) {
        UUID id = UUID.randomUUID();
        HistorySeed.execute("""
                insert into guest_session (id, deployment_id, token_hash, customer_id, created_at, last_seen_at)
                values (?, 'retention', ?, ?, ?, ?)""", id, String.format("%064d", Math.abs(id.getLeastSignificantBits())),
                customer, Timestamp.from(createdAt), Timestamp.from(lastSeenAt));
        return id;
    }

    private static UUID conversation(UUID customer, UUID session, Instant startedAt, Instant endedAt, String state) {
        UUID id = UUID.randomUUID();
        HistorySeed.execute("""
                insert into conversation (id, deployment_id, customer_id, session_id, started_at, ended_at, state)
                values (?, 'retention', ?, ?, ?, ?, ?)""", id, customer, session, Timestamp.from(startedAt),
                endedAt == null ? null : Timestamp.from(endedAt), state);
        return id;
    }

    private static void message(UUID conversation, Instant at) {
        HistorySeed.execute("""
                insert into message (genesys_message_id, conversation_id, direction, message_type, text, channel_time,
                                     received_at, original)
                values (gen_random_uuid()::text, ?, 'Inbound', 'Text', 'old words', ?, ?, '{}'::jsonb)""",
                conversation, Timestamp.from(at), Timestamp.from(at));
    }

    /** {@code count} closed conversations of two messages each, a minute apart from {@code from} on. */
    private static void bulkConversations(UUID customer, UUID session, Instant from, int count) {
        HistorySeed.execute("""
                with c as (
                    insert into conversation (id, deployment_id, customer_id, session_id, started_at, ended_at, state)
                    select gen_random_uuid(), 'retention', ?, ?, ?::timestamptz + make_interval(mins => i),
                           ?::timestamptz + make_interval(mins => i, secs => 30), 'CLOSED'
                    from generate_series(1, ?) i
                    returning id, started_at)
                insert into message (genesys_message_id, conversation_id, direction, message_type, text, channel_time,
                                     received_at, original)
                select gen_random_uuid()::text, c.id, 'Inbound', 'Text', 'old words', c.started_at + make_interval(secs => k),
                       c.started_at, '{}'::jsonb
                from c, generate_series(1, 2) k""", customer, session, Timestamp.from(from), Timestamp.from(from),
                count);
    }

    private static List<UUID> ids(String sql, Object param) {
        List<UUID> out = new ArrayList<>();
        try (var c = io.carryover.testing.PostgresTestResource.directConnection(); var ps = c.prepareStatement(sql)) {
            ps.setObject(1, param);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getObject(1, UUID.class));
                }
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
        return out;
    }
}
