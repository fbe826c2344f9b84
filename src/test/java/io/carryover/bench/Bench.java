package io.carryover.bench;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
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
 * and reports, in one run: relay latency against a direct-to-sandbox baseline (per CPU layout, see {@link CpuLayout}),
 * memory with many idle sessions, a contact center's realistic load, and archive throughput. Knobs (system
 * properties): bench.sessions (1000), bench.seconds (60), bench.idle (10000, capped by the open-file headroom),
 * bench.histograms (a directory: the relay's live objects by class before and with the idle sessions),
 * bench.realistic.sessions (10000), bench.realistic.rate (0.05 msg/s each), bench.realistic.seconds (60),
 * bench.layout (both), bench.java and bench.gcs (the relays compared), bench.timeline (see {@link Timeline}),
 * bench.archiveRate (20500), bench.archiveSeconds (300), bench.nginx (an nginx binary: also measure nginx proxying
 * to the sandbox, as the reference proxy), bench.target (another WebSocket URL to measure alongside), bench.hopeless (1000: the starvation
 * phase's burst of conversations the Platform never knows), bench.portBase and bench.dbPrefix. Each relay's own JVM
 * counters during its measured rounds (allocation per relayed frame, GC pauses) come from {@link RelayCounters}.
 * The History API phase ({@code -Dbench.phases=history}, not in the default list: its seed takes long) has its own
 * knobs, see {@link HistoryBench}; so has the agent page's ({@code -Dbench.phases=agent-page}, a browser), see
 * {@link AgentPageBench}.
 */
public final class Bench {

    /** {@code -Dbench.portBase} (18090) and {@code -Dbench.dbPrefix} (bench_): side by side runs on one machine. */
    static final int PORT_BASE = Integer.getInteger("bench.portBase", 18090);
    private static final int SANDBOX_PORT = PORT_BASE;
    private static final int RELAY_PORT = PORT_BASE + 1;
    private static final int NGINX_PORT = PORT_BASE + 3;
    private static final int RELAY_2_PORT = PORT_BASE + 4;
    private static final int MEMORY_PORT = PORT_BASE + 5;
    private static final int ECHO_PORT = PORT_BASE + 6;
    private static final int NGINX_RELAY_CORE_PORT = PORT_BASE + 7;
    /** {@code -Dbench.upstream=echo|sandbox}: what the latency and realistic phases' paths lead to (see EchoUpstream). */
    private static final boolean ECHO = !"sandbox".equals(System.getProperty("bench.upstream", "echo"));
    private static final int UPSTREAM_PORT = ECHO ? ECHO_PORT : PORT_BASE;
    /** The relays compared by bench.gcs take RELAY_PORT, then PORT_BASE + 10 onwards. */
    private static final int VARIANT_PORTS = PORT_BASE + 10;
    private static final String DB_PREFIX = System.getProperty("bench.dbPrefix", "bench_");
    private static final String SANDBOX_DB = DB_PREFIX + "sandbox";
    static final String RELAY_DB = DB_PREFIX + "relay";
    private static final String DB = "jdbc:postgresql://127.0.0.1:5432/";
    private static final String QUERY = "?deploymentId=bench&application=bench";
    private static final String BASELINE = "direct to sandbox (baseline)";
    private static final int ROUNDS = 3;

    private final List<String> report = new ArrayList<>();

    /** Arguments: the production artefact (the relay under test), then the sandbox-enabled one (its upstream). */
    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        Path sandboxJar = Path.of(args[1]);
        // Interrupted (Ctrl-C, SIGTERM), the try-with-resources never close the service JVMs and nginx: stop them here.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().descendants()
                .forEach(ProcessHandle::destroy), "bench-children"));
        new Bench().run(jar, sandboxJar);
    }

    private void run(Path jar, Path sandboxJar) throws Exception {
        List<String> phases = List.of(System.getProperty("bench.phases",
                "latency,memory,realistic,archive,enrich,starvation").split(","));
        line("# Carryover benchmark, " + LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME));
        line("");
        line("Machine: " + machine() + "; " + BenchLimits.raiseOpenFiles() + " (this JVM and its children).");
        line("Service JVMs: " + javaVersion(ServiceProcess.JAVA) + ", " + String.join(" ", ServiceProcess.JVM_FLAGS)
                + (System.getProperty("bench.gcs", "").isBlank() ? "" : "; relays compared: " + relayVariants())
                + "; load generator (Java " + System.getProperty("java.version") + "), sandbox, relay and PostgreSQL "
                + "share this machine.");
        line("");

        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        try {
            if (phases.contains("latency") || phases.contains("memory") || phases.contains("realistic")) {
                List<String> layouts = phases.contains("latency") || phases.contains("realistic")
                        ? CpuLayout.requested() : List.of("unpinned");
                for (int i = 0; i < layouts.size(); i++) {
                    relayPhases(vertx, jar, sandboxJar, phases, layouts.get(i), i == 0, i == layouts.size() - 1);
                }
            }
            if (phases.contains("archive")) {
                timed("archive", () -> archivePhase(vertx, jar));
            }
            if (phases.contains("enrich")) {
                timed("enrich", () -> enrichPhase(vertx, jar, sandboxJar));
            }
            if (phases.contains("starvation")) {
                timed("starvation", () -> starvationPhase(vertx, jar, sandboxJar));
            }
            if (phases.contains("history")) {
                timed("history", () -> new HistoryBench(jar, this::line).run());
            }
            if (phases.contains("agent-page")) {
                timed("agent-page", () -> new AgentPageBench(sandboxJar, this::line).run());
            }
        } finally {
            vertx.close();
        }
        Path out = Path.of("target", "bench-results.md");
        Files.writeString(out, String.join("\n", report) + "\n");
        System.out.println("\nWritten to " + out.toAbsolutePath());
    }

    /**
     * The phases with the sandbox and relay JVMs, in one CPU layout: latency in each; the realistic phase (opening
     * 10,000 sessions per round takes long) in the first, where the targets are judged; memory once, in the last.
     */
    private void relayPhases(Vertx vertx, Path jar, Path sandboxJar, List<String> phases, String layoutName,
            boolean withRealistic, boolean withMemory) throws Exception {
        recreateDatabase(SANDBOX_DB);
        recreateDatabase(RELAY_DB);
        List<RelayVariant> variants = relayVariants();
        Map<String, ServiceProcess> relays = new LinkedHashMap<>();
        try (CpuLayout layout = CpuLayout.apply(layoutName, DB);
             EchoUpstream echo = ECHO ? new EchoUpstream(vertx, ECHO_PORT) : null;
             ServiceProcess sandbox = ServiceProcess.start("sandbox", sandboxJar, SANDBOX_PORT, List.of(
                     "-Dquarkus.profile=demo", "-Dcarryover.sandbox.agent-auto-reply=false",
                     "-Dcarryover.sandbox.base-url=http://localhost:" + SANDBOX_PORT,
                     "-Dquarkus.datasource.jdbc.url=" + DB + SANDBOX_DB), Duration.ofSeconds(60), layout.others(),
                     ServiceProcess.JVM_FLAGS)) {
            try {
                for (int i = 0; i < variants.size(); i++) {
                    RelayVariant variant = variants.get(i);
                    relays.put(variant.path(), ServiceProcess.start("relay" + variant.suffix(),
                            variant.jar() != null ? variant.jar() : jar,
                            i == 0 ? RELAY_PORT : VARIANT_PORTS + i - 1, List.of(
                                    "-Dcarryover.relay.upstream-url=ws://localhost:" + UPSTREAM_PORT + "/sandbox/guest/v1",
                                    "-Dquarkus.datasource.jdbc.url=" + DB + RELAY_DB), Duration.ofSeconds(60),
                            layout.relay(), variant.flags()));
                }
                line("# Layout " + layout.describe());
                line("");
                line("Upstream of the latency and realistic paths: " + (ECHO
                        ? "a minimal echo endpoint in the bench JVM (bench.upstream=echo)" : "the sandbox") + ".");
                line("");
                URI direct = URI.create("ws://localhost:" + UPSTREAM_PORT + "/sandbox/guest/v1" + QUERY);
                if (phases.contains("latency")) {
                    timed("latency (" + layoutName + ")", () -> latencyPhase(vertx, direct, relays, layout));
                }
                if (phases.contains("memory") && withMemory) {
                    // A fresh relay: one that carried the latency rounds keeps their heap growth as its "before".
                    try (ServiceProcess relay = ServiceProcess.start("relay-memory", jar, MEMORY_PORT, List.of(
                            "-Dcarryover.relay.upstream-url=ws://localhost:" + SANDBOX_PORT + "/sandbox/guest/v1",
                            "-Dquarkus.datasource.jdbc.url=" + DB + RELAY_DB), Duration.ofSeconds(60), layout.relay(),
                            variants.get(0).flags())) {
                        timed("memory", () -> memoryPhase(vertx, relay, sandbox, relayUri(relay)));
                    }
                }
                if (phases.contains("realistic") && withRealistic) {
                    timed("realistic (" + layoutName + ")", () -> realisticPhase(vertx, direct, relays, sandbox));
                }
            } finally {
                for (ServiceProcess relay : relays.values()) {
                    relay.close();
                }
            }
        }
    }

    /**
     * The relay JVM(s) under test: one with bench.jvm, or one per {@code -Dbench.gcs="name:flags;name:flags"}; a
     * {@code jar=/path/quarkus-run.jar} among a variant's flags runs another build (a code change against the one
     * before it, in the same rounds), else {@code jar} is null: the build under test.
     */
    private record RelayVariant(String name, List<String> flags, Path jar) {
        String path() {
            return name.isEmpty() ? "through Carryover" : "through Carryover (" + name + ")";
        }

        String suffix() {
            return name.isEmpty() ? "" : "-" + name;
        }

        @Override
        public String toString() {
            return name + " (" + String.join(" ", flags) + (jar == null ? "" : "; build " + jar) + ")";
        }
    }

    /** With bench.gcs, each variant's flags replace bench.jvm's GC selection and keep its heap settings. */
    private static List<RelayVariant> relayVariants() {
        String gcs = System.getProperty("bench.gcs", "").trim();
        if (gcs.isEmpty()) {
            return List.of(new RelayVariant("", ServiceProcess.JVM_FLAGS, null));
        }
        List<String> base = ServiceProcess.JVM_FLAGS.stream().filter(f -> !f.matches("-XX:[+-]Use\\w*GC")).toList();
        List<RelayVariant> variants = new ArrayList<>();
        for (String variant : gcs.split(";")) {
            int colon = variant.indexOf(':');
            List<String> flags = new ArrayList<>(base);
            Path otherBuild = null;
            for (String flag : variant.substring(colon + 1).trim().split("\\s+")) {
                if (flag.startsWith("jar=")) {
                    otherBuild = Path.of(flag.substring("jar=".length()));
                } else {
                    flags.add(flag);
                }
            }
            variants.add(new RelayVariant(variant.substring(0, colon).trim(), flags, otherBuild));
        }
        return variants;
    }

    private static URI relayUri(ServiceProcess relay) {
        return URI.create("ws://localhost:" + relay.port() + "/v1" + QUERY);
    }

    /** How the guests of a phase behave: sessions, connects per second, one message per period (jittered or not). */
    private record Load(int sessions, int perSecond, long periodMillis, boolean jitter) {
    }

    private void latencyPhase(Vertx vertx, URI direct, Map<String, ServiceProcess> relays, CpuLayout layout)
            throws Exception {
        int sessions = Integer.getInteger("bench.sessions", 1000);
        int seconds = Integer.getInteger("bench.seconds", 60);
        Load load = new Load(sessions, 500, 1000, false);
        Map<String, URI> paths = new LinkedHashMap<>();
        relays.forEach((name, relay) -> paths.put(name, relayUri(relay)));
        String nginxBinary = System.getProperty("bench.nginx", "");
        String other = System.getProperty("bench.target", "");
        if (!other.isBlank()) {
            paths.put(other, URI.create(other));
        }
        // Pinned, nginx runs where the layout puts it (CPU 1, beside the load generator and the upstream, so
        // its hops never cross cores) and also on the relay's core, where it pays the same cross-core wake-ups.
        try (NginxProxy nginx = nginxBinary.isBlank() ? null
                : NginxProxy.start(nginxBinary, NGINX_PORT, UPSTREAM_PORT, layout.others());
             NginxProxy nginxOnRelayCore = nginxBinary.isBlank() || !layout.pinned() ? null
                : NginxProxy.start(nginxBinary, NGINX_RELAY_CORE_PORT, UPSTREAM_PORT, layout.relay())) {
            List<String> nginxPaths = new ArrayList<>();
            if (nginx != null) {
                String path = "through nginx " + nginx.version() + (layout.pinned() ? " (CPU 1)" : "");
                paths.put(path, URI.create("ws://localhost:" + NGINX_PORT + "/sandbox/guest/v1" + QUERY));
                nginxPaths.add(path);
            }
            if (nginxOnRelayCore != null) {
                String path = "through nginx " + nginxOnRelayCore.version() + " (CPU 0, the relay's)";
                paths.put(path, URI.create("ws://localhost:" + NGINX_RELAY_CORE_PORT + "/sandbox/guest/v1" + QUERY));
                nginxPaths.add(path);
            }
            line("## Relay latency (" + (layout.pinned() ? "pinned" : "unpinned") + "): " + sessions
                    + " sessions × 1 msg/s, " + seconds + " s per path in " + ROUNDS + " alternating rounds after a "
                    + "warm-up of each (10 s, a relay " + Integer.getInteger("bench.warmup", 60)
                    + " s; send → Inbound echo)");
            line("");
            // Every path warms up first, then they alternate in rounds, so JIT warm-up and machine drift favour none.
            // A relay JVM needs longer: on one core its C2 compiler thread competes with the event loops for a minute
            // or more after start, which is start-up, not the steady state a deployed relay runs in.
            int relayWarmUp = Integer.getInteger("bench.warmup", 60);
            measure(vertx, direct, load, 10, GuestLoad.histogram(), () -> { });
            for (Map.Entry<String, URI> path : paths.entrySet()) {
                measure(vertx, path.getValue(), load, relays.containsKey(path.getKey()) ? relayWarmUp : 10,
                        GuestLoad.histogram(), () -> { });
            }
            Map<String, List<Histogram>> rounds = alternate(vertx, direct, paths, load, seconds / ROUNDS, relays);
            report(rounds, nginxPaths);
        }
    }

    /**
     * bench.realistic.sessions (10,000) guests at bench.realistic.rate (0.05 msg/s) each, every interval jittered:
     * a contact center's load, against direct, in alternating rounds of bench.realistic.seconds (60) per path.
     */
    private void realisticPhase(Vertx vertx, URI direct, Map<String, ServiceProcess> relays, ServiceProcess sandbox)
            throws Exception {
        int requested = Integer.getInteger("bench.realistic.sessions", 10_000);
        double rate = Double.parseDouble(System.getProperty("bench.realistic.rate", "0.05"));
        int seconds = Integer.getInteger("bench.realistic.seconds", 60);
        // Direct and relayed rounds alternate, never overlap: the relay's two sockets a session set the bound.
        long capacity = Math.min(Math.min(BenchLimits.fileHeadroom(ProcessHandle.current().pid()),
                sandbox.fileHeadroom()), relays.values().stream().mapToLong(r -> {
                    try {
                        return r.fileHeadroom() / 2;
                    } catch (Exception e) {
                        return 0;
                    }
                }).min().orElse(Long.MAX_VALUE)) - 100;
        int sessions = (int) Math.min(requested, capacity);
        line(String.format(Locale.ROOT, "## Realistic load: %d sessions × %.2f msg/s (%.0f msg/s in all, each interval "
                + "jittered ±50%%), %d s per path in %d alternating rounds", sessions, rate, sessions * rate, seconds,
                ROUNDS));
        line("");
        if (sessions < requested) {
            line(String.format(Locale.ROOT, "Shortfall: %d of the %d sessions not opened, for want of open-file "
                    + "headroom (%d sessions' worth).", requested - sessions, requested, capacity));
            line("");
        }
        Map<String, URI> paths = new LinkedHashMap<>();
        relays.forEach((name, relay) -> paths.put(name, relayUri(relay)));
        report(alternate(vertx, direct, paths, new Load(sessions, 1000, Math.round(1000 / rate), true),
                seconds / ROUNDS, relays), List.of());
    }

    /**
     * The baseline and the paths alternate in {@link #ROUNDS} rounds, so machine drift favours none; per path, the
     * histogram of each round. The relays' RSS is taken at the end of each of their rounds, while the sessions are open.
     */
    private Map<String, List<Histogram>> alternate(Vertx vertx, URI direct, Map<String, URI> paths, Load load,
            int seconds, Map<String, ServiceProcess> relays) throws Exception {
        Map<String, List<Histogram>> rounds = new LinkedHashMap<>();
        Map<String, Long> notOpened = new LinkedHashMap<>();
        Map<String, long[]> rss = new LinkedHashMap<>();
        Map<String, RelayCounters> counters = new LinkedHashMap<>();
        Map<String, CpuSteal> steal = new LinkedHashMap<>();
        for (Map.Entry<String, ServiceProcess> relay : relays.entrySet()) {
            rss.put(relay.getKey(), new long[] { relay.getValue().residentBytes()[0], 0, 0 });
            counters.put(relay.getKey(), new RelayCounters(relay.getValue()));
        }
        Map<String, URI> all = new LinkedHashMap<>();
        all.put(BASELINE, direct);
        all.putAll(paths);
        for (int round = 0; round < ROUNDS; round++) {
            for (Map.Entry<String, URI> path : all.entrySet()) {
                Histogram h = GuestLoad.histogram();
                ServiceProcess relay = relays.get(path.getKey());
                CpuSteal pathSteal = steal.computeIfAbsent(path.getKey(), k -> new CpuSteal());
                pathSteal.begin();
                long failed = measure(vertx, path.getValue(), load, seconds, h, () -> {
                    if (relay != null) {
                        try {
                            long[] now = relay.residentBytes();
                            long[] figures = rss.get(path.getKey());
                            figures[1] = Math.max(figures[1], now[0]);
                            figures[2] = Math.max(figures[2], now[1]);
                        } catch (Exception gone) {
                            // reported as 0
                        }
                    }
                }, counters.get(path.getKey()), Timeline.of(path.getKey(), round + 1, load.sessions(), seconds,
                        load.periodMillis()));
                pathSteal.end();
                rounds.computeIfAbsent(path.getKey(), k -> new ArrayList<>()).add(h);
                notOpened.merge(path.getKey(), failed, Long::sum);
            }
        }
        rss.forEach((name, figures) -> line(String.format(Locale.ROOT, "Relay RSS (%s): %d MiB before, %d MiB with "
                + "%d sessions open (peak %d MiB).", name, mib(figures[0]), mib(figures[1]), load.sessions(),
                mib(figures[2]))));
        counters.forEach((name, relayCounters) -> {
            line("");
            relayCounters.report(name, this::line);
        });
        notOpened.forEach((name, failed) -> {
            if (failed > 0) {
                line("Sessions that did not open (" + name + ", all rounds): " + failed + ".");
            }
        });
        line("");
        line("Steal time (the hypervisor running others while a vCPU wanted to run) during each path's rounds: "
                + String.join("; ", steal.entrySet().stream().map(e -> e.getKey() + " " + e.getValue().describe())
                        .toList()) + ".");
        line("");
        return rounds;
    }

    /** The table (all rounds together), the spread between rounds, and the verdicts against the targets. */
    private void report(Map<String, List<Histogram>> rounds, List<String> nginxPaths) {
        Map<String, Histogram> merged = new LinkedHashMap<>();
        rounds.forEach((name, list) -> {
            Histogram all = GuestLoad.histogram();
            list.forEach(all::add);
            merged.put(name, all);
        });
        Histogram baseline = merged.get(BASELINE);
        line("| path | samples | p50 ms | p99 ms | p99.9 ms | max ms | added p50 / p99 / p99.9 ms | ratio to direct "
                + "p50 / p99 / p99.9 |");
        line("|---|---|---|---|---|---|---|---|");
        merged.forEach((name, h) -> row(name, h, name.equals(BASELINE) ? null : baseline));
        line("");
        line("Per round, p50 / p99 / p99.9 ms, and the spread (max − min between rounds):");
        line("");
        line("| path | " + java.util.stream.IntStream.rangeClosed(1, ROUNDS).mapToObj(r -> "round " + r)
                .collect(java.util.stream.Collectors.joining(" | ")) + " | spread p50 / p99 / p99.9 |");
        line("|---|" + "---|".repeat(ROUNDS) + "---|");
        rounds.forEach((name, list) -> {
            StringBuilder row = new StringBuilder("| " + name + " |");
            for (Histogram h : list) {
                row.append(String.format(Locale.ROOT, " %.2f / %.2f / %.2f |", ms(h, 50), ms(h, 99), ms(h, 99.9)));
            }
            row.append(String.format(Locale.ROOT, " %.2f / %.2f / %.2f |", spread(list, 50), spread(list, 99),
                    spread(list, 99.9)));
            line(row.toString());
        });
        line("");
        List<String> references = nginxPaths.isEmpty() ? java.util.Collections.singletonList(null) : nginxPaths;
        for (String name : merged.keySet()) {
            if (!name.startsWith("through Carryover")) {
                continue;
            }
            Histogram ours = merged.get(name);
            for (String nginxPath : references) {
                Histogram theirs = nginxPath == null ? null : merged.get(nginxPath);
                String against = nginxPath == null ? "" : " against " + nginxPath.substring("through ".length());
                if (theirs != null) {
                    line(("Carryover " + name.substring("through Carryover".length()).trim()).trim() + against
                            + ", added latency ours / nginx's: " + String.join(", ",
                            versus("p50", ours, theirs, baseline, 50), versus("p99", ours, theirs, baseline, 99),
                            versus("p99.9", ours, theirs, baseline, 99.9)) + ".");
                }
                List<Histogram> direct = rounds.get(BASELINE);
                line("Verdict " + name + against + " (a target is resolvable only outside the direct baseline's own "
                        + "spread between rounds): " + String.join("; ",
                        theirs == null ? "p50: no nginx to compare with"
                                : verdict("p50", added(ours, baseline, 50), added(theirs, baseline, 50), "nginx's",
                                        spread(direct, 50)),
                        verdict("p99", added(ours, baseline, 99),
                                theirs == null ? 1.0 : Math.min(1.0, added(theirs, baseline, 99) + 0.5),
                                theirs == null ? "1 ms" : "1 ms and nginx's + 0.5 ms", spread(direct, 99)),
                        verdict("p99.9", added(ours, baseline, 99.9), 5.0, "5 ms", spread(direct, 99.9))) + ".");
            }
        }
        line("");
    }

    /** Met or missed only when the margin to the target exceeds the baseline's spread; else not resolvable. */
    private static String verdict(String label, double added, double target, String targetName, double spread) {
        String figures = String.format(Locale.ROOT, "%s added %+.3f ms vs ≤ %s (%+.3f), baseline spread %.3f ms: ",
                label, added, targetName, target, spread);
        if (added + spread <= target) {
            return figures + "met";
        }
        if (added - spread > target) {
            return figures + "missed";
        }
        return figures + "not resolvable";
    }

    private static double spread(List<Histogram> rounds, double percentile) {
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (Histogram h : rounds) {
            min = Math.min(min, ms(h, percentile));
            max = Math.max(max, ms(h, percentile));
        }
        return max - min;
    }

    private void memoryPhase(Vertx vertx, ServiceProcess relay, ServiceProcess sandbox, URI viaRelay)
            throws Exception {
        int requested = Integer.getInteger("bench.idle", 10_000);
        // Each idle session holds two sockets in the relay, one in the sandbox, one here; keep 100 spare in each.
        long relayRoom = relay.fileHeadroom() / 2;
        long sandboxRoom = sandbox.fileHeadroom();
        long ownRoom = BenchLimits.fileHeadroom(ProcessHandle.current().pid());
        int idle = (int) Math.max(0, Math.min(requested, Math.min(relayRoom, Math.min(sandboxRoom, ownRoom)) - 100));
        line("## Memory: " + idle + " concurrent idle sessions through Carryover");
        line("");
        if (idle < requested) {
            line(String.format(Locale.ROOT, "Shortfall: %d of the %d sessions not opened, for want of open-file "
                    + "headroom (room for sessions: relay %d, sandbox %d, load generator %d).", requested - idle,
                    requested, relayRoom, sandboxRoom, ownRoom));
        }
        Path histograms = System.getProperty("bench.histograms", "").isBlank() ? null
                : Path.of(System.getProperty("bench.histograms"));
        long[] before = relay.residentBytes();
        if (histograms != null) {
            // After reading RSS: the histogram's full GC may shrink the heap.
            classHistogram(relay, histograms.resolve("relay-before.txt"));
        }
        try (GuestLoad load = new GuestLoad(vertx, viaRelay)) {
            load.open(idle, 1000, micros -> { }, false);
            Thread.sleep(5000);
            long[] during = relay.residentBytes();
            if (histograms != null) {
                classHistogram(relay, histograms.resolve("relay-with-" + idle + ".txt"));
                line("Live objects by class (jcmd GC.class_histogram), before and with the sessions: " + histograms
                        + ".");
            }
            long open = idle - load.notOpened();
            line(String.format(Locale.ROOT,
                    "Relay RSS %d MiB before, %d MiB with %d sessions open (peak %d MiB); %.1f KiB per session; "
                            + "%s.", mib(before[0]), mib(during[0]), open, mib(during[1]),
                    open == 0 ? 0 : (during[0] - before[0]) / 1024.0 / open, load.problems()));
        }
        line("");
    }

    /** Live objects by class ({@code jcmd GC.class_histogram}, after a full GC), to find per-session state. */
    private void classHistogram(ServiceProcess service, Path file) throws Exception {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path jcmd = Path.of(ServiceProcess.JAVA).resolveSibling("jcmd");
        int exit = new ProcessBuilder(jcmd.toString(), Long.toString(service.pid()), "GC.class_histogram")
                .redirectErrorStream(true).redirectOutput(file.toFile()).start().waitFor();
        if (exit != 0) {
            line("No class histogram: " + jcmd + " exited with " + exit + "; see " + file + ".");
        }
    }

    private void archivePhase(Vertx vertx, Path jar) throws Exception {
        new ArchiveBench(vertx, jar, this::line).run();
    }

    private void enrichPhase(Vertx vertx, Path jar, Path sandboxJar) throws Exception {
        int customers = Integer.getInteger("bench.customers", 50);
        recreateDatabase(SANDBOX_DB);
        recreateDatabase(RELAY_DB);
        String sandboxUrl = "http://localhost:" + SANDBOX_PORT;
        try (ServiceProcess sandbox = ServiceProcess.start("sandbox", sandboxJar, SANDBOX_PORT, List.of(
                "-Dquarkus.profile=demo", "-Dcarryover.sandbox.agent-auto-reply=false",
                "-Dcarryover.sandbox.base-url=" + sandboxUrl, "-Dcarryover.enrich.enabled=false",
                "-Dquarkus.datasource.jdbc.url=" + DB + SANDBOX_DB));
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
        recreateDatabase(SANDBOX_DB);
        recreateDatabase(RELAY_DB);
        String sandboxUrl = "http://localhost:" + SANDBOX_PORT;
        ServiceProcess[] first = new ServiceProcess[1];
        try (ServiceProcess sandbox = ServiceProcess.start("sandbox", sandboxJar, SANDBOX_PORT, List.of(
                "-Dquarkus.profile=demo", "-Dcarryover.sandbox.agent-auto-reply=false",
                "-Dcarryover.sandbox.base-url=" + sandboxUrl, "-Dcarryover.enrich.enabled=false",
                "-Dquarkus.datasource.jdbc.url=" + DB + SANDBOX_DB));
             ServiceProcess second = ServiceProcess.start("relay-2", jar, RELAY_2_PORT, enrichingRelay(sandboxUrl))) {
            first[0] = ServiceProcess.start("relay-1", jar, RELAY_PORT, enrichingRelay(sandboxUrl));
            line("## Enrichment under a flood of hopeless jobs: two replicas at the default settings, one database, "
                    + "sandbox Platform at its default 300 requests/min per client");
            line("");
            new StarvationRun(DB + RELAY_DB, new EnrichmentRun(vertx, SANDBOX_PORT, RELAY_2_PORT), this::line)
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

    /** A relay that enriches through the sandbox's Platform API, archiving into the relay database (bench.dbPrefix + relay). */
    private static List<String> enrichingRelay(String sandboxUrl) {
        return List.of(
                "-Dcarryover.relay.upstream-url=ws://localhost:" + SANDBOX_PORT + "/sandbox/guest/v1",
                "-Dcarryover.identity.issuers.sandbox.issuer=" + sandboxUrl + "/sandbox/oidc",
                "-Dcarryover.identity.issuers.sandbox.jwks-url=" + sandboxUrl + "/sandbox/oidc/jwks",
                "-Dcarryover.identity.issuers.sandbox.audience=carryover",
                "-Dcarryover.platform.client-id=carryover-sandbox", "-Dcarryover.platform.client-secret=sandbox-secret",
                "-Dcarryover.platform.api-url=" + sandboxUrl + "/sandbox/platform",
                "-Dcarryover.platform.login-url=" + sandboxUrl + "/sandbox/platform/login",
                "-Dquarkus.datasource.jdbc.url=" + DB + RELAY_DB);
    }

    private static long patched() throws Exception {
        try (Connection c = DriverManager.getConnection(DB + RELAY_DB, "postgres", "");
             ResultSet rs = c.createStatement().executeQuery(
                     "select count(*) from enrichment_job where outcome = 'patched'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** p50, p99 and max in ms, measured by Carryover itself (first echo received → PATCH answered 2xx). */
    private static double[] enrichmentLatency() throws Exception {
        try (Connection c = DriverManager.getConnection(DB + RELAY_DB, "postgres", "");
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

    /**
     * Opens the sessions, lets them settle for 2 s, records {@code seconds} of echo latencies into {@code into}, then
     * runs {@code whileOpen}; returns how many sessions did not open.
     */
    private static long measure(Vertx vertx, URI target, Load load, int seconds, Histogram into, Runnable whileOpen)
            throws Exception {
        return measure(vertx, target, load, seconds, into, whileOpen, null, null);
    }

    /** As above; a relay's {@code counters}, if given, cover the recorded seconds only, not connecting and closing. */
    private static long measure(Vertx vertx, URI target, Load load, int seconds, Histogram into, Runnable whileOpen,
            RelayCounters counters, Timeline timeline) throws Exception {
        // Recording starts only once every session is open and settled; the histogram is switched, not the sockets.
        AtomicReference<Histogram> recorder = new AtomicReference<>(GuestLoad.histogram());
        try (GuestLoad guests = new GuestLoad(vertx, target)) {
            guests.open(load.sessions(), load.perSecond(), micros -> {
                Histogram h = recorder.get();
                h.recordValue(micros);
                if (h == into && timeline != null) {
                    timeline.add(micros);
                }
            }, load.periodMillis(), load.jitter());
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
            if (timeline != null) {
                timeline.write();
            }
            whileOpen.run();
            return guests.notOpened();
        }
    }

    private interface Phase {
        void run() throws Exception;
    }

    private void timed(String name, Phase phase) throws Exception {
        long start = System.nanoTime();
        phase.run();
        line(String.format(Locale.ROOT, "_Phase %s: %.0f s wall time._", name, (System.nanoTime() - start) / 1e9));
        line("");
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

    /** "Temurin 25.0.1+8 (…/bin/java)", from {@code java -version}. */
    private static String javaVersion(String java) throws Exception {
        Process p = new ProcessBuilder(java, "-version").redirectErrorStream(true).start();
        List<String> lines = new String(p.getInputStream().readAllBytes()).lines().toList();
        p.waitFor();
        return (lines.size() > 1 ? lines.get(1).trim() : String.join(" ", lines)) + " (" + java + ")";
    }

    static String machineDescription() throws Exception {
        return machine();
    }

    private static String machine() throws Exception {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
        long memKb = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                .findFirst().map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).orElse(0L);
        return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), " + memKb / 1024 / 1024 + " GiB, "
                + "kernel " + System.getProperty("os.version") + ", " + damon();
    }

    /**
     * Whether the kernel's DAMON monitor is running (some VMs run it to page cold memory out): in one pinned run on the
     * AMD EPYC VM, nginx's own added p99 went from +3.1 to +0.76 ms with it off, so the report says which it was.
     */
    private static String damon() throws Exception {
        Path kdamonds = Path.of("/sys/kernel/mm/damon/admin/kdamonds");
        if (!Files.isDirectory(kdamonds)) {
            return "no DAMON";
        }
        List<String> states = new ArrayList<>();
        try (var entries = Files.list(kdamonds)) {
            for (Path kdamond : entries.filter(Files::isDirectory).sorted().toList()) {
                states.add(Files.readString(kdamond.resolve("state")).trim());
            }
        }
        return states.isEmpty() ? "no DAMON monitor" : "DAMON monitors: " + String.join(", ", states);
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
