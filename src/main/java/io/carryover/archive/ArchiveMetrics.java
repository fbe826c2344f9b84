package io.carryover.archive;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** Archive counters; every drop is counted and logged (at most once a minute per cause, never with content). */
@Singleton
class ArchiveMetrics {

    private static final Logger LOG = Logger.getLogger(ArchiveMetrics.class);
    private static final long LOG_EVERY_NANOS = 60_000_000_000L;

    private final MeterRegistry registry;
    final Counter written;
    final Counter duplicates;
    final Counter writeFailures;
    /** One committed batch: its transaction's time, and its size in records (where the writers' time goes). */
    final Timer batchWrite;
    final DistributionSummary batchRecords;
    private final Counter droppedTap;
    private final Counter droppedParse;
    private final Counter droppedBuffer;
    private final Counter droppedRejected;
    private final Counter droppedErased;
    private final Counter unverified;
    private volatile long lastDropLog;

    ArchiveMetrics(MeterRegistry registry) {
        this.registry = registry;
        written = registry.counter("carryover.archive.messages.written");
        duplicates = registry.counter("carryover.archive.messages.duplicates");
        writeFailures = registry.counter("carryover.archive.write.failures");
        batchWrite = registry.timer("carryover.archive.batch.write");
        batchRecords = registry.summary("carryover.archive.batch.records");
        droppedTap = registry.counter("carryover.archive.dropped", "stage", "tap");
        droppedParse = registry.counter("carryover.archive.dropped", "stage", "parse");
        droppedBuffer = registry.counter("carryover.archive.dropped", "stage", "buffer");
        droppedRejected = registry.counter("carryover.archive.dropped", "stage", "rejected");
        droppedErased = registry.counter("carryover.archive.dropped", "stage", "erased");
        unverified = registry.counter("carryover.archive.sessions.unverified");
    }

    void unparsable(String direction) {
        registry.counter("carryover.archive.frames.unparsable", "direction", direction).increment();
    }

    void upstreamError(int code) {
        registry.counter("carryover.archive.upstream.errors", "code", Integer.toString(code)).increment();
    }

    void unverifiedAuthenticatedSession() {
        unverified.increment();
        LOG.info("configureAuthenticatedSession without a verified identity: relayed, not archived");
    }

    void droppedAtTap() {
        droppedTap.increment();
        logDrop("tap queue full");
    }

    /** A fault of ours while parsing a frame (malformed frames are {@link #unparsable}): its records are lost. */
    void droppedAtParse(Throwable fault) {
        droppedParse.increment();
        logDrop("parse failed (" + fault.getClass().getName() + ")");
    }

    void droppedAtBuffer() {
        droppedBuffer.increment();
        logDrop("archive buffer full (is PostgreSQL down?)");
    }

    /** PostgreSQL refused the record itself (the writer already logged why). */
    void rejectedByDatabase() {
        droppedRejected.increment();
    }

    /** Records of connections opened before their customer was erased: dropped on purpose, not logged as a fault. */
    void droppedAsErased(int records) {
        if (records > 0) {
            droppedErased.increment(records);
        }
    }

    private void logDrop(String cause) {
        long now = System.nanoTime();
        if (now - lastDropLog > LOG_EVERY_NANOS) {
            lastDropLog = now;
            LOG.errorf("archive record dropped: %s; see carryover_archive_dropped_total", cause);
        }
    }
}
