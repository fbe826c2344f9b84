package io.carryover.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Enrichment under a flood of hopeless jobs (issue "Trust", section 4): two replicas at the default settings share one
 * database and one sandbox. A burst of new conversations whose first message the Platform never knows (another org's
 * deployment, a misrouted region) lands in the outbox, then returning customers arrive on the other replica one every
 * 2 s; each one's PATCH should land within seconds, and the Platform should never answer 429. Then the first replica
 * restarts with that backlog all due at once (as after a longer stop), and the customers come again.
 */
final class StarvationRun {

    private static final long CUSTOMER_EVERY_MS = 2000;
    private static final long WAIT_FOR_PATCHES_MS = 60_000;

    /** Restarts the first replica; the backlog is made due while it is down. */
    interface Restart {
        void run(Runnable whileDown) throws Exception;
    }

    private final String database;
    private final EnrichmentRun secondReplica;
    private final Consumer<String> report;

    StarvationRun(String database, EnrichmentRun secondReplica, Consumer<String> report) {
        this.database = database;
        this.secondReplica = secondReplica;
        this.report = report;
    }

    void run(int hopeless, int customers, Restart restartFirst) throws Exception {
        secondReplica.customer(-1); // warm-up: first token, JIT
        insertHopeless(hopeless);
        measure("burst of " + hopeless + " hopeless new conversations", customers, 0);
        restartFirst.run(this::makeBacklogDue);
        measure("replica 1 restarted with that backlog, all due at once", customers, 1000);
        JsonNode log = secondReplica.get("/sandbox/api/platform/requests");
        Map<String, Integer> calls = new TreeMap<>();
        for (JsonNode request : log) {
            calls.merge(request.path("endpoint").asText() + " " + request.path("status").asText(), 1, Integer::sum);
        }
        report.accept("Platform requests in the sandbox log (endpoint status: count; the log keeps the last 10,000): "
                + calls + ".");
        report.accept(String.format(Locale.ROOT, "Hopeless jobs: %s; Platform calls per hopeless job so far: %.1f.",
                hopelessStates(), hopelessCalls(log) / (double) hopeless));
    }

    private void measure(String label, int customers, int firstCustomer) throws Exception {
        Instant start = Instant.now();
        ExecutorService arrivals = Executors.newFixedThreadPool(4);
        List<Future<?>> arrived = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < customers; i++) {
            long due = t0 + i * CUSTOMER_EVERY_MS * 1_000_000;
            Thread.sleep(Math.max(0, (due - System.nanoTime()) / 1_000_000));
            int n = firstCustomer + i;
            arrived.add(arrivals.submit(() -> {
                secondReplica.customer(n);
                return null;
            }));
        }
        for (Future<?> f : arrived) {
            f.get();
        }
        arrivals.shutdown();
        long deadline = System.currentTimeMillis() + WAIT_FOR_PATCHES_MS;
        while (System.currentTimeMillis() < deadline && patchedSince(start).size() < customers) {
            Thread.sleep(250);
        }
        List<Double> ms = patchedSince(start);
        long throttled = 0;
        for (JsonNode request : secondReplica.get("/sandbox/api/platform/requests?since=" + start.toEpochMilli())) {
            throttled += request.path("status").asInt() == 429 ? 1 : 0;
        }
        report.accept(String.format(Locale.ROOT, "- %s, then %d returning customers one every 2 s on replica 2: "
                + "%d patched (waited up to %d s after the last); first echo → PATCH p50 %.0f ms, p99 %.0f ms, "
                + "max %.0f ms; the Platform answered 429 %d times.", label, customers, ms.size(),
                WAIT_FOR_PATCHES_MS / 1000, percentile(ms, 50), percentile(ms, 99),
                ms.isEmpty() ? Double.NaN : ms.get(ms.size() - 1), throttled));
    }

    /** Conversations of (fictitious) other-org guests: jobs whose first message no Platform lookup will find. */
    private void insertHopeless(int count) throws Exception {
        try (Connection c = connect()) {
            c.createStatement().execute(String.format(Locale.ROOT, """
                    with ids as (select gen_random_uuid() as customer, gen_random_uuid() as session,
                                        gen_random_uuid() as conversation from generate_series(1, %d)),
                         customers as (insert into customer (id, issuer, subject, created_at)
                                       select customer, 'urn:carryover:guest', customer::text, now() from ids),
                         sessions as (insert into guest_session (id, deployment_id, token_hash, customer_id,
                                                                 created_at, last_seen_at)
                                      select session, 'other-org', md5(session::text) || md5(customer::text),
                                             customer, now(), now() from ids),
                         conversations as (insert into conversation (id, deployment_id, customer_id, session_id,
                                                                     started_at, state)
                                           select conversation, 'other-org', customer, session, now(), 'ACTIVE'
                                           from ids)
                    insert into enrichment_job (conversation_id, first_message_id, first_echo_at, state,
                                                next_attempt_at, deadline_at, created_at)
                    select conversation, 'other-org-' || conversation, now(), 'PENDING', now(),
                           now() + interval '10 minutes', now() from ids""", count));
        }
    }

    private void makeBacklogDue() {
        try (Connection c = connect()) {
            c.createStatement().execute("update enrichment_job set next_attempt_at = now() where state = 'PENDING'");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Milliseconds from first echo to completed PATCH of the returning customers' jobs since {@code start}, sorted. */
    private List<Double> patchedSince(Instant start) throws Exception {
        List<Double> ms = new ArrayList<>();
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("""
                select extract(epoch from completed_at - first_echo_at) * 1000 from enrichment_job
                where outcome = 'patched' and first_echo_at >= ? order by 1""")) {
            ps.setTimestamp(1, Timestamp.from(start));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ms.add(rs.getDouble(1));
                }
            }
        }
        return ms;
    }

    private Map<String, Integer> hopelessStates() throws Exception {
        Map<String, Integer> states = new TreeMap<>();
        try (Connection c = connect(); ResultSet rs = c.createStatement().executeQuery("""
                select j.state || coalesce('/' || j.outcome, ''), count(*) from enrichment_job j
                join conversation c on c.id = j.conversation_id where c.deployment_id = 'other-org' group by 1""")) {
            while (rs.next()) {
                states.put(rs.getString(1), rs.getInt(2));
            }
        }
        return states;
    }

    private static long hopelessCalls(JsonNode log) {
        long calls = 0;
        for (JsonNode request : log) {
            String[] path = request.path("path").asText().split("/");
            if (path.length >= 2 && path[path.length - 2].startsWith("other-org-")) {
                calls++;
            }
        }
        return calls;
    }

    private static double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private Connection connect() throws Exception {
        return DriverManager.getConnection(database, "postgres", "");
    }
}
