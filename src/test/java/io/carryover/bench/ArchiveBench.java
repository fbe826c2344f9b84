package io.carryover.bench;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import io.vertx.core.Vertx;

/**
 * The archive phase: a flood upstream pushes Outbound messages at a fixed rate through a relay into PostgreSQL.
 * Reports ingest (offered, stored, sustained), the archive lag, drops and losses, WAL per stored message, CPU seconds of
 * the relay and of its PostgreSQL backends, and the PostgreSQL settings in effect.
 * <p>
 * Knobs: bench.archiveRate (20500), bench.archiveSeconds (300), bench.portBase and bench.dbPrefix as for every phase,
 * bench.archive.variants (relay flags per variant, {@code name=flags} separated by {@code ;}, e.g.
 * {@code "sync=;async=-Dcarryover.archive.synchronous-commit=false"}: each variant runs in turn, for
 * bench.archive.rounds (1) alternating rounds, each on a fresh database).
 */
final class ArchiveBench {

    private static final int FLOOD_PORT = Bench.PORT_BASE + 2;
    private static final int RELAY_PORT = Bench.PORT_BASE + 1;
    private static final String DB = "jdbc:postgresql://127.0.0.1:5432/";
    /** The relay starts cold for each variant: lag while the JIT compiles is reported apart. */
    private static final int WARM_UP_SECONDS = 30;
    private static final String QUERY = "?deploymentId=bench&application=bench";
    private static final List<String> SETTINGS = List.of("shared_buffers", "synchronous_commit", "wal_level",
            "max_wal_size", "checkpoint_timeout", "wal_compression", "fsync", "full_page_writes", "work_mem",
            "maintenance_work_mem", "gin_pending_list_limit", "autovacuum");

    private final Vertx vertx;
    private final Path jar;
    private final Consumer<String> out;
    private final String db = Bench.RELAY_DB;

    ArchiveBench(Vertx vertx, Path jar, Consumer<String> out) {
        this.vertx = vertx;
        this.jar = jar;
        this.out = out;
    }

    void run() throws Exception {
        int rate = Integer.getInteger("bench.archiveRate", 20_500);
        int seconds = Integer.getInteger("bench.archiveSeconds", 300);
        int rounds = Integer.getInteger("bench.archive.rounds", 1);
        List<String[]> variants = new ArrayList<>();
        for (String variant : System.getProperty("bench.archive.variants", "").split(";")) {
            if (!variant.isBlank()) {
                int eq = variant.indexOf('=');
                variants.add(new String[] { variant.substring(0, eq).trim(), variant.substring(eq + 1).trim() });
            }
        }
        if (variants.isEmpty()) {
            variants.add(new String[] { "default", "" });
        }
        out.accept("## Archive: " + rate + " msg/s offered for " + seconds + " s through Carryover");
        out.accept("");
        out.accept("PostgreSQL: " + settings() + ". WAL is the whole server's (other databases' writes count too).");
        out.accept("");
        for (int round = 1; round <= rounds; round++) {
            for (String[] variant : variants) {
                String load = Files.readString(Path.of("/proc/loadavg")).trim();
                String result = once(rate, seconds, variant[1]);
                out.accept(String.format(Locale.ROOT, "- %s%s (load average before: %s): %s",
                        variants.size() > 1 ? variant[0] : "", rounds > 1 ? " round " + round : "", load, result));
            }
        }
        out.accept("");
    }

