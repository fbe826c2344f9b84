package io.carryover.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.jboss.logmanager.ExtLogRecord;

import com.fasterxml.jackson.databind.JsonNode;

import io.carryover.testing.Archive;
import io.carryover.testing.Conversations;
import io.carryover.testing.DatabaseLink;
import io.carryover.testing.Guest;
import io.carryover.testing.Metrics;
import io.carryover.testing.Sandbox;
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
            return Map.of("carryover.enrich.workers", "0", "carryover.enrich.outage-summary-interval", "2s");
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
    @Inject
    EnrichMetrics metrics;
    @Inject
    EnrichmentStatuses statuses;

    private final List<OutboxWorker> instances = new ArrayList<>();

    @AfterEach
    void stopInstances() {
        instances.forEach(OutboxWorker::stop);
        DatabaseLink.restoreDatabase();
        Sandbox.platformReset();
    }

    @Test
    void aJobLeftByAStoppedInstanceIsCompletedAfterRestart() throws Exception {
        String subject = "restart-" + UUID.randomUUID();
        String token = Guest.newToken();
        Conversations.returningCustomer(token, subject, "My router keeps rebooting", "Firmware updated; it should be stable now.",
                "It rebooted again");
        UUID newest = Archive.awaitConversations(Archive.signedIn(subject), 2).get(0);
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> "PENDING".equals(Archive.text("select state from enrichment_job where conversation_id = ?", newest)));
        Thread.sleep(500);
        assertEquals(0, Sandbox.attributePatches(Sandbox.conversationOf(token), 0).size(), "nobody works the outbox yet");

        startInstance(1); // the restarted Carryover
        Sandbox.awaitAttributes(Sandbox.conversationOf(token), Duration.ofSeconds(5));
        assertEquals("patched", Archive.text("select outcome from enrichment_job where conversation_id = ?", newest));
    }

    @Test
    void twoInstancesOnOneDatabasePatchEachConversationExactlyOnce() throws Exception {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String token = Guest.newToken();
            tokens.add(token);
            Conversations.returningCustomer(token, "pair-" + UUID.randomUUID(), "Question " + i, "Answer " + i, "Follow-up " + i);
        }
        startInstance(2);
        startInstance(2);
        for (String token : tokens) {
            try {
                Sandbox.awaitAttributes(Sandbox.conversationOf(token), Duration.ofSeconds(15));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("no summary for " + token + "; jobs: " + jobTable(), e);
            }
        }
        Thread.sleep(1000); // room for a duplicate to show up, were there one
        for (String token : tokens) {
            assertEquals(1, Sandbox.attributePatches(Sandbox.conversationOf(token), 0).size(), "exactly one PATCH for " + token);
        }
    }

    @Test
    void aJobClaimedByAnInstanceThatDiedIsTakenOverWhenItsLeaseRunsOut() throws Exception {
        String subject = "crash-" + UUID.randomUUID();
        String token = Guest.newToken();
        Conversations.returningCustomer(token, subject, "Billing question", "Refund issued.", "Did the refund arrive?");
        UUID newest = Archive.awaitConversations(Archive.signedIn(subject), 2).get(0);
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> "PENDING".equals(Archive.text("select state from enrichment_job where conversation_id = ?", newest)));
        // An instance claims the job with a 2 s lease and dies before working it.
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> jobs.claim(10, Duration.ofSeconds(2)).stream()
                .anyMatch(job -> job.conversationId().equals(newest)));
        long claimedAt = System.nanoTime();
        startInstance(1);
        Sandbox.awaitAttributes(Sandbox.conversationOf(token), Duration.ofSeconds(6));
        long tookOverAfter = (System.nanoTime() - claimedAt) / 1_000_000;
        assertEquals(true, tookOverAfter >= 1500, "waited for the lease, " + tookOverAfter + " ms");
        assertEquals(1, Sandbox.attributePatches(Sandbox.conversationOf(token), 0).size());
    }

    @Test
    void firstAttemptsAreClaimedAheadOfRetriesNewestFirst() throws Exception {
        Instant now = Instant.now();
        // Due in the opposite order, so a claim by due time would return them the other way round.
        Backlog.Job olderRetry = Backlog.hopeless(now.minusSeconds(50), 2, now.minusSeconds(5));
        Backlog.Job newerRetry = Backlog.hopeless(now.minusSeconds(40), 1, now.minusSeconds(4));
        Backlog.Job olderFirst = Backlog.hopeless(now.minusSeconds(30), 0, now.minusSeconds(3));
        Backlog.Job newerFirst = Backlog.hopeless(now.minusSeconds(20), 0, now.minusSeconds(2));
        Backlog.Job newestFirst = Backlog.hopeless(now.minusSeconds(10), 0, now.minusSeconds(1));
        List<UUID> expected = List.of(newestFirst.conversationId(), newerFirst.conversationId(),
                olderFirst.conversationId(), newerRetry.conversationId(), olderRetry.conversationId());

        List<EnrichmentJob> claimed = jobs.claim(1000, config.lease());
        try {
            List<UUID> ours = claimed.stream().map(EnrichmentJob::conversationId).filter(expected::contains).toList();
            assertEquals(expected, ours);
        } finally {
            jobs.release(claimed, null);
        }
        assertEquals("0", Archive.text(ATTEMPTS, newestFirst.conversationId()), "a released job counts as untried");
    }

    @Test
    void aBacklogAllDueAtOnceDoesNotLockOutANewConversation() throws Exception {
        Instant now = Instant.now();
        Set<String> backlog = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            backlog.add(Backlog.hopeless(now.minusSeconds(20), 1, now.minusSeconds(60)).messageId());
        }
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> Metrics.value("carryover_enrich_backlog") >= 200
                && Metrics.value("carryover_enrich_oldest_due_seconds") >= 55);

        String token = Guest.newToken();
        String subject = "late-" + UUID.randomUUID();
        Conversations.returningCustomer(token, subject, "Is my loan approved?", "Not yet, one more document.", "I sent the document");
        UUID newest = Archive.awaitConversations(Archive.signedIn(subject), 2).get(0);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> "PENDING".equals(Archive.text(STATE, newest)));
        startInstance(1);
        String conversationId = Sandbox.conversationOf(token);
        Sandbox.awaitAttributes(conversationId, Duration.ofSeconds(30));

        long patchedAt = Sandbox.platformRequestsTo("attributes", conversationId).get(0).path("time").asLong();
        long backlogCallsBefore = 0;
        JsonNode log = Guest.parse(io.restassured.RestAssured.given().get("/sandbox/api/platform/requests").then()
                .statusCode(200).extract().asString());
        for (JsonNode request : log) {
            assertTrue(request.path("status").asInt() != 429, "the Platform never throttled: " + request);
            if (request.path("time").asLong() < patchedAt && backlog.contains(messageIdOf(request))) {
                backlogCallsBefore++;
            }
        }
        assertEquals(0, backlogCallsBefore, "backlog jobs tried before the new conversation's PATCH");
    }

    @Test
    void aMessageGenesysNeverKnowsCostsAtMostEightCallsThenTheJobIsParked() throws Exception {
        Backlog.Job hopeless = Backlog.hopeless(Instant.now(), 0, Instant.now());
        startInstance(1);
        // Fast-forward: after each 404, move the job's clock on by the wait the worker chose, so the whole
        // 2 min schedule plays out at once against the real sandbox.
        int attempts = 0;
        for (int i = 0; i < 40 && "PENDING".equals(Archive.text(STATE, hopeless.conversationId())); i++) {
            int seen = attempts;
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() ->
                    !"PENDING".equals(Archive.text(STATE, hopeless.conversationId()))
                            || (Integer.parseInt(Archive.text(ATTEMPTS, hopeless.conversationId())) > seen
                                    && Archive.text(LEASE, hopeless.conversationId()) == null));
            attempts = Integer.parseInt(Archive.text(ATTEMPTS, hopeless.conversationId()));
            Archive.execute("""
                    update enrichment_job set first_echo_at = first_echo_at - (next_attempt_at - now()),
                           deadline_at = deadline_at - (next_attempt_at - now()), next_attempt_at = now()
                    where conversation_id = ? and state = 'PENDING' and locked_until is null""",
                    hopeless.conversationId());
            queue.jobsQueued();
        }
        // The attempt that parked the job may have run after the loop's last count.
        attempts = Integer.parseInt(Archive.text(ATTEMPTS, hopeless.conversationId()));
        assertEquals("PARKED", Archive.text(STATE, hopeless.conversationId()));
        assertEquals("not-found", Archive.text("select outcome from enrichment_job where conversation_id = ?",
                hopeless.conversationId()));
        long calls = Sandbox.platformRequests(0).stream()
                .filter(r -> String.valueOf(r.get("path")).endsWith("/messages/" + hopeless.messageId() + "/details"))
                .count();
        assertTrue(calls <= 8, calls + " Platform calls for one hopeless job");
        assertEquals(attempts, calls, "one call per attempt");
        EnrichmentStatus status = statuses.of(hopeless.conversationId()).orElseThrow();
        assertEquals("parked", status.value());
        assertTrue(status.reason().startsWith("not-found"), status.reason());
    }

    @Test
    void aConversationQueuedWhileABatchIsWorkedGoesBeforeTheRestOfTheBatch() throws Exception {
        Instant now = Instant.now();
        List<Backlog.Job> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(Backlog.hopeless(now.minusSeconds(10).minusMillis(100 - i), 0, now));
        }
        // The instance is inside the first job's (slow) call when the new conversation is queued.
        slowDetails(held);
        startInstance(1);
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            for (Backlog.Job job : held) {
                if (Archive.text(LEASE, job.conversationId()) == null) {
                    return false;
                }
            }
            return true;
        });
        Backlog.Job newcomer = Backlog.hopeless(Instant.now(), 0, Instant.now());
        queue.jobsQueued();

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> detailsCallAt(newcomer) != null);
        long newcomerAt = detailsCallAt(newcomer);
        int triedBefore = 0;
        for (Backlog.Job job : held) {
            Long at = detailsCallAt(job);
            if (at != null && at < newcomerAt) {
                triedBefore++;
            }
        }
        assertEquals(1, triedBefore, "only the job already in progress went before the new conversation");
    }

    /** Each job's details call answers after 1.5 s; scoped by path, so the application's own workers keep theirs. */
    private static void slowDetails(List<Backlog.Job> jobs) {
        for (Backlog.Job job : jobs) {
            Sandbox.platformFault(Map.of("latencyMs", 1500, "count", 1, "endpoint", "details",
                    "path", Sandbox.detailsPath(job.messageId())));
        }
    }

    private static Long detailsCallAt(Backlog.Job job) {
        return Sandbox.platformRequests(0).stream()
                .filter(r -> String.valueOf(r.get("path")).endsWith("/messages/" + job.messageId() + "/details"))
                .map(r -> ((Number) r.get("time")).longValue()).min(Long::compare).orElse(null);
    }

    @Test
    void onShutdownJobsLeasedButNotStartedAreReleasedAtOnce() throws Exception {
        Instant now = Instant.now();
        List<Backlog.Job> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(Backlog.hopeless(now.minusMillis(100 - i), 0, now));
        }
        // The first call takes a while: the instance is inside it when shutdown begins.
        slowDetails(held);
        OutboxWorker instance = startInstance(1);
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            for (Backlog.Job job : held) {
                if (Archive.text(LEASE, job.conversationId()) == null) {
                    return false;
                }
            }
            return true;
        });
        instance.stop();

        long calls = Sandbox.platformRequests(0).stream().filter(r -> held.stream().anyMatch(job ->
                String.valueOf(r.get("path")).endsWith("/messages/" + job.messageId() + "/details"))).count();
        assertEquals(1, calls, "only the job in progress was tried");
        Set<UUID> untried = new HashSet<>();
        for (Backlog.Job job : held) {
            assertEquals(null, Archive.text(LEASE, job.conversationId()), "no lease left behind");
            if ("0".equals(Archive.text(ATTEMPTS, job.conversationId()))) {
                untried.add(job.conversationId());
            }
        }
        assertEquals(2, untried.size(), "two jobs given back untried");
        // Another instance takes them at once, not after the 30 s lease.
        List<EnrichmentJob> taken = jobs.claim(1000, config.lease());
        jobs.release(taken, null);
        assertTrue(taken.stream().map(EnrichmentJob::conversationId).toList().containsAll(untried), taken.toString());
    }

    @Test
    void aDatabaseOutageIsLoggedWhenItStartsPeriodicallyAndWhenItEnds() throws Exception {
        List<LogRecord> records = Collections.synchronizedList(new ArrayList<>());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(OutboxWorker.class.getName());
        logger.addHandler(capture);
        try {
            startInstance(2);
            Thread.sleep(500);
            DatabaseLink.cutDatabase();
            // Long enough for a summary even when a claim first waits out the pool's 3 s acquisition timeout, as it
            // does when another caller (the search indexer) asks the pool for a connection at the same moment.
            Thread.sleep(9000);
            DatabaseLink.restoreDatabase();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> lines(records, Level.INFO).stream()
                    .anyMatch(m -> m.startsWith("enrichment outbox: database reachable again")));
        } finally {
            logger.removeHandler(capture);
        }
        List<String> warnings = lines(records, Level.WARNING);
        assertEquals(1, warnings.stream().filter(m -> m.startsWith("enrichment outbox: database unreachable")).count(),
                warnings.toString());
        long summaries = warnings.stream().filter(m -> m.startsWith("enrichment outbox: database still unreachable"))
                .count();
        assertTrue(summaries >= 1 && summaries <= 5, "one summary per 2 s of outage: " + warnings);
        assertEquals(1 + summaries, warnings.size(), warnings.toString());
        assertEquals(1, lines(records, Level.INFO).stream()
                .filter(m -> m.startsWith("enrichment outbox: database reachable again")).count());
    }

    private static final String STATE = "select state from enrichment_job where conversation_id = ?";
    private static final String ATTEMPTS = "select attempts from enrichment_job where conversation_id = ?";
    private static final String LEASE = "select locked_until from enrichment_job where conversation_id = ?";

    private static String messageIdOf(JsonNode request) {
        String[] segments = request.path("path").asText().split("/");
        return segments.length >= 2 && "details".equals(segments[segments.length - 1])
                ? segments[segments.length - 2] : null;
    }

    private static List<String> lines(List<LogRecord> records, Level level) {
        synchronized (records) {
            return records.stream().filter(r -> r.getLevel().equals(level))
                    .map(r -> r instanceof ExtLogRecord ext ? ext.getFormattedMessage() : r.getMessage()).toList();
        }
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

    private OutboxWorker startInstance(int threads) {
        OutboxWorker instance = new OutboxWorker(config, queue, jobs, enricher, metrics);
        instances.add(instance);
        instance.start(threads);
        return instance;
    }
}
