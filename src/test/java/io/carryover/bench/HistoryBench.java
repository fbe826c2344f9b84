package io.carryover.bench;

import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.HdrHistogram.Histogram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The {@code history} phase of {@code ./mvnw -B -Pbench verify -Dbench.phases=history}: seeds a dedicated database
 * ({@link HistorySeeder}), starts the production artefact against it trusting the benchmark's own service issuer
 * ({@link BenchIssuer}), and measures the History API routes of the shared contract through real HTTP, then the
 * export's throughput and the service's heap while it streams. Routes the build does not serve (absent from its
 * OpenAPI document) are reported as such, so the phase runs unchanged before and after the routes are merged.
 * <p>
 * Knobs: bench.history.scale (1.0), bench.history.reseed (false), bench.history.routes (all: lookup, list,
 * conversation, by-genesys-id, summary, search, search-all, export), bench.history.requests (1000 per route and
 * concurrency), bench.history.warmup (200), bench.history.concurrency (1,8), bench.history.routeSeconds (180: a route
 * slower than that stops early and says so), bench.history.db (bench_history), bench.history.explain (auto: when a
 * target was missed, capture the plans of slow statements; true; false), bench.history.explainMs (5),
 * bench.history.pgLog (PostgreSQL's server log, Debian's path by default), bench.history.skip (rows to leave out by
 * part of their label, ";"-separated). bench.history.requests=0 measures only the export (and plans).
 */
final class HistoryBench {