    private String once(int rate, int seconds, String flags) throws Exception {
        Bench.recreateDatabase(db);
        List<String> properties = new ArrayList<>(List.of(
                "-Dcarryover.relay.upstream-url=ws://localhost:" + FLOOD_PORT + "/v1",
                "-Dquarkus.datasource.jdbc.url=" + DB + db));
        for (String flag : flags.split("\\s+")) {
            if (!flag.isBlank()) {
                properties.add(flag);
            }
        }
        try (FloodUpstream flood = new FloodUpstream(vertx, FLOOD_PORT);
             ServiceProcess relay = ServiceProcess.start("relay-archive", jar, RELAY_PORT, properties);
             GuestLoad load = new GuestLoad(vertx,
                     URI.create("ws://localhost:" + RELAY_PORT + "/v1" + QUERY))) {
            load.open(100, 100, micros -> { }, false);
            String walStart = walLsn();
            long checkpointsStart = checkpoints();
            java.util.Map<String, Long> threadsStart = threadTicks(relay.pid());
            java.util.Map<Long, Long> backendsStart = backendTicks();
            long generatorStart = cpuTicks(Path.of("/proc/self/stat"));
            CpuSteal steal = new CpuSteal();
            steal.begin();
            long start = System.nanoTime();
            flood.start(rate);
            double maxLag = 0;
            double maxLagWarm = 0;
            int samples = 0;
            int samplesOverOneSecond = 0;
            int samplesUnanswered = 0;
            LagSpikes spikes = new LagSpikes(); // when: to set beside the PostgreSQL log's checkpoints
            while (System.nanoTime() - start < seconds * 1_000_000_000L) {
                Thread.sleep(500);
                double lag;
                try {
                    lag = relay.metric("carryover_archive_lag_seconds", null);
                } catch (java.net.http.HttpTimeoutException unanswered) {
                    samplesUnanswered++; // a figure of the run: the saturated relay did not answer within 15 s
                    continue;
                }
                maxLag = Math.max(maxLag, lag);
                samples++;
                if (lag > 1) {
                    samplesOverOneSecond++;
                }
                spikes.sample((System.nanoTime() - start) / 1e9, lag);
                if (System.nanoTime() - start > WARM_UP_SECONDS * 1_000_000_000L) {
                    maxLagWarm = Math.max(maxLagWarm, lag);
                }
            }
            long sent = flood.stop();
            steal.end();
            long floodCheckpoints = checkpoints() - checkpointsStart;
            double sendSeconds = (System.nanoTime() - start) / 1e9;
            long storedDuringFlood = storedMessages();
            long stored = storedDuringFlood;
            long drainDeadline = System.nanoTime() + 120_000_000_000L;
            // Dropped records never arrive: stop waiting once the rest is stored.
            while (System.nanoTime() < drainDeadline && (stored = storedMessages())
                    + relay.metric("carryover_archive_dropped_total", null) < sent) {
                maxLag = Math.max(maxLag, relay.metric("carryover_archive_lag_seconds", null));
                Thread.sleep(250);
            }
            double totalSeconds = (System.nanoTime() - start) / 1e9;
            double dropped = relay.metric("carryover_archive_dropped_total", null);
            long wal = walBytesSince(walStart);
            double batches = relay.metric("carryover_archive_batch_write_seconds_count", null);
            double batchSeconds = relay.metric("carryover_archive_batch_write_seconds_sum", null);
            double batchRecords = relay.metric("carryover_archive_batch_records_sum", null);
            java.util.Map<String, Long> threads = threadTicks(relay.pid());
            threadsStart.forEach((group, ticks) -> threads.merge(group, -ticks, Long::sum));
            double relayCpu = threads.values().stream().mapToLong(Long::longValue).sum() / 100.0;
            long backendTicks = 0;
            for (var backend : backendTicks().entrySet()) {
                backendTicks += backend.getValue() - backendsStart.getOrDefault(backend.getKey(), 0L);
            }
            double backendCpu = backendTicks / 100.0;
            double generatorCpu = (cpuTicks(Path.of("/proc/self/stat")) - generatorStart) / 100.0;
            // The search index yields to the archive during a flood: how far behind it was, and what catching up took.
            double queuedIds = relay.metric("carryover_search_backlog_ids", null);
            long indexStart = System.nanoTime();
            java.util.Map<Long, Long> indexBackendsStart = backendTicks();
            long indexDeadline = indexStart + 900_000_000_000L;
            while (relay.metric("carryover_search_backlog_ids", null) > 0 && System.nanoTime() < indexDeadline) {
                Thread.sleep(1000);
            }
            double indexSeconds = (System.nanoTime() - indexStart) / 1e9;
            long indexTicks = 0;
            for (var backend : backendTicks().entrySet()) {
                indexTicks += backend.getValue() - indexBackendsStart.getOrDefault(backend.getKey(), 0L);
            }
            double indexedMessages = relay.metric("carryover_search_indexed_messages_total", null);
            String searchIndex = String.format(Locale.ROOT, " Search index: %.0f message ids still queued when the"
                    + " archive had stored the flood; %s %.0f s later (%.0f messages indexed in all; PostgreSQL %.1f"
                    + " CPU seconds meanwhile, %.0f µs per message).", queuedIds,
                    relay.metric("carryover_search_backlog_ids", null) > 0 ? "still not caught up" : "caught up",
                    indexSeconds, indexedMessages, indexTicks / 100.0,
                    indexTicks * 1e4 / Math.max(1, indexedMessages));
            StringBuilder byThread = new StringBuilder();
            threads.forEach((group, ticks) -> byThread.append(byThread.length() == 0 ? "" : ", ").append(group)
                    .append(' ').append(String.format(Locale.ROOT, "%.1f", ticks / 100.0)));
            return String.format(Locale.ROOT, "offered %d messages in %.1f s (%.0f msg/s); stored %d (%.0f msg/s "
                            + "sustained, %.0f msg/s during the flood, all stored %.1f s after it stopped); max "
                            + "archive lag %.2f s (%.2f s after the first %d s, the relay's warm-up; above 1 s in %d "
                            + "of %d half-second samples); dropped %.0f; lost %d; WAL %.0f bytes per stored message; CPU "
                            + "seconds from the flood's start: relay %.1f (%s), its PostgreSQL backends %.1f, "
                            + "load generator and flood upstream (this JVM) %.1f; per stored message %.0f µs relay, "
                            + "%.0f µs PostgreSQL; %.0f writer transactions, %.0f records and %.1f ms each on average "
                            + "(%.1f s in transactions in all).",
                    sent, sendSeconds, sent / sendSeconds, stored, stored / totalSeconds,
                    storedDuringFlood / sendSeconds, totalSeconds - sendSeconds, maxLag, maxLagWarm, WARM_UP_SECONDS,
                    samplesOverOneSecond, samples, dropped, sent - stored,
                    stored == 0 ? 0.0 : (double) wal / stored, relayCpu, byThread, backendCpu, generatorCpu,
                    relayCpu * 1e6 / Math.max(1, stored), backendCpu * 1e6 / Math.max(1, stored), batches,
                    batchRecords / Math.max(1, batches), batchSeconds * 1000 / Math.max(1, batches), batchSeconds)
                    + searchIndex + String.format(Locale.ROOT, " PostgreSQL checkpoints during the flood: %d.",
                    floodCheckpoints) + spikes.summary() + " Steal time during the flood: " + steal.describe() + "."
                    + (samplesUnanswered == 0 ? "" : String.format(Locale.ROOT, " Lag samples not"
                    + " answered within 15 s by the relay's /q/metrics: %d.", samplesUnanswered));
        }
    }

