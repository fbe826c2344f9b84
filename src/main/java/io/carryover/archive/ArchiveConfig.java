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

    /**
     * How long a writer waits to fill a batch that is not full, trading this much archive lag for fewer, larger
     * transactions when traffic is light (0: write whatever is buffered at once).
     */
    @WithDefault("20ms")
    Duration batchLinger();

    /**
     * Writer threads, each with its own connection and a share of the buffer. A thread token's records always go to
     * the same one, so each conversation is written in order.
     */
    @WithDefault("2")
    int writers();

    /**
     * Whether an archive batch's commit waits for its WAL to reach disk. Off, a PostgreSQL crash (not a clean stop)
     * can lose the batches committed in the last moments before it (up to three times wal_writer_delay, 600 ms by
     * default), although the writer counted them as stored; README, "When things go wrong".
     */
    @WithDefault("true")
    boolean synchronousCommit();

    /** Frames per connection partition waiting to be parsed; beyond that copies are dropped and counted. */
    @WithDefault("50000")
    int tapQueueCapacity();

    /** Longest pause between retries while PostgreSQL is unreachable. */
    @WithDefault("5s")
    Duration maxRetryBackoff();

    /** On shutdown, how long to keep writing what is buffered. */
    @WithDefault("10s")
    Duration drainTimeout();

    /**
     * How long each replica's search indexer waits after a run before it looks for queued messages again. Short, so
     * that the index work comes in small pieces: once a second, its bursts on a shared core showed in the relay's p99.
     * 0 (tests only) switches the timer off: nothing would index the queue, and searches would slow down as it grows.
     */
    @WithDefault("0.2s")
    Duration searchIndexInterval();

    /** Most message ids indexed in one transaction. */
    @WithDefault("5000")
    int searchIndexChunk();

    /**
     * Above this archive lag the search index waits: storing comes first, and a search still finds messages not yet
     * indexed (at a higher cost).
     */
    @WithDefault("250ms")
    Duration searchIndexYieldLag();

    /**
     * While the cluster (every replica) stores more messages a second than this, the search index waits too (0 or
     * less: never): a flood is stored first. A contact center's steady load is a small fraction of it (10,000 open
     * chats at 0.05 msg/s: 500).
     */
    @WithDefault("5000")
    int searchIndexYieldRate();
}
