package io.carryover.archive;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * Turns the queued id ranges of {@code search_backlog} (V9) into stored text-search vectors, off the archive writer's
 * transaction: updating the GIN index there was about half of PostgreSQL's cost per archived message. Yields while the
 * archive lags or the cluster stores a flood ({@link StoreRate}), so a flood is stored first and indexed afterwards;
 * searches stay complete meanwhile (they match queued messages on the fly). Every replica runs it: each claims a
 * queued range with {@code skip locked}.
 *
 * <p>It runs on its own thread, {@code search-index-interval} after its previous run ended, not as a Quarkus
 * {@code @Scheduled} job: Quarkus's scheduler looks for due jobs once a second, on the second, so a 0.2 s interval ran
 * once a second with the whole second's messages in one piece.
 *
 * <p>Lock order: the conversations of a chunk are locked ({@code for key share}, by id) before their vectors are
 * inserted. Erasure and retention take a conversation ({@code for update}) before deleting its messages, so the two
 * meet at the conversation row and never wait on each other in a cycle at the message rows.
 */
@ApplicationScoped
public class SearchIndexer {

    private static final Logger LOG = Logger.getLogger(SearchIndexer.class);

    private static final int CLAIM_AT_ONCE = 200;
    static final String CLAIM = """
            select id, after_id, through_id from search_backlog order by id limit ? for update skip locked""";
    // Both statements read the chunk first, by primary key range (materialized): with the conversations' ids as an
    // index condition the planner chose the conversation index and read every message of them (1 s per chunk, measured).
    static final String LOCK_CONVERSATIONS = """
            with chunk as materialized (
                select distinct conversation_id from message where id > ? and id <= ? and text is not null)
            select c.id from conversation c join chunk on c.id = chunk.conversation_id order by c.id for key share of c""";
    static final String INDEX = """
            with chunk as materialized (
                select id, conversation_id, text from message where id > ? and id <= ? and text is not null)
            insert into message_search (message_id, vector)
            select chunk.id, to_tsvector((select configuration from search_index), chunk.text) from chunk
            where chunk.conversation_id = any(?)
            on conflict (message_id) do nothing""";
    /**
     * For the gauges, by primary key (oldest and newest queued range): an aggregate read every dead row, and with
     * autovacuum off the queue keeps the dead rows of every range indexed (6 ms a read after a benchmark's minutes).
     * And the last message id taken, by any replica: how fast it grows is the cluster's store rate.
     */
    static final String BACKLOG = """
            select greatest(coalesce((select through_id from search_backlog order by id desc limit 1)
                                     - oldest.after_id, 0), 0),
                   coalesce(extract(epoch from now() - oldest.queued_at), 0),
                   (select last_value from message_id_seq)
            from (select 1) one
            left join lateral (select after_id, queued_at from search_backlog order by id limit 1) oldest on true""";

    private final DataSource dataSource;
    private final ArchiveWriter writer;
    private final ArchiveConfig config;
    private final Counter indexed;
    private final AtomicLong backlogIds = new AtomicLong();
    private final StoreRate storeRate = new StoreRate();
    private volatile double storedPerSecond;
    private volatile boolean yielding;
    private volatile long floodSince;
    private volatile boolean inFlood;
    private volatile boolean floodLogged;
    private volatile double lagSeconds;
    private volatile boolean stopping;
    private volatile long backoffMillis;
    private volatile long pausedUntil = System.nanoTime();
    private volatile long backlogReadAt = System.nanoTime() - 2_000_000_000L;
    private final AtomicLong runs = new AtomicLong();
    private ScheduledExecutorService timer;

    SearchIndexer(DataSource dataSource, ArchiveWriter writer, ArchiveConfig config, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.writer = writer;
        this.config = config;
        this.indexed = registry.counter("carryover.search.indexed.messages");
        registry.gauge("carryover.search.backlog.ids", backlogIds);
        registry.gauge("carryover.search.lag.seconds", this, indexer -> indexer.lagSeconds);
        registry.gauge("carryover.search.yielding", this, indexer -> indexer.yielding ? 1 : 0);
    }