    private static String settings() throws Exception {
        try (Connection c = DriverManager.getConnection(DB + "postgres", "postgres", "");
             ResultSet rs = c.createStatement().executeQuery("select version(), "
                     + "string_agg(name || ' ' || current_setting(name), ', ' order by name) from pg_settings "
                     + "where name in ('" + String.join("','", SETTINGS) + "')")) {
            rs.next();
            return rs.getString(1).replaceAll(" on .*", "") + "; " + rs.getString(2);
        }
    }

    private String walLsn() throws Exception {
        try (Connection c = DriverManager.getConnection(DB + db, "postgres", "");
             ResultSet rs = c.createStatement().executeQuery("select pg_current_wal_lsn()::text")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Stretches of the flood with the lag above 1 s: from, to (seconds from the flood's start), highest lag. */
    private static final class LagSpikes {
        private final StringBuilder text = new StringBuilder();
        private double from = -1;
        private double to;
        private double highest;

        void sample(double at, double lag) {
            if (lag > 1) {
                from = from < 0 ? at : from;
                to = at;
                highest = Math.max(highest, lag);
            } else if (from >= 0) {
                close();
            }
        }

        private void close() {
            text.append(text.length() == 0 ? "" : ", ")
                    .append(String.format(Locale.ROOT, "%.0f–%.0f s (up to %.1f s)", from, to, highest));
            from = -1;
            highest = 0;
        }

        /** Closes a stretch still open at the flood's end: call once, after the last sample. */
        String summary() {
            if (from >= 0) {
                close();
            }
            return text.length() == 0 ? "" : " Lag above 1 s from the flood's start: " + text + ".";
        }
    }

    /** Checkpoints PostgreSQL has counted, timed (skipped ones included before 17) and requested. */
    private long checkpoints() throws Exception {
        try (Connection c = DriverManager.getConnection(DB + db, "postgres", "");
             ResultSet rs = c.createStatement().executeQuery(c.getMetaData().getDatabaseMajorVersion() >= 17
                     ? "select num_timed + num_requested from pg_stat_checkpointer"
                     : "select checkpoints_timed + checkpoints_req from pg_stat_bgwriter")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long walBytesSince(String lsn) throws Exception {
        try (Connection c = DriverManager.getConnection(DB + db, "postgres", "");
             ResultSet rs = c.createStatement().executeQuery(
                     "select pg_wal_lsn_diff(pg_current_wal_lsn(), '" + lsn + "')::bigint")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** CPU clock ticks of this database's backends (the relay's pool and the benchmark's own queries), by pid. */
    private java.util.Map<Long, Long> backendTicks() throws Exception {
        java.util.Map<Long, Long> ticks = new java.util.HashMap<>();
        try (Connection c = DriverManager.getConnection(DB + db, "postgres", "");
             ResultSet rs = c.createStatement().executeQuery(
                     "select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()")) {
            while (rs.next()) {
                ticks.put(rs.getLong(1), cpuTicks(Path.of("/proc", rs.getString(1), "stat")));
            }
        }
        return ticks;
    }

    /** The relay's CPU clock ticks by thread group (event loops, tap, writers, GC, JIT, other). */
    private static java.util.Map<String, Long> threadTicks(long pid) throws Exception {
        java.util.Map<String, Long> groups = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                String name;
                try {
                    name = Files.readString(task.resolve("comm")).trim();
                } catch (Exception gone) {
                    continue;
                }
                String group = name.startsWith("vert.x-eventloo") ? "event loops"
                        : name.startsWith("carryover-tap") ? "tap"
                        : name.startsWith("carryover-archi") ? "writers"
                        : name.startsWith("carryover-searc") ? "search indexer"
                        : name.startsWith("G1") || name.startsWith("GC") || name.startsWith("VM Thread") ? "GC/VM"
                        : name.startsWith("C1") || name.startsWith("C2") ? "JIT" : "other";
                groups.merge(group, cpuTicks(task.resolve("stat")), Long::sum);
            }
        }
        return groups;
    }

    /** User + system clock ticks (USER_HZ, 100 on Linux) of a process, 0 once it is gone. */
    private static long cpuTicks(Path statFile) {
        try {
            String stat = Files.readString(statFile);
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (Exception gone) {
            return 0;
        }
    }

    private long storedMessages() throws Exception {
        try (Connection c = DriverManager.getConnection(DB + db, "postgres", "");
             ResultSet rs = c.createStatement().executeQuery("select count(*) from message")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
