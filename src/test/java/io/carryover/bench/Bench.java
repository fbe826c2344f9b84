package io.carryover.bench;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.HdrHistogram.Histogram;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/**
 * Carryover's benchmark: {@code ./mvnw -B -Pbench verify}. Runs the packaged service in separate JVMs on this machine
 * and reports, in one run: relay latency against a direct-to-sandbox baseline, memory with many idle sessions, and
 * archive throughput. Knobs (system properties): bench.sessions (1000), bench.seconds (60), bench.idle (10000, capped
 * by the open-file limit), bench.archiveRate (20000), bench.archiveSeconds (30), bench.nginx (an nginx binary: also
 * measure nginx proxying to the sandbox, as the reference proxy), bench.target (another WebSocket URL to measure
 * alongside), bench.hopeless (1000: the starvation phase's burst of conversations the Platform never knows),
 * bench.portBase (18090) and bench.dbSuffix (empty), so that two benchmarks can run on one machine. The latency phase
 * also reports the relay JVM's allocation per relayed frame and GC pauses ({@link RelayCounters}).
 * The History API phase ({@code -Dbench.phases=history}, not in the default list: its seed takes long) has its own
 * knobs, see {@link HistoryBench}; so has the agent page's ({@code -Dbench.phases=agent-page}, a browser), see
 * {@link AgentPageBench}.
 */
public final class Bench {

    /** {@code -Dbench.portBase=}: lets two benchmarks run on one machine (each service also uses its port + 1000). */
    static final int PORT_BASE = Integer.getInteger("bench.portBase", 18090);
    private static final int SANDBOX_PORT = PORT_BASE;
    private static final int RELAY_PORT = PORT_BASE + 1;
    private static final int NGINX_PORT = PORT_BASE + 3;
    private static final int RELAY_2_PORT = PORT_BASE + 4;
    /** {@code -Dbench.dbSuffix=}: appended to the bench databases' names, for the same reason. */
    static final String DB_SUFFIX = System.getProperty("bench.dbSuffix", "");
    private static final String DB = "jdbc:postgresql://127.0.0.1:5432/";
    private static final String QUERY = "?deploymentId=bench&application=bench";

    private final List<String> report = new ArrayList<>();

