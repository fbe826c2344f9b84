package io.carryover.archive;

import java.time.Duration;

/** An {@link ArchiveConfig} for a writer built by hand: the search indexer's settings are not the writer's. */
abstract class WriterConfig implements ArchiveConfig {

    @Override
    public Duration searchIndexInterval() {
        throw new UnsupportedOperationException("not a writer setting");
    }

    @Override
    public int searchIndexChunk() {
        throw new UnsupportedOperationException("not a writer setting");
    }

    @Override
    public Duration searchIndexYieldLag() {
        throw new UnsupportedOperationException("not a writer setting");
    }

    @Override
    public int searchIndexYieldRate() {
        throw new UnsupportedOperationException("not a writer setting");
    }
}