    private static final int SERVICE_PORT = 18095;
    private static final int ISSUER_PORT = 18096;
    private static final String DB = "jdbc:postgresql://127.0.0.1:5432/";
    private static final List<String> ROLES = List.of("history.read", "history.search", "history.search-all",
            "history.export", "history.audit");
    private static final List<String> ALL_ROUTES = List.of("lookup", "list", "conversation", "by-genesys-id",
            "summary", "search", "search-all", "export");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path jar;
    private final Consumer<String> out;
    private final List<String> report = new ArrayList<>();
    private boolean missedTarget;
    private final String database = System.getProperty("bench.history.db", "bench_history");
    private final double scale = Double.parseDouble(System.getProperty("bench.history.scale", "1.0"));
    private final boolean reseed = Boolean.parseBoolean(System.getProperty("bench.history.reseed", "false"));
    private final int requests = Integer.parseInt(System.getProperty("bench.history.requests", "1000"));
    private final int warmup = Integer.parseInt(System.getProperty("bench.history.warmup", "200"));
    private final int routeSeconds = Integer.parseInt(System.getProperty("bench.history.routeSeconds", "180"));
    private final int[] concurrencies = Arrays.stream(System.getProperty("bench.history.concurrency", "1,8")
            .split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    private final Set<String> routes = routes(System.getProperty("bench.history.routes", "all"));
    /** Rows to leave out, by part of their label, separated by ";" (e.g. "across customers, frequent term"). */
    private final List<String> skipped = Arrays.stream(System.getProperty("bench.history.skip", "").split(";"))
            .map(String::trim).filter(x -> !x.isEmpty()).toList();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    HistoryBench(Path jar, Consumer<String> out) {
        this.jar = jar;
        this.out = out;
    }

    void run() throws Exception {
        line("## History API: " + String.format(Locale.ROOT, "scale %s", scale) + ", routes " + routes);
        line("");
        line("PostgreSQL: " + postgres() + "; load average at start: " + loadAverage() + " (the machine is shared).");
        line("");
        String url = DB + database;
        ensureDatabase();
        HistorySeeder seeder = new HistorySeeder(url, scale, this::progress);
        HistorySeeder.Seed seed = reseed ? null : seeder.existing();
        List<Variant> measured = List.of();
        try (BenchIssuer issuer = new BenchIssuer(ISSUER_PORT)) {
            List<String> properties = new ArrayList<>(issuer.serviceProperties());
            properties.add("-Dquarkus.datasource.jdbc.url=" + url);
            if (seed == null) {
                progress("seeding " + database + " at scale " + scale + " (COPY)");
                recreateDatabase();
                try (ServiceProcess migrate = ServiceProcess.start("history-migrate", jar, SERVICE_PORT, properties,
                        Duration.ofMinutes(5))) {
                    progress("schema created by the service's Flyway");
                }
                seed = seeder.seed();
            }
            seedReport(seed);
            try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
                // Every measured request inserts one audit row; start each run from an empty log.
                c.createStatement().execute("truncate audit_log");
            }
            long starting = System.nanoTime();
            java.time.Instant startedAt = java.time.Instant.now();
            try (ServiceProcess service = ServiceProcess.start("history", jar, SERVICE_PORT, properties,
                    Duration.ofMinutes(30))) {
                List<String> migrations = migrationsSince(url, startedAt);
                line(String.format(Locale.ROOT, "Service ready %.0f s after start%s.", (System.nanoTime() - starting)
                        / 1e9, migrations.isEmpty() ? "" : "; Flyway applied " + String.join(", ", migrations)
                        + " to the seeded database first"));
                if (!migrations.isEmpty()) {
                    // A new expression index (the full-text GIN) has no statistics until the table is analysed:
                    // the planner would guess its selectivity (0.5 %), as it does in production until autoanalyze.
                    long analyze = System.nanoTime();
                    try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
                        for (String table : HistorySeeder.TABLES) {
                            c.createStatement().execute("analyze " + table);
                        }
                    }
                    line(String.format(Locale.ROOT, "Then ANALYZE of the seeded tables (%.0f s), so new expression "
                            + "indexes have statistics.", (System.nanoTime() - analyze) / 1e9));
                }
                line("");
                String token = issuer.token(ROLES, 24 * 60);
                Set<String> served = servedPaths(service);
                Pools pools = pools(url);
                measured = measureRoutes(token, served, pools, url);
                if (routes.contains("export")) {
                    export(service, token, served, pools);
                }
            }
            String explain = System.getProperty("bench.history.explain", "auto");
            if (explain.equals("true") || explain.equals("auto") && missedTarget) {
                explain(properties, url, measured, issuer.token(ROLES, 60));
            }
            sizes(url);
        }
        line("Load average at the end: " + loadAverage() + ".");
        line("");
        Path file = Path.of("target", "bench", "history.md");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "# Carryover History API benchmark, "
                + LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME) + "\n\nMachine: "
                + Bench.machineDescription() + "\n\n" + String.join("\n", report) + "\n");
        out.accept("Written to " + file.toAbsolutePath());
    }

    // ---- seed

    private void seedReport(HistorySeeder.Seed seed) {
        line(String.format(Locale.ROOT, "Seed: %s. Seeding took %.0f s (%.1f min)%s.",
                seed.counts().entrySet().stream().map(e -> String.format(Locale.ROOT, "%,d %s", e.getValue(),
                        e.getKey())).reduce((a, b) -> a + ", " + b).orElse(""),
                seed.seconds(), seed.seconds() / 60, seed.reused() ? " when it was made; reused by this run" : ""));
        line("Seeding steps: " + String.join("; ", seed.steps()) + ".");
        line(String.format(Locale.ROOT, "Search terms: frequent \"%s\" in %,d messages, rare \"%s\" in %,d (across "
                        + "customers); within a customer the rare term is a word of that customer that occurs in "
                        + "exactly one of its messages.", HistoryCorpus.FREQUENT_TERM, seed.frequentTermMessages(),
                HistoryCorpus.RARE_TERM, seed.rareTermMessages()));
        line("");
    }

    // ---- pools of ids to request, read from the seeded database

    private record Customer(UUID id, String issuer, String subject, long conversations, String rareWord) {
    }

    private record Pools(List<Customer> typical, List<Customer> heavy, List<String[]> conversations) {
    }

    private Pools pools(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
            List<Customer> heavy = new ArrayList<>();
            try (ResultSet rs = c.createStatement().executeQuery("""
                    select cu.id, cu.issuer, cu.subject, h.n from customer cu join (
                        select customer_id, count(*) n from conversation group by customer_id having count(*) >= 1000
                    ) h on h.customer_id = cu.id order by h.n desc""")) {
                while (rs.next()) {
                    heavy.add(new Customer(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                            rs.getLong(4), null));
                }
            }
            List<Customer> typical = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    select cu.id, cu.issuer, cu.subject, (select count(*) from conversation where customer_id = cu.id)
                    from customer cu where cu.issuer = ? order by md5(cu.id::text) limit 220""")) {
                ps.setString(1, HistorySeeder.ISSUER);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (rs.getLong(4) < 1000) {
                            typical.add(new Customer(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                                    rs.getLong(4), null));
                        }
                    }
                }
            }
            List<String[]> conversations = new ArrayList<>();
            try (ResultSet rs = c.createStatement().executeQuery("""
                    select id::text, genesys_conversation_id from conversation where genesys_conversation_id is not null
                    order by md5(id::text) limit 500""")) {
                while (rs.next()) {
                    conversations.add(new String[] { rs.getString(1), rs.getString(2) });
                }
            }
            return new Pools(withRareWords(c, typical.subList(0, Math.min(200, typical.size()))),
                    withRareWords(c, heavy), conversations);
        }
    }

    /** A word of this customer's messages that occurs in exactly one of them (as the search configuration splits it). */
    private List<Customer> withRareWords(Connection c, List<Customer> customers) throws Exception {
        String configuration = System.getProperty("bench.history.searchConfiguration", "simple");
        List<Customer> out = new ArrayList<>();
        for (Customer customer : customers.subList(0, Math.min(customers.size(), 50))) {
            String inner = "select to_tsvector('" + configuration + "', m.text) from message m join conversation cv "
                    + "on cv.id = m.conversation_id where m.text is not null and cv.customer_id = '" + customer.id()
                    + "'";
            try (PreparedStatement ps = c.prepareStatement(
                    "select word from ts_stat(?) where ndoc = 1 and length(word) >= 6 and word ~ '^[a-z]+$' "
                            + "order by md5(word) limit 1")) {
                ps.setString(1, inner);
                try (ResultSet rs = ps.executeQuery()) {
                    out.add(new Customer(customer.id(), customer.issuer(), customer.subject(),
                            customer.conversations(), rs.next() ? rs.getString(1) : HistoryCorpus.RARE_TERM));
                }
            }
        }
        for (Customer customer : customers.subList(Math.min(customers.size(), 50), customers.size())) {
            out.add(customer);
        }
        return out;
    }

    // ---- routes

    /** One measured row: a route of the contract with one kind of target. */
    private record Variant(String route, String label, String pathTemplate, List<String> paths, Double targetP99Ms) {
    }

    private List<Variant> variants(Pools pools, String token) throws Exception {
        List<Variant> variants = new ArrayList<>();
        List<Customer> typical = pools.typical();
        List<Customer> heavy = pools.heavy();
        List<Customer> typicalWithWords = typical.stream().filter(c -> c.rareWord() != null).toList();
        List<Customer> heavyWithWords = heavy.stream().filter(c -> c.rareWord() != null).toList();
        variants.add(new Variant("lookup", "lookup by issuer and sub", "/api/v1/customers",
                typical.stream().map(c -> "/api/v1/customers?issuer=" + enc(c.issuer()) + "&sub=" + enc(c.subject()))
                        .toList(), null));
        variants.add(new Variant("list", "list, typical customer (first page)", "/api/v1/customers/{}/conversations",
                typical.stream().map(c -> "/api/v1/customers/" + c.id() + "/conversations").toList(), 10.0));
        variants.add(new Variant("list", "list, heavy customer (first page)", "/api/v1/customers/{}/conversations",
                heavy.stream().map(c -> "/api/v1/customers/" + c.id() + "/conversations").toList(), 10.0));
        variants.add(new Variant("list", "list, heavy customer (page 10, by cursor)",
                "/api/v1/customers/{}/conversations", null, 10.0));
        variants.add(new Variant("conversation", "conversation by id (first 20 messages)",
                "/api/v1/conversations/{}", pools.conversations().stream()
                        .map(c -> "/api/v1/conversations/" + c[0]).toList(), 10.0));
        variants.add(new Variant("by-genesys-id", "conversation by Genesys id", "/api/v1/conversations/by-genesys-id/{}",
                pools.conversations().stream().map(c -> "/api/v1/conversations/by-genesys-id/" + enc(c[1])).toList(),
                10.0));
        variants.add(new Variant("summary", "summary, typical customer", "/api/v1/customers/{}/summary",
                typical.stream().map(c -> "/api/v1/customers/" + c.id() + "/summary").toList(), null));
        variants.add(new Variant("summary", "summary, heavy customer", "/api/v1/customers/{}/summary",
                heavy.stream().map(c -> "/api/v1/customers/" + c.id() + "/summary").toList(), null));
        variants.add(new Variant("search", "search in a typical customer, frequent term", "/api/v1/customers/{}/search",
                typical.stream().map(c -> search(c, HistoryCorpus.FREQUENT_TERM)).toList(), 50.0));
        variants.add(new Variant("search", "search in a typical customer, rare term", "/api/v1/customers/{}/search",
                typicalWithWords.stream().map(c -> search(c, c.rareWord())).toList(), 50.0));
        variants.add(new Variant("search", "search in a heavy customer, frequent term", "/api/v1/customers/{}/search",
                heavy.stream().map(c -> search(c, HistoryCorpus.FREQUENT_TERM)).toList(), 50.0));
        variants.add(new Variant("search", "search in a heavy customer, rare term", "/api/v1/customers/{}/search",
                heavyWithWords.stream().map(c -> search(c, c.rareWord())).toList(), 50.0));
        variants.add(new Variant("search-all", "search across customers, frequent term", "/api/v1/search",
                List.of("/api/v1/search?q=" + HistoryCorpus.FREQUENT_TERM), null));
        variants.add(new Variant("search-all", "search across customers, rare term", "/api/v1/search",
                List.of("/api/v1/search?q=" + HistoryCorpus.RARE_TERM), null));
        return variants;
    }

    private static String search(Customer c, String term) {
        return "/api/v1/customers/" + c.id() + "/search?q=" + enc(term);
    }

    /** Measures every chosen route the build serves; returns them with the paths requested. */
    private List<Variant> measureRoutes(String token, Set<String> served, Pools pools, String url)
            throws Exception {
        List<Variant> measured = new ArrayList<>();
        line(String.format(Locale.ROOT, "Method: %d measured requests per route and concurrency (fewer only where a "
                + "route took longer than %d s, marked), after %d warm-up requests at the same concurrency over the same "
                + "ids; ids rotate over %d typical customers, %d heavy customers (%s conversations), %d conversations. "
                + "Page size: the default (20). Every request is authenticated (RS256 bearer token verified by Quarkus "
                + "OIDC) and inserts its audit row inside the request. Cache: warm (the warm-up reads the same rows; "
                + "\"buffer hits\" is PostgreSQL's shared-buffer hit ratio during the measurement, the rest came from "
                + "the OS page cache or disk).", requests, routeSeconds, warmup, pools.typical().size(),
                pools.heavy().size(), pools.heavy().stream().map(c -> Long.toString(c.conversations()))
                        .reduce((a, b) -> a + ", " + b).orElse("none"), pools.conversations().size()));
        line("");
        line("| route | concurrency | requests | p50 ms | p99 ms | max ms | req/s | buffer hits | errors | target p99 |");
        line("|---|---|---|---|---|---|---|---|---|---|");
        for (Variant variant : variants(pools, token)) {
            if (!routes.contains(variant.route()) || skipped.stream().anyMatch(variant.label()::contains)) {
                continue;
            }
            if (!served.contains(variant.pathTemplate())) {
                line("| " + variant.label() + " | | | | | | | | | not in this build |");
                continue;
            }
            List<String> paths = variant.paths() != null ? variant.paths() : deepPages(pools.heavy(), token);
            if (paths.isEmpty()) {
                line("| " + variant.label() + " | | | | | | | | | no ids to request |");
                continue;
            }
            measured.add(new Variant(variant.route(), variant.label(), variant.pathTemplate(), paths,
                    variant.targetP99Ms()));
            if (requests == 0) {
                continue; // bench.history.requests=0: only the export and plans
            }
            for (int concurrency : concurrencies) {
                run(paths, token, Math.max(warmup, concurrency), concurrency, Math.min(routeSeconds, 60));
                long[] blocks = blocks(url);
                Run result = run(paths, token, requests, concurrency, routeSeconds);
                long[] after = blocks(url);
                long hits = after[0] - blocks[0];
                long reads = after[1] - blocks[1];
                Histogram h = result.histogram();
                boolean met = variant.targetP99Ms() == null || ms(h, 99) <= variant.targetP99Ms();
                missedTarget |= !met;
                String target = variant.targetP99Ms() == null ? "" : String.format(Locale.ROOT, "≤ %.0f ms: %s",
                        variant.targetP99Ms(), met ? "met" : "**missed**");
                line(String.format(Locale.ROOT, "| %s | %d | %d%s | %.1f | %.1f | %.1f | %.0f | %.1f%% | %s | %s |",
                        variant.label(), concurrency, h.getTotalCount(), result.timedOut() ? " (time cap)" : "",
                        ms(h, 50), ms(h, 99), h.getMaxValue() / 1000.0, h.getTotalCount() / result.seconds(),
                        hits + reads == 0 ? 100.0 : 100.0 * hits / (hits + reads), result.errors(), target));
            }
        }
        line("");
        return measured;
    }

    /**
     * Which statements are slow, and why: one more pass of a few requests per measured route with PostgreSQL's
     * auto_explain on for this database only (new connections load it), then the plans of statements slower than
     * bench.history.explainMs (5) read back from the server's log (bench.history.pgLog). Not part of the measurement:
     * EXPLAIN ANALYZE's instrumentation slows every statement down.
     */
    private void explain(List<String> properties, String url, List<Variant> measured, String token) throws Exception {
        int thresholdMs = Integer.parseInt(System.getProperty("bench.history.explainMs", "5"));
        String configured = System.getProperty("bench.history.pgLog", "");
        Path log = Path.of(configured.isBlank() ? "/var/log/postgresql/postgresql-" + serverMajor() + "-main.log"
                : configured);
        line("### Plans of statements slower than " + thresholdMs + " ms (auto_explain, 10 requests per route at "
                + "concurrency 1, after the measurement)");
        line("");
        if (!Files.isReadable(log)) {
            line("PostgreSQL's log " + log + " is not readable here (set bench.history.pgLog); skipped.");
            line("");
            return;
        }
        String[] settings = { "session_preload_libraries = 'auto_explain'",
                "auto_explain.log_min_duration = '" + thresholdMs + "ms'", "auto_explain.log_analyze = on",
                "auto_explain.log_buffers = on", "auto_explain.log_format = 'text'" };
        try (Connection c = DriverManager.getConnection(DB + "postgres", "postgres", "")) {
            for (String setting : settings) {
                c.createStatement().execute("alter database " + database + " set " + setting);
            }
        }
        long offset = Files.size(log);
        try (ServiceProcess service = ServiceProcess.start("history-explain", jar, SERVICE_PORT, properties,
                Duration.ofMinutes(5))) {
            for (Variant variant : measured) {
                run(variant.paths(), token, 10, 1, 60);
            }
        } finally {
            try (Connection c = DriverManager.getConnection(DB + "postgres", "postgres", "")) {
                for (String setting : settings) {
                    c.createStatement().execute("alter database " + database + " reset "
                            + setting.substring(0, setting.indexOf(' ')));
                }
            }
        }
        Map<String, String[]> slowest = new LinkedHashMap<>(); // query text -> {duration ms, plan, count}
        String marker = "@" + database + " LOG:  duration: ";
        try (var reader = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
            reader.skip(offset);
            String current = null;
            double duration = 0;
            StringBuilder plan = new StringBuilder();
            for (String l = reader.readLine(); ; l = reader.readLine()) {
                boolean continuation = l != null && l.startsWith("\t");
                if (current != null && !continuation) {
                    String query = plan.toString().lines().filter(x -> x.startsWith("Query Text:")).findFirst()
                            .orElse("?").replaceAll("\\s+", " ");
                    String[] seen = slowest.get(query);
                    int count = seen == null ? 1 : Integer.parseInt(seen[2]) + 1;
                    if (seen == null || Double.parseDouble(seen[0]) < duration) {
                        slowest.put(query, new String[] { Double.toString(duration), plan.toString(),
                                Integer.toString(count) });
                    } else {
                        seen[2] = Integer.toString(count);
                    }
                    current = null;
                }
                if (l == null) {
                    break;
                }
                int at = l.indexOf(marker);
                if (at >= 0 && l.contains(" plan:")) {
                    current = l;
                    String rest = l.substring(at + marker.length());
                    duration = Double.parseDouble(rest.substring(0, rest.indexOf(' ')));
                    plan.setLength(0);
                } else if (current != null && continuation) {
                    plan.append(l.substring(1)).append('\n');
                }
            }
        }
        if (slowest.isEmpty()) {
            line("None.");
        }
        slowest.values().stream().sorted((a, b) -> Double.compare(Double.parseDouble(b[0]), Double.parseDouble(a[0])))
                .limit(10).forEach(entry -> {
                    line(String.format(Locale.ROOT, "Slowest of %s over the threshold: %.1f ms", entry[2],
                            Double.parseDouble(entry[0])));
                    line("```");
                    line(entry[1].stripTrailing());
                    line("```");
                });
        line("");
    }

    /** Migrations Flyway applied to the (reused) seed at this start, with how long each took. */
    private static List<String> migrationsSince(String url, java.time.Instant since) throws Exception {
        List<String> applied = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, "postgres", "");
             PreparedStatement ps = c.prepareStatement("select version, description, execution_time "
                     + "from flyway_schema_history where installed_on >= ? order by installed_rank")) {
            ps.setTimestamp(1, java.sql.Timestamp.from(since.minusSeconds(1)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    applied.add(String.format(Locale.ROOT, "V%s %s (%.0f s)", rs.getString(1), rs.getString(2),
                            rs.getInt(3) / 1000.0));
                }
            }
        }
        return applied;
    }

    private int serverMajor() throws Exception {
        try (Connection c = DriverManager.getConnection(DB + "postgres", "postgres", "");
             ResultSet rs = c.createStatement().executeQuery("select current_setting('server_version_num')::int / 10000")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Cursors of page 10 of each heavy customer's list, read by walking the pages. */
    private List<String> deepPages(List<Customer> heavy, String token) throws Exception {
        List<String> paths = new ArrayList<>();
        for (Customer customer : heavy) {
            String base = "/api/v1/customers/" + customer.id() + "/conversations";
            String cursor = null;
            for (int page = 1; page < 10; page++) {
                HttpResponse<String> response = http.send(get(base + (cursor == null ? "" : "?cursor=" + enc(cursor)),
                        token), HttpResponse.BodyHandlers.ofString());
                JsonNode next = JSON.readTree(response.body()).path("nextCursor");
                cursor = next.isTextual() ? next.asText() : null;
                if (cursor == null) {
                    break;
                }
            }
            if (cursor != null) {
                paths.add(base + "?cursor=" + enc(cursor));
            }
        }
        return paths;
    }

    private record Run(Histogram histogram, double seconds, long errors, boolean timedOut) {
    }

    private Run run(List<String> paths, String token, int count, int concurrency, int capSeconds) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        AtomicBoolean timedOut = new AtomicBoolean();
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        long deadline = System.nanoTime() + capSeconds * 1_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        try {
            List<Future<Histogram>> workers = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                workers.add(pool.submit(() -> {
                    Histogram h = new Histogram(600_000_000L, 3);
                    int i;
                    while ((i = next.getAndIncrement()) < count) {
                        if (System.nanoTime() > deadline) {
                            timedOut.set(true);
                            break;
                        }
                        HttpRequest request = HttpRequest.newBuilder(get(paths.get(i % paths.size()), token),
                                (n, v) -> true).timeout(Duration.ofSeconds(Math.max(30, capSeconds))).build();
                        long t = System.nanoTime();
                        try {
                            HttpResponse<byte[]> response = http.send(request,
                                    HttpResponse.BodyHandlers.ofByteArray());
                            h.recordValue(Math.max(1, (System.nanoTime() - t) / 1000));
                            if (response.statusCode() != 200) {
                                errors.incrementAndGet();
                                statuses.merge(response.statusCode(), 1, Integer::sum);
                            }
                        } catch (java.io.IOException e) {
                            // Not answered within the cap (or the connection failed): an error, not a latency.
                            errors.incrementAndGet();
                            statuses.merge(-1, 1, Integer::sum);
                            timedOut.set(true);
                        }
                    }
                    return h;
                }));
            }
            Histogram all = new Histogram(600_000_000L, 3);
            for (Future<Histogram> worker : workers) {
                all.add(worker.get());
            }
            if (!statuses.isEmpty()) {
                progress("non-200 answers (-1: no answer within the cap): " + new TreeMap<>(statuses));
            }
            if (statuses.containsKey(-1)) {
                cancelAbandonedStatements();
            }
            return new Run(all, (System.nanoTime() - start) / 1e9, errors.get(), timedOut.get());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Statements of requests the benchmark gave up on would otherwise keep loading the rows measured next. */
    private void cancelAbandonedStatements() throws Exception {
        try (Connection c = DriverManager.getConnection(DB + database, "postgres", "");
             ResultSet rs = c.createStatement().executeQuery("""
                     select count(pg_cancel_backend(pid)) from pg_stat_activity
                     where datname = current_database() and state = 'active' and pid <> pg_backend_pid()""")) {
            rs.next();
            progress("cancelled " + rs.getLong(1) + " statements of abandoned requests");
        }
    }

    private static HttpRequest get(String path, String token) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + SERVICE_PORT + path))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofMinutes(5)).GET().build();
    }

    // ---- export

    private void export(ServiceProcess service, String token, Set<String> served, Pools pools) throws Exception {
        line("### Export (NDJSON), one request at a time");
        line("");
        if (!served.contains("/api/v1/customers/{}/export")) {
            line("Not in this build.");
            line("");
            return;
        }
        // The heavy customer closest to 1,000 conversations (the target's case), and the largest for comparison.
        List<Customer> customers = new ArrayList<>();
        pools.heavy().stream().min((a, b) -> Long.compare(Math.abs(a.conversations() - 1000),
                Math.abs(b.conversations() - 1000))).ifPresent(customers::add);
        pools.heavy().stream().max((a, b) -> Long.compare(a.conversations(), b.conversations()))
                .filter(c -> !customers.contains(c)).ifPresent(customers::add);
        line("Heap: `jvm_memory_used_bytes{area=\"heap\"}` sampled every 100 ms from /q/metrics while the export streams; "
                + "before each export the service's heap is collected (`jcmd GC.run`) so the baseline is live data. "
                + "Service JVM: " + String.join(" ", ServiceProcess.JVM_FLAGS) + ".");
        line("");
        line("| customer | conversations | bytes | lines | last line | seconds | MB/s | heap before MiB | heap peak MiB | "
                + "target ≥ 20 MB/s |");
        line("|---|---|---|---|---|---|---|---|---|---|");
        for (Customer customer : customers) {
            String path = "/api/v1/customers/" + customer.id() + "/export";
            exportOnce(service, path, token); // warm-up
            for (int repeat = 0; repeat < 3; repeat++) {
                gc(service);
                double before = service.metric("jvm_memory_used_bytes", "area=\"heap\"");
                AtomicBoolean streaming = new AtomicBoolean(true);
                double[] peak = { before };
                Thread sampler = new Thread(() -> {
                    while (streaming.get()) {
                        try {
                            peak[0] = Math.max(peak[0], service.metric("jvm_memory_used_bytes", "area=\"heap\""));
                            Thread.sleep(100);
                        } catch (Exception e) {
                            return;
                        }
                    }
                });
                sampler.start();
                long[] result;
                long start = System.nanoTime();
                try {
                    result = exportOnce(service, path, token);
                } finally {
                    streaming.set(false);
                    sampler.join();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                double mbs = result[0] / 1e6 / seconds;
                line(String.format(Locale.ROOT, "| %s | %d | %,d | %,d | %s | %.2f | %.1f | %.0f | %.0f | %s |",
                        customer.subject(), customer.conversations(), result[0], result[1],
                        result[2] == 1 ? "end" : "**not end**", seconds, mbs, before / 1048576, peak[0] / 1048576,
                        result[3] != 200 ? "status " + result[3] : mbs >= 20 ? "met" : "**missed**"));
            }
        }
        line("");
    }

    /** Bytes, lines, whether the last line is the end record (1), status. */
    private long[] exportOnce(ServiceProcess service, String path, String token) throws Exception {
        HttpResponse<InputStream> response = http.send(get(path, token), HttpResponse.BodyHandlers.ofInputStream());
        long bytes = 0;
        long lines = 0;
        byte[] buffer = new byte[1 << 16];
        java.io.ByteArrayOutputStream current = new java.io.ByteArrayOutputStream();
        byte[] lastComplete = new byte[0];
        try (InputStream in = response.body()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                bytes += n;
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                        lastComplete = current.toByteArray();
                        current.reset();
                    } else if (current.size() < 1 << 20) {
                        current.write(buffer[i]);
                    }
                }
            }
        }
        byte[] last = current.size() > 0 ? current.toByteArray() : lastComplete;
        boolean end = false;
        try {
            end = "end".equals(JSON.readTree(last).path("kind").asText());
        } catch (Exception notJson) {
            // reported as "not end"
        }
        return new long[] { bytes, lines, end ? 1 : 0, response.statusCode() };
    }

    private static void gc(ServiceProcess service) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (Files.isExecutable(jcmd)) {
            new ProcessBuilder(jcmd.toString(), Long.toString(service.pid()), "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        }
    }

    // ---- database

    private void sizes(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
            try (ResultSet rs = c.createStatement().executeQuery(
                    "select pg_size_pretty(pg_database_size(current_database()))")) {
                rs.next();
                line("### Database size: " + rs.getString(1));
            }
            line("");
            line("| table | rows (estimate) | total (with TOAST and indexes) | table | indexes |");
            line("|---|---|---|---|---|");
            try (ResultSet rs = c.createStatement().executeQuery("""
                    select c.relname, c.reltuples::bigint, pg_size_pretty(pg_total_relation_size(c.oid)),
                           pg_size_pretty(pg_relation_size(c.oid)), pg_size_pretty(pg_indexes_size(c.oid))
                    from pg_class c join pg_namespace n on n.oid = c.relnamespace
                    where n.nspname = 'public' and c.relkind = 'r' order by pg_total_relation_size(c.oid) desc""")) {
                while (rs.next()) {
                    line(String.format(Locale.ROOT, "| %s | %,d | %s | %s | %s |", rs.getString(1), rs.getLong(2),
                            rs.getString(3), rs.getString(4), rs.getString(5)));
                }
            }
            line("");
            line("| index | table | size | definition |");
            line("|---|---|---|---|");
            try (ResultSet rs = c.createStatement().executeQuery("""
                    select i.indexrelname, i.relname, pg_size_pretty(pg_relation_size(i.indexrelid)),
                           pg_get_indexdef(i.indexrelid)
                    from pg_stat_user_indexes i where i.schemaname = 'public'
                    order by pg_relation_size(i.indexrelid) desc""")) {
                while (rs.next()) {
                    line(String.format(Locale.ROOT, "| %s | %s | %s | `%s` |", rs.getString(1), rs.getString(2),
                            rs.getString(3), rs.getString(4).replaceFirst("^CREATE (UNIQUE )?INDEX \\S+ ON ", "")));
                }
            }
            line("");
        }
    }

    private long[] blocks(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "postgres", "");
             ResultSet rs = c.createStatement().executeQuery(
                     "select blks_hit, blks_read from pg_stat_database where datname = current_database()")) {
            rs.next();
            return new long[] { rs.getLong(1), rs.getLong(2) };
        }
    }

    private Set<String> servedPaths(ServiceProcess service) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:"
                + SERVICE_PORT + "/q/openapi?format=json")).build(), HttpResponse.BodyHandlers.ofString());
        Set<String> paths = new LinkedHashSet<>();
        if (response.statusCode() == 200) {
            JSON.readTree(response.body()).path("paths").fieldNames()
                    .forEachRemaining(p -> paths.add(p.replaceAll("\\{[^}]*}", "{}")));
        }
        progress("served History API paths: " + paths.stream().filter(p -> p.startsWith("/api/")).toList());
        return paths;
    }

    private void ensureDatabase() throws Exception {
        try (Connection c = DriverManager.getConnection(DB + "postgres", "postgres", "");
             PreparedStatement ps = c.prepareStatement("select 1 from pg_database where datname = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    c.createStatement().execute("create database " + database);
                }
            }
        }
    }

    private void recreateDatabase() throws Exception {
        try (Connection c = DriverManager.getConnection(DB + "postgres", "postgres", "")) {
            c.createStatement().execute("drop database if exists " + database + " with (force)");
            c.createStatement().execute("create database " + database);
        }
    }

    private String postgres() throws Exception {
        try (Connection c = DriverManager.getConnection(DB + "postgres", "postgres", "");
             ResultSet rs = c.createStatement().executeQuery(
                     "select current_setting('server_version'), current_setting('shared_buffers'), "
                             + "current_setting('work_mem')")) {
            rs.next();
            return rs.getString(1) + " (shared_buffers " + rs.getString(2) + ", work_mem " + rs.getString(3) + ")";
        }
    }

    private static String loadAverage() throws Exception {
        String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return parts[0] + " " + parts[1] + " " + parts[2];
    }

    private static Set<String> routes(String value) {
        if (value.isBlank() || value.equals("all")) {
            return new LinkedHashSet<>(ALL_ROUTES);
        }
        Set<String> chosen = new LinkedHashSet<>();
        for (String route : value.split(",")) {
            if (!ALL_ROUTES.contains(route.trim())) {
                throw new IllegalArgumentException("unknown route " + route + "; known: " + ALL_ROUTES);
            }
            chosen.add(route.trim());
        }
        return chosen;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1000.0;
    }

    private void progress(String text) {
        System.out.println("[history] " + text);
    }

    private void line(String text) {
        report.add(text);
        out.accept(text);
    }
}
