package io.carryover.enrich;

import static io.carryover.enrich.EnrichmentTest.awaitAttributes;
import static io.carryover.enrich.EnrichmentTest.conversationsOf;
import static io.carryover.enrich.EnrichmentTest.patchesTo;
import static io.carryover.enrich.EnrichmentTest.platformConversationOf;
import static io.carryover.enrich.EnrichmentTest.returningCustomer;
import static io.carryover.enrich.EnrichmentTest.value;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.carryover.testing.Guest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The outbox as an operator sees it: this instance runs no workers of its own, so jobs wait in PostgreSQL exactly as
 * they would after a crash; the tests then start workers as a restarted instance, or as two instances at once.
 */
@QuarkusTest
@TestProfile(OutboxTest.NoWorkers.class)
class OutboxTest {

    public static class NoWorkers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("carryover.enrich.workers", "0", "carryover.enrich.lease", "2s");
        }
    }

    @Inject
    EnrichConfig config;
    @Inject
    EnrichmentOutbox queue;
    @Inject
    EnrichmentJobs jobs;
    @Inject
    Enricher enricher;

    private final List<OutboxWorker> instances = new ArrayList<>();

    @AfterEach
    void stopInstances() {
        instances.forEach(OutboxWorker::stop);
    }

    @Test
    void aJobLeftByAStoppedInstanceIsCompletedAfterRestart() throws Exception {
        String subject = "restart-" + UUID.randomUUID();
        String token = Guest.newToken();
        returningCustomer(token, subject, "My router keeps rebooting", "Firmware updated; it should be stable now.",
                "It rebooted again");
        UUID newest = conversationsOf(subject).get(0);
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> "PENDING".equals(value("select state from enrichment_job where conversation_id = ?", newest)));
        Thread.sleep(500);
        assertEquals(0, patchesTo(platformConversationOf(token)), "nobody works the outbox yet");

        startInstance(1); // the restarted Carryover
        awaitAttributes(platformConversationOf(token), Duration.ofSeconds(5));
        assertEquals("patched", value("select outcome from enrichment_job where conversation_id = ?", newest));
    }

    @Test
    void twoInstancesOnOneDatabasePatchEachConversationExactlyOnce() throws Exception {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String token = Guest.newToken();
            tokens.add(token);
            returningCustomer(token, "pair-" + UUID.randomUUID(), "Question " + i, "Answer " + i, "Follow-up " + i);
        }
        startInstance(2);
        startInstance(2);
        for (String token : tokens) {
            try {
                awaitAttributes(platformConversationOf(token), Duration.ofSeconds(15));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("no summary for " + token + "; jobs: " + jobTable(), e);
            }
        }
        Thread.sleep(1000); // room for a duplicate to show up, were there one
        for (String token : tokens) {
            assertEquals(1, patchesTo(platformConversationOf(token)), "exactly one PATCH for " + token);
        }
    }

    @Test
    void aJobClaimedByAnInstanceThatDiedIsTakenOverWhenItsLeaseRunsOut() throws Exception {
        String subject = "crash-" + UUID.randomUUID();
        String token = Guest.newToken();
        returningCustomer(token, subject, "Billing question", "Refund issued.", "Did the refund arrive?");
        UUID newest = conversationsOf(subject).get(0);
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> "PENDING".equals(value("select state from enrichment_job where conversation_id = ?", newest)));
        // An instance claims the job and dies before working it.
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> jobs.claim(10, config.lease()).stream()
                .anyMatch(job -> job.conversationId().equals(newest)));
        long claimedAt = System.nanoTime();
        startInstance(1);
        awaitAttributes(platformConversationOf(token), Duration.ofSeconds(6));
        long tookOverAfter = (System.nanoTime() - claimedAt) / 1_000_000;
        assertEquals(true, tookOverAfter >= 1500, "waited for the lease, " + tookOverAfter + " ms");
        assertEquals(1, patchesTo(platformConversationOf(token)));
    }

    private static String jobTable() throws Exception {
        StringBuilder out = new StringBuilder();
        try (var c = io.carryover.testing.PostgresTestResource.directConnection();
             var rs = c.createStatement().executeQuery("select conversation_id, state, outcome, attempts, last_error,"
                     + " next_attempt_at, locked_until, now() from enrichment_job order by created_at")) {
            while (rs.next()) {
                out.append("\n");
                for (int i = 1; i <= 8; i++) {
                    out.append(rs.getString(i)).append(' ');
                }
            }
        }
        return out.toString();
    }

    private void startInstance(int threads) {
        OutboxWorker instance = new OutboxWorker(config, queue, jobs, enricher);
        instances.add(instance);
        instance.start(threads);
    }
}
