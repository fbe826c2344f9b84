package io.carryover.history;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import io.carryover.testing.Guest;
import io.carryover.testing.HistoryApi;
import io.carryover.testing.HistorySeed;
import io.carryover.testing.Sandbox;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Measurement, not a CI test ({@code -Dbench.export=true}): export rate of a customer with 1,000 conversations of
 * 20 messages (about 400 characters of text each, the original frame alongside), and the heap used while it streams.
 */
@QuarkusTest
@EnabledIfSystemProperty(named = "bench.export", matches = "true")
class ExportThroughputTest {

    @Test
    void exportOfAThousandConversationCustomer() throws Exception {
        UUID customerId = HistorySeed.customer(Sandbox.ISSUER, "export-bench-" + UUID.randomUUID());
        UUID session = UUID.randomUUID();
        HistorySeed.execute("""
                insert into guest_session (id, deployment_id, token_hash, customer_id, created_at, last_seen_at)
                values (?, 'bench', repeat('a', 64), ?, now(), now())""", session, customerId);
        long seedStart = System.nanoTime();
        HistorySeed.execute("""
                with c as (
                    insert into conversation (id, deployment_id, customer_id, session_id, started_at, ended_at, state)
                    select gen_random_uuid(), 'bench', ?, ?, now() - make_interval(days => i),
                           now() - make_interval(days => i) + interval '10 minutes', 'CLOSED'
                    from generate_series(1, 1000) i
                    returning id, started_at)
                insert into message (genesys_message_id, conversation_id, direction, message_type, text, sender_name,
                                     channel_time, received_at, original)
                select gen_random_uuid()::text, c.id, case when k % 2 = 0 then 'Outbound' else 'Inbound' end, 'Text',
                       t.text, case when k % 2 = 0 then 'Agent Smith' end, c.started_at + make_interval(secs => k),
                       c.started_at + make_interval(secs => k),
                       jsonb_build_object('type', 'message', 'class', 'StructuredMessage', 'code', 200,
                           'body', jsonb_build_object('text', t.text, 'direction', 'Inbound', 'id', md5(random()::text),
                               'channel', jsonb_build_object('time', c.started_at + make_interval(secs => k))))
                from c, generate_series(1, 20) k,
                     lateral (select left(repeat(md5(random()::text) || ' the order I placed on ' || k || ' ', 12), 400)
                              as text) t""", customerId, session);
        System.out.printf("seeded 20,000 messages in %d ms%n", (System.nanoTime() - seedStart) / 1_000_000);
        String token = HistoryApi.serviceToken("history.export");
        for (int round = 0; round < 3; round++) {
            var memory = ManagementFactory.getMemoryMXBean();
            System.gc();
            long heapBefore = memory.getHeapMemoryUsage().getUsed();
            AtomicLong maxHeap = new AtomicLong();
            Thread sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    maxHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.start();
            long start = System.nanoTime();
            HttpURLConnection http = (HttpURLConnection) URI.create("http://localhost:" + Guest.PORT
                    + "/api/v1/customers/" + customerId + "/export").toURL().openConnection();
            http.setRequestProperty("Authorization", "Bearer " + token);
            long bytes = 0;
            long firstByteNanos = 0;
            try (InputStream in = http.getInputStream()) {
                byte[] buffer = new byte[65536];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    if (bytes == 0) {
                        firstByteNanos = System.nanoTime() - start;
                    }
                    bytes += n;
                }
            }
            long nanos = System.nanoTime() - start;
            sampler.interrupt();
            sampler.join();
            System.out.printf("round %d at %s: %.1f MB in %d ms = %.1f MB/s; first byte after %d ms; heap used "
                    + "before %d MB, max while streaming %d MB%n", round, Instant.now(), bytes / 1e6,
                    nanos / 1_000_000, bytes / 1e6 / (nanos / 1e9), firstByteNanos / 1_000_000, heapBefore >> 20,
                    maxHeap.get() >> 20);
            assertTrue(bytes > 10_000_000);
        }
    }
}
