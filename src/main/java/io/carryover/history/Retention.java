package io.carryover.history;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Deletes what is older than {@code carryover.history.retention}, in batches of short transactions. Every batch
 * claims its rows with {@code for update skip locked}, so every replica can run the job at the same moment: none
 * waits for another or deletes (and counts) a row twice, and rows a writer holds are left for the next run.
 *
 * <p>Not audited per customer (a run touches thousands, and the audit log is per request): each run is one log
 * line with its counts and the {@code carryover_history_retention_deleted_total{table}} counters.
 *
 * <p>Native SQL: one statement per batch deletes the conversations with their rows in every child table and
 * returns the counts; HQL has neither {@code skip locked} nor data-modifying common table expressions.
 */
@ApplicationScoped
public class Retention {

    private static final Logger LOG = Logger.getLogger(Retention.class);

    /** Rows deleted by one run, per table. */
    public record Counts(Map<String, Long> deleted) {
        long of(String table) {
            return deleted.getOrDefault(table, 0L);
        }
    }

    private final HistoryConfig config;
    private final EntityManager em;
    private final MeterRegistry registry;

    Retention(HistoryConfig config, EntityManager em, MeterRegistry registry) {
        this.config = config;
        this.em = em;
        this.registry = registry;
    }

    @Scheduled(every = "${carryover.history.retention-interval:1h}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        config.retention().ifPresent(window -> {
            try {
                run(Instant.now().minus(window), config.retentionBatchSize());
            } catch (RuntimeException e) {
                // The rows stay for the next run; nothing half done (each batch is its own transaction).
                LOG.warnf("retention run failed: %s", e.getClass().getSimpleName());
            }
        });
    }

    /** Deletes everything that ended before {@code cutoff}, {@code batchSize} conversations per transaction. */
    public Counts run(Instant cutoff, int batchSize) {
        long started = System.nanoTime();
        Map<String, Long> deleted = new LinkedHashMap<>();
        for (String table : Erasure.TABLES) {
            deleted.put(table, 0L);
        }
        long batch;
        do {
            Object[] row = QuarkusTransaction.requiringNew().call(() -> conversations(cutoff, batchSize));
            batch = number(row[0]);
            add(deleted, "conversation", batch);
            add(deleted, "message", number(row[1]));
            add(deleted, "enrichment_job", number(row[2]));
            add(deleted, "conversation_summary", number(row[3]));
            add(deleted, "identity_link", number(row[4]));
        } while (batch >= batchSize);
        do {
            batch = QuarkusTransaction.requiringNew().call(() -> sessions(cutoff, batchSize));
            add(deleted, "guest_session", batch);
        } while (batch >= batchSize);
        do {
            batch = QuarkusTransaction.requiringNew().call(() -> customers(cutoff, batchSize));
            add(deleted, "customer", batch);
        } while (batch >= batchSize);
        deleted.forEach((table, rows) -> registry.counter("carryover.history.retention.deleted", "table", table)
                .increment(rows));
        LOG.infof("retention: deleted %s (ended before %s) in %d ms", deleted, cutoff,
                Duration.ofNanos(System.nanoTime() - started).toMillis());
        return new Counts(deleted);
    }

    /**
     * One batch of conversations past the window: ended ones by their end, active ones (whose end Carryover may
     * never see, e.g. a dropped connection) by their last message, so a long conversation still in use stays.
     */
    private Object[] conversations(Instant cutoff, int batchSize) {
        return (Object[]) em.createNativeQuery("""
                with doomed as materialized (
                    select c.id from conversation c
                    where coalesce(c.ended_at, c.started_at) < :cutoff
                      and (c.state <> 'ACTIVE'
                           or coalesce((select max(coalesce(m.channel_time, m.received_at)) from message m
                                        where m.conversation_id = c.id), c.started_at) < :cutoff)
                    limit :batch
                    for update of c skip locked),
                links as (delete from identity_link where conversation_id in (select id from doomed) returning 1),
                messages as (delete from message where conversation_id in (select id from doomed) returning 1),
                jobs as (delete from enrichment_job where conversation_id in (select id from doomed) returning 1),
                summaries as (delete from conversation_summary where conversation_id in (select id from doomed)
                              returning 1),
                current as (update guest_session set current_conversation_id = null
                            where id in (select s.id from guest_session s
                                         where s.current_conversation_id in (select id from doomed)
                                         for update skip locked)
                            returning 1),
                conversations as (delete from conversation where id in (select id from doomed) returning 1)
                select (select count(*) from conversations), (select count(*) from messages),
                       (select count(*) from jobs), (select count(*) from summaries), (select count(*) from links),
                       (select count(*) from current)""")
                .setParameter("cutoff", cutoff).setParameter("batch", batchSize).getSingleResult();
    }

    /** Guest sessions left without conversations or link records, and not seen within the window. */
    private long sessions(Instant cutoff, int batchSize) {
        return em.createNativeQuery("""
                delete from guest_session where id in (
                    select s.id from guest_session s
                    where s.last_seen_at < :cutoff
                      and not exists (select 1 from conversation c where c.session_id = s.id)
                      and not exists (select 1 from identity_link l where l.from_session_id = s.id)
                      and not exists (select 1 from identity_link l where l.to_session_id = s.id)
                    limit :batch
                    for update skip locked)""")
                .setParameter("cutoff", cutoff).setParameter("batch", batchSize).executeUpdate();
    }

    /** Customers left with nothing at all. */
    private long customers(Instant cutoff, int batchSize) {
        return em.createNativeQuery("""
                delete from customer where id in (
                    select u.id from customer u
                    where u.created_at < :cutoff
                      and not exists (select 1 from guest_session s where s.customer_id = u.id)
                      and not exists (select 1 from conversation c where c.customer_id = u.id)
                      and not exists (select 1 from identity_link l where l.from_customer_id = u.id)
                      and not exists (select 1 from identity_link l where l.to_customer_id = u.id)
                    limit :batch
                    for update skip locked)""")
                .setParameter("cutoff", cutoff).setParameter("batch", batchSize).executeUpdate();
    }

    private static void add(Map<String, Long> deleted, String table, long rows) {
        deleted.merge(table, rows, Long::sum);
    }

    private static long number(Object value) {
        return ((Number) value).longValue();
    }
}