    /** Arguments: the production artefact (the relay under test), then the sandbox-enabled one (its upstream). */
    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        Path sandboxJar = Path.of(args[1]);
        new Bench().run(jar, sandboxJar);
    }

    private void run(Path jar, Path sandboxJar) throws Exception {
        List<String> phases = List.of(System.getProperty("bench.phases", "latency,memory,archive,enrich,starvation").split(","));
        line("# Carryover benchmark, " + LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME));
        line("");
        line("Machine: " + machine());
        line("Service JVMs: " + String.join(" ", ServiceProcess.JVM_FLAGS) + " (Java " + System.getProperty("java.version")
                + "); load generator, sandbox, relay and PostgreSQL share this machine.");
        line("");

        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        try {
            if (phases.contains("latency") || phases.contains("memory")) {
                recreateDatabase("bench_sandbox" + DB_SUFFIX);
                recreateDatabase("bench_relay" + DB_SUFFIX);
                try (ServiceProcess sandbox = ServiceProcess.start("sandbox", sandboxJar, SANDBOX_PORT, List.of(
                        "-Dquarkus.profile=demo", "-Dcarryover.sandbox.agent-auto-reply=false",
                        "-Dcarryover.sandbox.base-url=http://localhost:" + SANDBOX_PORT,
                        "-Dquarkus.datasource.jdbc.url=" + DB + "bench_sandbox" + DB_SUFFIX));
                     ServiceProcess relay = ServiceProcess.start("relay", jar, RELAY_PORT, List.of(
                        "-Dcarryover.relay.upstream-url=ws://localhost:" + SANDBOX_PORT + "/sandbox/guest/v1",
                        "-Dquarkus.datasource.jdbc.url=" + DB + "bench_relay" + DB_SUFFIX))) {
                    URI viaRelay = URI.create("ws://localhost:" + RELAY_PORT + "/v1" + QUERY);
                    if (phases.contains("latency")) {
                        latencyPhase(vertx, URI.create("ws://localhost:" + SANDBOX_PORT + "/sandbox/guest/v1" + QUERY),
                                viaRelay, relay);
                    }
                    if (phases.contains("memory")) {
                        memoryPhase(vertx, relay, viaRelay);
                    }
                }
            }
            if (phases.contains("archive")) {
                archivePhase(vertx, jar);
            }
            if (phases.contains("enrich")) {
                enrichPhase(vertx, jar, sandboxJar);
            }
            if (phases.contains("starvation")) {
                starvationPhase(vertx, jar, sandboxJar);
            }
            if (phases.contains("history")) {
                new HistoryBench(jar, this::line).run();
            }
            if (phases.contains("agent-page")) {
                new AgentPageBench(sandboxJar, this::line).run();
            }
        } finally {
            vertx.close();
        }
        Path out = Path.of("target", "bench-results.md");
        Files.writeString(out, String.join("\n", report) + "\n");
        System.out.println("\nWritten to " + out.toAbsolutePath());
    }

    private void latencyPhase(Vertx vertx, URI direct, URI viaRelay, ServiceProcess relay) throws Exception {
        int sessions = Integer.getInteger("bench.sessions", 1000);
        int seconds = Integer.getInteger("bench.seconds", 60);
        Map<String, URI> paths = new LinkedHashMap<>();
        paths.put("through Carryover", viaRelay);
        String nginxBinary = System.getProperty("bench.nginx", "");
        String other = System.getProperty("bench.target", "");
        if (!other.isBlank()) {
            paths.put(other, URI.create(other));
        }
        try (NginxProxy nginx = nginxBinary.isBlank() ? null
                : NginxProxy.start(nginxBinary, NGINX_PORT, SANDBOX_PORT)) {
            String nginxPath = nginx == null ? null : "through nginx " + nginx.version();
            if (nginx != null) {
                paths.put(nginxPath, URI.create("ws://localhost:" + NGINX_PORT + "/sandbox/guest/v1" + QUERY));
            }
            line("## Relay latency: " + sessions + " sessions × 1 msg/s, " + seconds + " s per path in 3 alternating "
                    + "rounds after a 10 s warm-up of each (send → Inbound echo)");
            line("");
            // Every path warms up first, then they alternate in rounds, so JIT warm-up and machine drift favour none.
            Histogram baseline = GuestLoad.histogram();
            Map<String, Histogram> measured = new LinkedHashMap<>();
            latency(vertx, direct, sessions, 10, GuestLoad.histogram());
            for (Map.Entry<String, URI> path : paths.entrySet()) {
                latency(vertx, path.getValue(), sessions, 10, GuestLoad.histogram());
                measured.put(path.getKey(), GuestLoad.histogram());
            }
            int rounds = 3;
            RelayCounters relayCounters = new RelayCounters(relay);
            for (int round = 0; round < rounds; round++) {
                latency(vertx, direct, sessions, seconds / rounds, baseline);
                for (Map.Entry<String, URI> path : paths.entrySet()) {
                    // The relay's counters cover the recorded seconds only, not connecting and closing.
                    latency(vertx, path.getValue(), sessions, seconds / rounds, measured.get(path.getKey()),
                            path.getValue().equals(viaRelay) ? relayCounters : null);
                }
            }
            line("| path | samples | p50 ms | p99 ms | p99.9 ms | max ms | added p50 / p99 / p99.9 ms | ratio to direct "
                    + "p50 / p99 / p99.9 |");
            line("|---|---|---|---|---|---|---|---|");
            row("direct to sandbox (baseline)", baseline, null);
            measured.forEach((name, h) -> row(name, h, baseline));
            if (nginx != null) {
                Histogram ours = measured.get("through Carryover");
                Histogram theirs = measured.get(nginxPath);
                line("");
                line("Carryover against nginx, added latency ours / nginx's: " + String.join(", ",
                        versus("p50", ours, theirs, baseline, 50), versus("p99", ours, theirs, baseline, 99),
                        versus("p99.9", ours, theirs, baseline, 99.9)) + ".");
            }
            line("");
            relayCounters.report(this::line);
            line("");
        }
    }

    private void memoryPhase(Vertx vertx, ServiceProcess relay, URI viaRelay) throws Exception {
        int idle = Math.min(Integer.getInteger("bench.idle", 10_000), idleCapacity());
        line("## Memory: " + idle + " concurrent idle sessions through Carryover");
        line("");
        long[] before = relay.residentBytes();
        try (GuestLoad load = new GuestLoad(vertx, viaRelay)) {
            load.open(idle, 1000, micros -> { }, false);
            Thread.sleep(5000);
            long[] during = relay.residentBytes();
            line(String.format(Locale.ROOT,
                    "Relay RSS %d MiB before, %d MiB with %d sessions open (peak %d MiB); %.1f KiB per session; "
                            + "%d failed connects.", mib(before[0]), mib(during[0]), idle, mib(during[1]),
                    (during[0] - before[0]) / 1024.0 / idle, load.failures()));
        }
        line("");
    }

    private void archivePhase(Vertx vertx, Path jar) throws Exception {
        new ArchiveBench(vertx, jar, this::line).run();
    }

    private void enrichPhase(Vertx vertx, Path jar, Path sandboxJar) throws Exception {
        int customers = Integer.getInteger("bench.customers", 50);
        recreateDatabase("bench_sandbox" + DB_SUFFIX);
        recreateDatabase("bench_relay" + DB_SUFFIX);
        String sandboxUrl = "http://localhost:" + SANDBOX_PORT;
        try (ServiceProcess sandbox = ServiceProcess.start("sandbox", sandboxJar, SANDBOX_PORT, List.of(
                "-Dquarkus.profile=demo", "-Dcarryover.sandbox.agent-auto-reply=false",
                "-Dcarryover.sandbox.base-url=" + sandboxUrl, "-Dcarryover.enrich.enabled=false",
                "-Dquarkus.datasource.jdbc.url=" + DB + "bench_sandbox" + DB_SUFFIX));
             ServiceProcess relay = ServiceProcess.start("relay-enrich", jar, RELAY_PORT, enrichingRelay(sandboxUrl))) {
            line("## Enrichment: " + customers + " returning customers (sandbox Platform latency 0)");
            line("");
            EnrichmentRun run = new EnrichmentRun(vertx, SANDBOX_PORT, RELAY_PORT);
            run.customer(-1); // warm-up: first token, JIT
            for (int i = 0; i < customers; i++) {
                run.customer(i);
            }
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (System.nanoTime() < deadline && patched() < customers + 1) {
                Thread.sleep(200);
            }
            double[] latency = enrichmentLatency();
            Map<String, Integer> calls = new java.util.TreeMap<>();
            for (com.fasterxml.jackson.databind.JsonNode request : run.get("/sandbox/api/platform/requests")) {
                calls.merge(request.path("endpoint").asText(), 1, Integer::sum);
            }
            long enriched = patched();
            int conversations = 2 * (customers + 1);
            line(String.format(Locale.ROOT, "From the first Inbound echo to the job completed after the PATCH's 202 "
                    + "(%d enriched, warm-up excluded): "
                    + "p50 %.1f ms, p99 %.1f ms, max %.1f ms.", enriched, latency[0], latency[1], latency[2]));
            line(String.format(Locale.ROOT, "Platform calls: %s for %d conversations (%d enriched): per enriched "
                    + "conversation %d (details, conversation, PATCH); per first-time conversation 2; tokens cached.",
                    calls, conversations, enriched, 3));
            line("");
        }
    }

    /**
     * Two replicas at the default settings (their own Platform tokens and request budgets) on one database and one
     * sandbox: bench.hopeless (1000) new conversations the Platform never knows, then returning customers.
     */
    private void starvationPhase(Vertx vertx, Path jar, Path sandboxJar) throws Exception {
        int hopeless = Integer.getInteger("bench.hopeless", 1000);
        recreateDatabase("bench_sandbox" + DB_SUFFIX);
        recreateDatabase("bench_relay" + DB_SUFFIX);
        String sandboxUrl = "http://localhost:" + SANDBOX_PORT;
        ServiceProcess[] first = new ServiceProcess[1];
        try (ServiceProcess sandbox = ServiceProcess.start("sandbox", sandboxJar, SANDBOX_PORT, List.of(
                "-Dquarkus.profile=demo", "-Dcarryover.sandbox.agent-auto-reply=false",
                "-Dcarryover.sandbox.base-url=" + sandboxUrl, "-Dcarryover.enrich.enabled=false",
                "-Dquarkus.datasource.jdbc.url=" + DB + "bench_sandbox" + DB_SUFFIX));
             ServiceProcess second = ServiceProcess.start("relay-2", jar, RELAY_2_PORT, enrichingRelay(sandboxUrl))) {
            first[0] = ServiceProcess.start("relay-1", jar, RELAY_PORT, enrichingRelay(sandboxUrl));
            line("## Enrichment under a flood of hopeless jobs: two replicas at the default settings, one database, "
                    + "sandbox Platform at its default 300 requests/min per client");
            line("");
            new StarvationRun(DB + "bench_relay" + DB_SUFFIX, new EnrichmentRun(vertx, SANDBOX_PORT, RELAY_2_PORT), this::line)
                    .run(hopeless, 20, whileDown -> {
                        first[0].close();
                        whileDown.run();
                        first[0] = ServiceProcess.start("relay-1", jar, RELAY_PORT, enrichingRelay(sandboxUrl));
                    });
            line("");
        } finally {
            if (first[0] != null) {
                first[0].close();
            }
        }
    }

    /** A relay that enriches through the sandbox's Platform API, archiving into bench_relay. */
    private static List<String> enrichingRelay(String sandboxUrl) {
        return List.of(
                "-Dcarryover.relay.upstream-url=ws://localhost:" + SANDBOX_PORT + "/sandbox/guest/v1",
                "-Dcarryover.identity.issuers.sandbox.issuer=" + sandboxUrl + "/sandbox/oidc",
                "-Dcarryover.identity.issuers.sandbox.jwks-url=" + sandboxUrl + "/sandbox/oidc/jwks",
                "-Dcarryover.identity.issuers.sandbox.audience=carryover",
                "-Dcarryover.platform.client-id=carryover-sandbox", "-Dcarryover.platform.client-secret=sandbox-secret",
                "-Dcarryover.platform.api-url=" + sandboxUrl + "/sandbox/platform",
                "-Dcarryover.platform.login-url=" + sandboxUrl + "/sandbox/platform/login",
                "-Dquarkus.datasource.jdbc.url=" + DB + "bench_relay" + DB_SUFFIX);
    }

    private static long patched() throws Exception {
        try (Connection c = DriverManager.getConnection(DB + "bench_relay" + DB_SUFFIX, "postgres", "");
             ResultSet rs = c.createStatement().executeQuery(
                     "select count(*) from enrichment_job where outcome = 'patched'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** p50, p99 and max in ms, measured by Carryover itself (first echo received → PATCH answered 2xx). */
    private static double[] enrichmentLatency() throws Exception {
        try (Connection c = DriverManager.getConnection(DB + "bench_relay" + DB_SUFFIX, "postgres", "");
             ResultSet rs = c.createStatement().executeQuery("""
                     select percentile_cont(0.5) within group (order by ms), percentile_cont(0.99) within group
                            (order by ms), max(ms)
                     from (select extract(epoch from completed_at - first_echo_at) * 1000 as ms
                           from enrichment_job where outcome = 'patched'
                             and first_echo_at > (select min(first_echo_at) from enrichment_job
                                                  where outcome = 'patched')) t""")) {
            rs.next();
            return new double[] { rs.getDouble(1), rs.getDouble(2), rs.getDouble(3) };
        }
    }

    /** Opens the sessions, lets them settle for 2 s, then records {@code seconds} of echo latencies into {@code into}. */
    private static void latency(Vertx vertx, URI target, int sessions, int seconds, Histogram into) throws Exception {
        latency(vertx, target, sessions, seconds, into, null);
    }

    private static void latency(Vertx vertx, URI target, int sessions, int seconds, Histogram into,
            RelayCounters counters) throws Exception {
        // Recording starts only once every session is open and settled; the histogram is switched, not the sockets.
        AtomicReference<Histogram> recorder = new AtomicReference<>(GuestLoad.histogram());
        try (GuestLoad load = new GuestLoad(vertx, target)) {
            load.open(sessions, 500, micros -> recorder.get().recordValue(micros), true);
            Thread.sleep(2_000);
            if (counters != null) {
                counters.begin();
            }
            recorder.set(into);
            Thread.sleep(seconds * 1000L);
            recorder.set(GuestLoad.histogram());
            if (counters != null) {
                counters.end();
            }
        }
    }

    private void row(String name, Histogram h, Histogram baseline) {
        String versus = baseline == null ? "| |" : String.format(Locale.ROOT, "| %+.3f / %+.3f / %+.3f | %.2f / %.2f / %.2f |",
                added(h, baseline, 50), added(h, baseline, 99), added(h, baseline, 99.9),
                ms(h, 50) / ms(baseline, 50), ms(h, 99) / ms(baseline, 99), ms(h, 99.9) / ms(baseline, 99.9));
        line(String.format(Locale.ROOT, "| %s | %d | %.3f | %.3f | %.3f | %.3f %s", name, h.getTotalCount(),
                ms(h, 50), ms(h, 99), ms(h, 99.9), h.getMaxValue() / 1000.0, versus));
    }

    /** A ratio of added latencies only means something when the reference adds any. */
    private static String versus(String label, Histogram ours, Histogram theirs, Histogram baseline, double percentile) {
        double reference = added(theirs, baseline, percentile);
        if (reference <= 0) {
            return String.format(Locale.ROOT, "%s %+.3f / %+.3f ms (nginx within noise, no ratio)", label,
                    added(ours, baseline, percentile), reference);
        }
        return String.format(Locale.ROOT, "%s %.2f", label, added(ours, baseline, percentile) / reference);
    }

    private static double added(Histogram h, Histogram baseline, double percentile) {
        return ms(h, percentile) - ms(baseline, percentile);
    }

    private static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1000.0;
    }

    private static long mib(long bytes) {
        return bytes / (1024 * 1024);
    }

    /** Each relayed session holds two sockets in the relay process; stay under the open-file limit. */
    private static int idleCapacity() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                long limit = Long.parseLong(line.trim().split("\\s+")[3]);
                return (int) Math.min(Integer.MAX_VALUE, (limit - 200) / 2);
            }
        }
        return 10_000;
    }

    static String machineDescription() throws Exception {
        return machine();
    }

    private static String machine() throws Exception {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
        long memKb = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                .findFirst().map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).orElse(0L);
        return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), " + memKb / 1024 / 1024 + " GiB";
    }

    static void recreateDatabase(String name) throws Exception {
        try (Connection c = DriverManager.getConnection(DB + "postgres", "postgres", "")) {
            c.createStatement().execute("drop database if exists " + name + " with (force)");
            c.createStatement().execute("create database " + name);
        }
    }

    private void line(String text) {
        System.out.println(text);
        report.add(text);
    }
}
