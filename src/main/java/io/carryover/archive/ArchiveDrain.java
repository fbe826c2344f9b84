package io.carryover.archive;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.ShutdownEvent;

/**
 * The archive's shutdown step: after the relay stopped accepting connections, before the enrichment workers release
 * their leases. The search indexer starts no new run (its writes would compete with the drain), frames already copied
 * are parsed, then the buffer is written, all within one drain timeout, and the step returns only when nothing of the
 * archive is still running.
 */
@ApplicationScoped
class ArchiveDrain {

    /** After the relay (its pre-shutdown step), before the outbox releases its leases (30). */
    static final int PRIORITY = 10;

    private final ArchiveConfig config;
    private final ArchiveTap tap;
    private final ArchiveWriter writer;
    private final SearchIndexer indexer;

    ArchiveDrain(ArchiveConfig config, ArchiveTap tap, ArchiveWriter writer, SearchIndexer indexer) {
        this.config = config;
        this.tap = tap;
        this.writer = writer;
        this.indexer = indexer;
    }

    void drain(@Observes @Priority(PRIORITY) ShutdownEvent event) {
        long deadline = System.nanoTime() + config.drainTimeout().toNanos();
        indexer.stopRuns();
        tap.stop(deadline);
        writer.stop(deadline);
        indexer.awaitStopped(deadline);
    }
}