    void start(@Observes StartupEvent event) {
        long interval = config.searchIndexInterval().toNanos();
        if (interval <= 0) {
            return; // indexed by hand (tests)
        }
        timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "carryover-search-indexer");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::scheduled, interval, interval, TimeUnit.NANOSECONDS);
    }

    /** Shutdown, first step (before the archive drains): no new run, and the one under way ends after its chunk. */
    void stopRuns() {
        stopping = true;
        if (timer != null) {
            timer.shutdown();
        }
    }

    /** Shutdown, last step: waits for the run under way until {@code deadline}; an unfinished chunk stays queued. */
    void awaitStopped(long deadline) {
        if (timer == null) {
            return;
        }
        try {
            if (!timer.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                LOG.warn("search index: a run was still under way at the end of the drain timeout; its chunk stays"
                        + " queued");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs started, by the timer or by hand. */
    long runs() {
        return runs.get();
    }

    void scheduled() {
        runs.incrementAndGet();
        if (System.nanoTime() - pausedUntil < 0) {
            return;
        }
        try {
            do {
                if (System.nanoTime() - backlogReadAt > 1_000_000_000L) {
                    refreshBacklog();
                    backlogReadAt = System.nanoTime();
                }
            } while (!stopping && !decideToYield() && indexNext()); // a chunk per transaction, until none is queued
            if (backoffMillis > 0) {
                LOG.info("search index: indexing again");
                backoffMillis = 0;
            }
        } catch (SQLException e) {
            backOff("SQLState " + e.getSQLState());
        } catch (RuntimeException | Error e) {
            // Caught too: a task that throws is never run again by its executor. Named by class and place, never by
            // its message, which may quote a message's text.
            StackTraceElement[] at = e.getStackTrace();
            backOff(e.getClass().getName() + (at.length == 0 ? "" : " at " + at[0]));
        }
    }

    /**
     * Nothing is lost: an unfinished chunk stays queued. Retried with backoff, as the writer does: asking the pool at
     * every run during an outage kept other callers waiting for connections.
     */
    private void backOff(String cause) {
        if (backoffMillis == 0) {
            LOG.warnf("search index: chunk not indexed (%s); retried with backoff", cause);
        }
        backoffMillis = Math.min(Math.max(1000, backoffMillis * 2), config.maxRetryBackoff().toMillis());
        pausedUntil = System.nanoTime() + backoffMillis * 1_000_000;
    }

    /**
     * Sets {@link #yielding}: true while this replica's archive lags or the cluster stores a flood. Searches stay
     * complete meanwhile; a flood that never ends is logged once, after five minutes.
     */
    private boolean decideToYield() {
        int yieldRate = config.searchIndexYieldRate();
        boolean flood = yieldRate > 0 && storedPerSecond > yieldRate;
        if (flood && !inFlood) {
            floodSince = System.nanoTime();
            floodLogged = false;
        } else if (flood && !floodLogged && System.nanoTime() - floodSince > 300_000_000_000L) {
            LOG.warnf("search index: waiting for 5 minutes while the cluster stores %.0f messages a second (above"
                    + " search-index-yield-rate %d); searches parse the queued messages meanwhile", storedPerSecond,
                    yieldRate);
            floodLogged = true;
        }
        inFlood = flood;
        yielding = flood || writer.lagSeconds() > config.searchIndexYieldLag().toMillis() / 1000.0;
        return yielding;
    }

    /**
     * Indexes the oldest unclaimed queued ranges in one transaction: as many as fit together in
     * {@code search-index-chunk} ids (a quiet relay queues a small range per writer batch, dozens a second), or the
     * first {@code search-index-chunk} ids of a longer one. False when nothing is queued.
     */
    public boolean indexNext() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                ArchiveWriter.beginBatch(connection, true); // every statement below is driven by a primary key range
                List<Long> claimed = new ArrayList<>();
                long after = 0;
                long through = 0;
                try (PreparedStatement ps = connection.prepareStatement(CLAIM)) {
                    ps.setInt(1, CLAIM_AT_ONCE);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            long rangeAfter = rs.getLong(2);
                            long rangeThrough = rs.getLong(3);
                            if (claimed.isEmpty()) {
                                after = rangeAfter;
                                through = rangeThrough;
                            } else if (Math.max(through, rangeThrough) - Math.min(after, rangeAfter)
                                    <= config.searchIndexChunk()) {
                                after = Math.min(after, rangeAfter);
                                through = Math.max(through, rangeThrough);
                            } else {
                                break; // claimed but left as it is: the lock ends with this transaction
                            }
                            claimed.add(rs.getLong(1));
                        }
                    }
                }
                if (claimed.isEmpty()) {
                    connection.commit();
                    return false;
                }
                long upTo = Math.min(through, after + config.searchIndexChunk());
                List<UUID> conversations = new ArrayList<>();
                try (PreparedStatement ps = connection.prepareStatement(LOCK_CONVERSATIONS)) {
                    ps.setLong(1, after);
                    ps.setLong(2, upTo);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            conversations.add(rs.getObject(1, UUID.class));
                        }
                    }
                }
                if (!conversations.isEmpty()) {
                    try (PreparedStatement ps = connection.prepareStatement(INDEX)) {
                        Array locked = connection.createArrayOf("uuid", conversations.toArray());
                        ps.setLong(1, after);
                        ps.setLong(2, upTo);
                        ps.setArray(3, locked);
                        indexed.increment(ps.executeUpdate());
                    }
                }
                if (upTo == through) {
                    try (PreparedStatement ps = connection.prepareStatement(
                            "delete from search_backlog where id = any(?)")) {
                        ps.setArray(1, connection.createArrayOf("bigint", claimed.toArray()));
                        ps.executeUpdate();
                    }
                } else { // one long range, partly done
                    try (PreparedStatement ps = connection.prepareStatement(
                            "update search_backlog set after_id = ? where id = ?")) {
                        ps.setLong(1, upTo);
                        ps.setLong(2, claimed.get(0));
                        ps.executeUpdate();
                    }
                }
                connection.commit();
                return true;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private void refreshBacklog() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement ps = connection.prepareStatement(BACKLOG);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            backlogIds.set(rs.getLong(1));
            lagSeconds = rs.getDouble(2);
            storedPerSecond = storeRate.update(rs.getLong(3), System.nanoTime());
        }
    }
}
