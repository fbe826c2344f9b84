package io.carryover.enrich;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;

/**
 * Threads that claim due outbox jobs (woken by the archive, or every poll interval) and work them. They claim
 * nothing while the Platform throttles this instance, and on shutdown give back what they hold but have not started.
 */
@ApplicationScoped
class OutboxWorker {

    private static final Logger LOG = Logger.getLogger(OutboxWorker.class);
    private static final int CLAIM_BATCH = 5;
    static final String STOPPING = "enrichment outbox stopping: leased jobs not started are given back";

    private final EnrichConfig config;
    private final EnrichmentOutbox queue;
    private final EnrichmentJobs jobs;
    private final Enricher enricher;
    private final EnrichMetrics metrics;
    private final List<Thread> threads = new ArrayList<>();
    private final Object outageLock = new Object();
    private volatile boolean running;
    /** Set while PostgreSQL is unreachable: one line when that starts, one per summary interval, one when it ends. */
    private volatile Instant unreachableSince;
    private Instant outageReportedAt;

    OutboxWorker(EnrichConfig config, EnrichmentOutbox queue, EnrichmentJobs jobs, Enricher enricher,
            EnrichMetrics metrics) {
        this.config = config;
        this.queue = queue;
        this.jobs = jobs;
        this.enricher = enricher;
        this.metrics = metrics;
    }

    void start(@Observes StartupEvent event) {
        if (queue.enabled()) {
            start(config.workers());
        }
    }

    void start(int count) {
        running = true;
        for (int i = 0; i < count; i++) {
            Thread thread = new Thread(this::run, "carryover-enrich-" + threads.size());
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /** After the relay (pre-shutdown) and the archive (10): jobs the archive queued while draining are released too. */
    void stop(@Observes @Priority(30) ShutdownEvent event) {
        stop();
    }

    void stop() {
        running = false;
        queue.jobsQueued();
        LOG.info(STOPPING);
        // A call in flight may take a while; past the lease its job is another instance's anyway.
        long deadline = System.nanoTime() + config.lease().toNanos();
        for (Thread thread : threads) {
            try {
                thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        threads.clear();
    }

    @Scheduled(every = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refreshBacklog() {
        if (!queue.enabled()) {
            return;
        }
        try {
            metrics.backlog(jobs.backlog());
        } catch (SQLException e) {
            // An outage is the workers' to log; the gauges keep their last values.
            LOG.debugf("backlog not refreshed (%s)", e.getSQLState());
        }
    }

    private void run() {
        while (running) {
            try {
                Duration throttled = enricher.throttledFor();
                if (!throttled.isZero()) {
                    queue.await(throttled.toMillis());
                    continue;
                }
                long queuedBefore = queue.generation();
                List<EnrichmentJob> claimed = jobs.claim(CLAIM_BATCH, config.lease());
                databaseReachable();
                work(claimed, queuedBefore);
                if (claimed.isEmpty()) {
                    queue.await(config.pollInterval().toMillis());
                }
            } catch (SQLException e) {
                // PostgreSQL down: claimed jobs keep their lease and are retried once it expires.
                databaseUnreachable(e);
                sleep(config.pollInterval().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("enrichment worker: unexpected failure", e);
                sleep(config.pollInterval().toMillis());
            }
        }
    }

    /**
     * Works a claimed batch in order. The rest goes back (untried, keeping its place) on shutdown, when throttled,
     * or when new conversations were queued meanwhile: those come first, and with a paced budget each job of the
     * batch can take a while.
     */
    private void work(List<EnrichmentJob> claimed, long queuedBefore) throws SQLException {
        for (int i = 0; i < claimed.size(); i++) {
            if (!running || !enricher.throttledFor().isZero() || i > 0 && queue.generation() != queuedBefore) {
                jobs.release(claimed.subList(i, claimed.size()), null);
                return;
            }
            try {
                enricher.process(claimed.get(i));
            } catch (SQLException e) {
                if (!FOREIGN_KEY_VIOLATION.equals(e.getSQLState())) {
                    throw e;
                }
                // The conversation was erased (or passed retention) while its job ran: nothing is left to enrich.
                LOG.infof("enrichment job for conversation %s: the conversation was deleted meanwhile",
                        claimed.get(i).conversationId());
            }
        }
    }

    private static final String FOREIGN_KEY_VIOLATION = "23503";

    private void databaseUnreachable(SQLException e) {
        synchronized (outageLock) {
            Instant now = Instant.now();
            if (unreachableSince == null) {
                unreachableSince = now;
                outageReportedAt = now;
                LOG.warnf("enrichment outbox: database unreachable (SQLState %s); jobs wait in PostgreSQL until it "
                        + "is back", e.getSQLState());
            } else if (!now.isBefore(outageReportedAt.plus(config.outageSummaryInterval()))) {
                outageReportedAt = now;
                LOG.warnf("enrichment outbox: database still unreachable after %d s",
                        Duration.between(unreachableSince, now).toSeconds());
            }
        }
    }

    private void databaseReachable() {
        if (unreachableSince == null) {
            return;
        }
        synchronized (outageLock) {
            if (unreachableSince != null) {
                LOG.infof("enrichment outbox: database reachable again after %d s",
                        Duration.between(unreachableSince, Instant.now()).toSeconds());
                unreachableSince = null;
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
