package io.carryover.archive;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "carryover.archive")
public interface ArchiveConfig {

    /** Records that may wait for PostgreSQL (e.g. while it is down) before new ones are dropped and counted. */
    @WithDefault("200000")
    int bufferCapacity();

    /** Most records written in one transaction. */
    @WithDefault("2000")
    int batchSize();

    /** Frames per connection partition waiting to be parsed; beyond that copies are dropped and counted. */
    @WithDefault("50000")
    int tapQueueCapacity();

    /** Longest pause between retries while PostgreSQL is unreachable. */
    @WithDefault("5s")
    Duration maxRetryBackoff();

    /** On shutdown, how long to keep writing what is buffered. */
    @WithDefault("10s")
    Duration drainTimeout();
}
