package io.carryover.enrich;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.carryover.platform.PlatformConfig;
import io.quarkus.runtime.StartupEvent;

/**
 * Where the archive hands over new conversations: it asks whether correlation is wanted, writes the job in its own
 * transaction, then calls {@link #jobsQueued()} so a worker starts at once instead of at its next poll.
 */
@ApplicationScoped
public class EnrichmentQueue {

    private static final Logger LOG = Logger.getLogger(EnrichmentQueue.class);

    private final boolean enabled;
    private final Duration deadline;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queued = lock.newCondition();
    private long generation;

    EnrichmentQueue(EnrichConfig config, PlatformConfig platform) {
        this.enabled = config.enabled() && platform.configured();
        this.deadline = config.deadline();
    }

    void announce(@Observes StartupEvent event) {
        if (!enabled) {
            LOG.info("enrichment off: set carryover.platform.client-id and client-secret to correlate and enrich");
        }
    }

    /** Whether the archive should queue correlation jobs. */
    public boolean enabled() {
        return enabled;
    }

    /** How long a new job may take before it is marked failed. */
    public Duration deadline() {
        return deadline;
    }

    public void jobsQueued() {
        lock.lock();
        try {
            generation++;
            queued.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until jobs are queued or the timeout passes. */
    void await(long timeoutMillis) throws InterruptedException {
        lock.lock();
        try {
            long seen = generation;
            long nanos = timeoutMillis * 1_000_000L;
            while (generation == seen && nanos > 0) {
                nanos = queued.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }
}
