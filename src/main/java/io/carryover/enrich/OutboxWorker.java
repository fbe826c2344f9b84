package io.carryover.enrich;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/** Threads that claim due outbox jobs (woken by the archive, or every poll interval) and work them. */
@ApplicationScoped
class OutboxWorker {

    private static final Logger LOG = Logger.getLogger(OutboxWorker.class);
    private static final int CLAIM_BATCH = 5;

    private final EnrichConfig config;
    private final EnrichmentOutbox queue;
    private final EnrichmentJobs jobs;
    private final Enricher enricher;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    OutboxWorker(EnrichConfig config, EnrichmentOutbox queue, EnrichmentJobs jobs, Enricher enricher) {
        this.config = config;
        this.queue = queue;
        this.jobs = jobs;
        this.enricher = enricher;
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

    void stop(@Observes @Priority(5) ShutdownEvent event) {
        stop();
    }

    void stop() {
        running = false;
        queue.jobsQueued();
        for (Thread thread : threads) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        threads.clear();
    }

    private void run() {
        while (running) {
            try {
                List<EnrichmentJob> claimed = jobs.claim(CLAIM_BATCH, config.lease());
                for (EnrichmentJob job : claimed) {
                    enricher.process(job);
                }
                if (claimed.isEmpty()) {
                    queue.await(config.pollInterval().toMillis());
                }
            } catch (SQLException e) {
                // PostgreSQL down: claimed jobs keep their lease and are retried once it expires.
                LOG.warnf("enrichment outbox unavailable (%s); retrying", e.getSQLState());
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

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
