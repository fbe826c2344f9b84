package io.carryover.enrich;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.carryover.archive.NewConversationListener;
import io.carryover.platform.PlatformConfig;
import io.quarkus.runtime.StartupEvent;

/**
 * The outbox's entrance: the archive reports each new conversation's first Inbound text inside its own transaction,
 * and the job row is written there, so it exists exactly when the message does. After the commit the workers are
 * woken at once instead of at their next poll.
 */
@ApplicationScoped
public class EnrichmentOutbox implements NewConversationListener {

    private static final Logger LOG = Logger.getLogger(EnrichmentOutbox.class);

    private final boolean enabled;
    private final Duration deadline;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queued = lock.newCondition();
    private long generation;

    EnrichmentOutbox(EnrichConfig config, PlatformConfig platform) {
        this.enabled = config.enabled() && platform.configured();
        this.deadline = config.deadline();
    }

    void announce(@Observes StartupEvent event) {
        if (!enabled) {
            LOG.info("enrichment off: set carryover.platform.client-id and client-secret to correlate and enrich");
        }
    }

    /** Whether conversations are correlated and enriched at all. */
    boolean enabled() {
        return enabled;
    }

    @Override
    public void firstInboundText(Connection transaction, UUID conversationId, String genesysMessageId,
            Instant receivedAt) throws SQLException {
        if (!enabled) {
            return;
        }
        Timestamp now = Timestamp.from(Instant.now());
        try (PreparedStatement ps = transaction.prepareStatement("""
                insert into enrichment_job (conversation_id, first_message_id, first_echo_at, state, next_attempt_at,
                                            deadline_at, created_at)
                values (?, ?, ?, 'PENDING', ?, ?, ?) on conflict do nothing""")) {
            ps.setObject(1, conversationId);
            ps.setString(2, genesysMessageId);
            ps.setTimestamp(3, Timestamp.from(receivedAt));
            ps.setTimestamp(4, now);
            ps.setTimestamp(5, Timestamp.from(now.toInstant().plus(deadline)));
            ps.setTimestamp(6, now);
            ps.executeUpdate();
        }
    }

    @Override
    public void committed() {
        jobsQueued();
    }

    /** Wakes every waiting worker. */
    void jobsQueued() {
        lock.lock();
        try {
            generation++;
            queued.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Changes whenever this instance queues new jobs. */
    long generation() {
        lock.lock();
        try {
            return generation;
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
