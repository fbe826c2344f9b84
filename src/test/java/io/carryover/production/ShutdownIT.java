package io.carryover.production;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.carryover.testing.DatabaseLink;
import io.carryover.testing.TestSocket;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.UpgradeRejectedException;

/**
 * The packaged production artefact as a real process receiving SIGTERM: open guests are closed with 1012 "service
 * restart", new upgrades are refused, the message sent just before is archived, outbox jobs the process leased but
 * had not started are given back (no lease left for another replica to wait out), and the process exits cleanly.
 */
class ShutdownIT {

    private static final Path APP = Path.of(System.getProperty("carryover.quarkus-app", "target/quarkus-app"));
    private static final Duration STARTUP = Duration.ofSeconds(90);
    /** Generous bounds for a loaded 2-core machine; none of them is a performance assertion. */
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** 128 + 15: the JVM's status once the shutdown hooks that SIGTERM started have run (Quarkus keeps it). */
    private static final int SIGTERM_EXIT = 143;
    private static final String SCHEMA = "shutdown_it";
    /** OutboxWorker's log line at the start of shutdown step 3 (package-private there). */
    private static final String OUTBOX_STOPPING = "enrichment outbox stopping: leased jobs not started are given back";
    private static final String DEPLOYMENT = "5c0e5e5a-0000-4000-8000-000000000001";

    private final BlockingQueue<HttpServerRequest> platformRequests = new LinkedBlockingQueue<>();
    private Vertx vertx;
    private Process process;
    private Path stdout;
    private Path stderr;
    private URI database;
    private DatabaseLink link;
    private int upstreamPort;
    private int platformPort;
    private int port;

    @BeforeEach
    void startStandIns() throws Exception {
        vertx = Vertx.vertx();
        upstreamPort = listen(vertx.createHttpServer().webSocketHandler(ShutdownIT::genesys));
        // The Platform (login included) holds every request until the test answers it: the worker stays inside its
        // first call while shutdown begins.
        platformPort = listen(vertx.createHttpServer().requestHandler(request -> {
            request.pause();
            platformRequests.add(request);
        }));
        String override = System.getenv("CARRYOVER_TEST_DB_URL");
        database = URI.create((override == null || override.isBlank() ? "jdbc:postgresql://127.0.0.1:5432/test"
                : override).substring("jdbc:".length()));
        // A schema of its own, new for every run: due jobs that other tests or runs left would be claimed first.
        try (Connection c = DriverManager.getConnection(jdbcUrl(database.getHost(), database.getPort()), user(),
                password())) {
            c.createStatement().execute("drop schema if exists " + SCHEMA + " cascade");
        }
        link = DatabaseLink.start(database.getHost(), database.getPort() < 0 ? 5432 : database.getPort());
        stdout = Files.createTempFile("carryover-shutdown-it", ".out");
        stderr = Files.createTempFile("carryover-shutdown-it", ".err");
    }

    /** Starts the packaged application with these settings besides the common ones; it reaches PostgreSQL via the link. */
    private void startApplication(String... settings) throws Exception {
        port = freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        command.addAll(List.of(
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.log.console.json.enabled=true",
                "-Dquarkus.datasource.jdbc.url=" + jdbcUrl("127.0.0.1", link.port()),
                "-Dquarkus.datasource.username=" + user(),
                "-Dquarkus.datasource.password=" + password(),
                "-Dquarkus.flyway.schemas=" + SCHEMA,
                "-Dcarryover.relay.upstream-url=ws://127.0.0.1:" + upstreamPort + "/v1"));
        for (String setting : settings) {
            command.add("-D" + setting);
        }
        command.addAll(List.of("-jar", APP.resolve("quarkus-run.jar").toString()));
        process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        Awaitility.await("the application is ready").atMost(STARTUP).pollInterval(Duration.ofMillis(250))
                .ignoreExceptions().until(() -> {
                    assertTrue(process.isAlive(), "the application exited early: " + output());
                    return http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                });
    }

    private String jdbcUrl(String host, int port) {
        String query = database.getRawQuery() == null ? "" : database.getRawQuery() + "&";
        return "jdbc:postgresql://" + host + (port < 0 ? "" : ":" + port) + database.getRawPath() + "?" + query
                + "currentSchema=" + SCHEMA;
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        if (link != null) {
            link.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(stdout);
        Files.deleteIfExists(stderr);
    }

    @Test
    void sigtermClosesGuestsWith1012DrainsTheArchiveReleasesLeasedJobsAndExitsCleanly() throws Exception {
        startApplication("carryover.platform.client-id=shutdown-it", "carryover.platform.client-secret=shutdown-it",
                "carryover.platform.login-url=http://127.0.0.1:" + platformPort + "/login",
                "carryover.platform.api-url=http://127.0.0.1:" + platformPort + "/api",
                // The held call ends when the test answers it, not by a timeout or a retry.
                "carryover.platform.read-timeout=5m", "carryover.platform.retries=0",
                // One worker claims a batch and works it in order: the jobs after the first are leased, not started.
                "carryover.enrich.workers=1");
        List<UUID> jobs = insertDueJobs(3);
        HttpServerRequest inFlight = platformRequests.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(inFlight, "the worker calls the Platform for the first job it claimed");
        Awaitility.await("one batch leases every job").atMost(PATIENCE).until(() -> {
            for (UUID job : jobs) {
                if (lease(job) == null) {
                    return false;
                }
            }
            return true;
        });

        String text = "last words before SIGTERM " + UUID.randomUUID();
        try (TestSocket first = TestSocket.connect(relay()); TestSocket second = TestSocket.connect(relay())) {
            configure(first);
            configure(second);
            say(first, text);

            process.destroy(); // SIGTERM

            for (TestSocket guest : List.of(first, second)) {
                TestSocket.CloseStatus closed = guest.closeStatus(PATIENCE);
                assertEquals(new TestSocket.CloseStatus(1012, "service restart"), closed, output());
            }
        }
        // Still shutting down (the worker is inside the held call): new guests are turned away.
        assertTrue(process.isAlive(), "the held Platform call keeps the process in its shutdown");
        assertNewGuestsAreRefused();

        // Once step 3 has begun, the Platform call in progress ends (a 503): its job is recorded as usual, the others
        // are never started. Answered earlier, the worker would rightly go on to the next job.
        Awaitility.await("the outbox stops").atMost(PATIENCE).ignoreExceptions().until(() -> logRecords().stream()
                .anyMatch(r -> OUTBOX_STOPPING.equals(r.path("message").asText())));
        inFlight.response().setStatusCode(503).end();
        assertTrue(process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS), "the process exits: " + output());
        assertEquals(SIGTERM_EXIT, process.exitValue(), "exit status");

        assertEquals(1, countMessages(text), "the message sent just before SIGTERM is archived");
        assertEquals(List.of(), platformRequests.stream().map(HttpServerRequest::path).toList(),
                "no job was started after the first");
        int untried = 0;
        for (UUID job : jobs) {
            assertNull(lease(job), "job " + job + " keeps no lease: another replica takes it at once");
            untried += attempts(job) == 0 ? 1 : 0;
        }
        assertEquals(jobs.size() - 1, untried, "all but the job in progress given back untried");
        assertNoErrorLogged();
    }

    @Test
    void theArchiveDrainWritesWhatPostgresqlCouldNotTakeBeforeTheProcessExits() throws Exception {
        // Enrichment off: once the relay has closed its guests, only the drain keeps the process up.
        startApplication("carryover.archive.max-retry-backoff=500ms", "carryover.archive.drain-timeout=5m");
        link.cut();
        String text = "said while PostgreSQL is away " + UUID.randomUUID();
        try (TestSocket guest = TestSocket.connect(relay())) {
            configure(guest);
            say(guest, text);

            process.destroy(); // SIGTERM

            assertEquals(new TestSocket.CloseStatus(1012, "service restart"), guest.closeStatus(PATIENCE), output());
        }
        assertTrue(process.isAlive(), "the drain waits for PostgreSQL: " + output());
        assertEquals(0, countMessages(text), "nothing was written before PostgreSQL came back");

        link.restore();
        assertTrue(process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS), "the process exits: " + output());
        assertEquals(SIGTERM_EXIT, process.exitValue(), "exit status");
        assertEquals(1, countMessages(text), "the drain wrote the buffered message before the process exited");
        assertNoErrorLogged();
    }

    // ---- the stand-in Genesys guest API: a session for every configure, an Inbound echo for every text

    private static void genesys(ServerWebSocket socket) {
        socket.textMessageHandler(frame -> {
            JsonNode request;
            try {
                request = JSON.readTree(frame);
            } catch (IOException e) {
                return;
            }
            String tracingId = request.path("tracingId").asText();
            switch (request.path("action").asText()) {
                case "configureSession" -> {
                    ObjectNode response = JSON.createObjectNode().put("type", "response")
                            .put("class", "SessionResponse").put("code", 200).put("tracingId", tracingId);
                    response.putObject("body").put("connected", true).put("newSession", true).put("readOnly", false);
                    socket.writeTextMessage(response.toString());
                }
                case "onMessage" -> {
                    ObjectNode echo = JSON.createObjectNode().put("type", "message").put("class", "StructuredMessage")
                            .put("code", 200);
                    ObjectNode body = echo.putObject("body").put("type", "Text").put("direction", "Inbound")
                            .put("id", HexFormat.of().formatHex(uuidBytes()))
                            .put("text", request.path("message").path("text").asText());
                    body.putObject("channel").put("time", Instant.now().toString()).put("type", "Private");
                    socket.writeTextMessage(echo.toString());
                }
                default -> {
                    // nothing else matters here
                }
            }
        });
    }

    private URI relay() {
        return URI.create("ws://127.0.0.1:" + port + "/v1?deploymentId=" + DEPLOYMENT + "&application=it");
    }

    private static void say(TestSocket guest, String text) throws IOException {
        guest.send(request("onMessage").set("message", JSON.createObjectNode().put("type", "Text").put("text", text))
                .toString());
        assertEquals(text, JSON.readTree(guest.next(PATIENCE)).path("body").path("text").asText(),
                "relayed there and back");
    }

    private static ObjectNode request(String action) {
        return JSON.createObjectNode().put("action", action).put("token", UUID.randomUUID().toString())
                .put("tracingId", UUID.randomUUID().toString());
    }

    private static void configure(TestSocket guest) throws IOException {
        guest.send(request("configureSession").put("deploymentId", DEPLOYMENT).put("startNew", true).toString());
        assertEquals("SessionResponse", JSON.readTree(guest.next(PATIENCE)).path("class").asText());
    }

    private static byte[] uuidBytes() {
        UUID id = UUID.randomUUID();
        return java.nio.ByteBuffer.allocate(16).putLong(id.getMostSignificantBits())
                .putLong(id.getLeastSignificantBits()).array();
    }

    // ---- the database, read and written directly

    /** Due outbox jobs, written in one transaction so that one claim takes them all. */
    private List<UUID> insertDueJobs(int count) throws SQLException {
        List<UUID> jobs = new ArrayList<>();
        Timestamp now = Timestamp.from(Instant.now());
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            for (int i = 0; i < count; i++) {
                UUID customer = UUID.randomUUID();
                UUID session = UUID.randomUUID();
                UUID conversation = UUID.randomUUID();
                execute(c, "insert into customer (id, issuer, subject, created_at) values (?, ?, ?, ?)",
                        customer, "https://issuer.example/shutdown-it", customer.toString(), now);
                execute(c, "insert into guest_session (id, deployment_id, token_hash, customer_id, created_at,"
                        + " last_seen_at) values (?, ?, ?, ?, ?, ?)", session, DEPLOYMENT,
                        HexFormat.of().formatHex(uuidBytes()) + HexFormat.of().formatHex(uuidBytes()), customer, now,
                        now);
                execute(c, "insert into conversation (id, deployment_id, customer_id, session_id, started_at, state)"
                        + " values (?, ?, ?, ?, ?, 'ACTIVE')", conversation, DEPLOYMENT, customer, session, now);
                execute(c, "insert into enrichment_job (conversation_id, first_message_id, first_echo_at, state,"
                        + " attempts, next_attempt_at, deadline_at, created_at) values (?, ?, ?, 'PENDING', 0, ?, ?, ?)",
                        conversation, "shutdown-it-" + conversation, now, now,
                        Timestamp.from(now.toInstant().plusSeconds(600)), now);
                jobs.add(conversation);
            }
            c.commit();
        }
        return jobs;
    }

    private Instant lease(UUID job) throws SQLException {
        Timestamp lease = (Timestamp) value("select locked_until from enrichment_job where conversation_id = ?", job);
        return lease == null ? null : lease.toInstant();
    }

    private int attempts(UUID job) throws SQLException {
        return ((Number) value("select attempts from enrichment_job where conversation_id = ?", job)).intValue();
    }

    private long countMessages(String text) throws SQLException {
        return ((Number) value("select count(*) from message where text = ?", text)).longValue();
    }

    private Object value(String sql, Object parameter) throws SQLException {
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, parameter);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), sql + " found no row");
                return rs.getObject(1);
            }
        }
    }

    private static void execute(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }

    private Connection connection() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database.getHost(), database.getPort()), user(), password());
    }

    private static String user() {
        return env("CARRYOVER_TEST_DB_USER", "postgres");
    }

    private static String password() {
        return env("CARRYOVER_TEST_DB_PASSWORD", "");
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    // ---- the process

    /** The application's log records (JSON lines); anything else on stdout fails the test. */
    private List<JsonNode> logRecords() throws IOException {
        List<JsonNode> records = new ArrayList<>();
        for (String line : Files.readAllLines(stdout)) {
            if (!line.isBlank()) {
                records.add(JSON.readTree(line));
            }
        }
        return records;
    }

    private void assertNoErrorLogged() throws IOException {
        assertEquals(List.of(), logRecords().stream().filter(r -> "ERROR".equals(r.path("level").asText())).toList());
    }

    private String output() {
        try {
            return "\n--- stdout\n" + Files.readString(stdout) + "\n--- stderr\n" + Files.readString(stderr);
        } catch (IOException e) {
            return "(output unreadable: " + e + ")";
        }
    }

    /**
     * Connection refused (the HTTP server is closed), the connection closed before the handshake ended (the server was
     * closing as it was accepted), or, while the relay closes guests, 503 to the upgrade.
     */
    private void assertNewGuestsAreRefused() throws Exception {
        try {
            vertx.createWebSocketClient().connect(port, "127.0.0.1", "/v1?deploymentId=" + DEPLOYMENT)
                    .toCompletionStage().toCompletableFuture().get(PATIENCE.toSeconds(), TimeUnit.SECONDS).close();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UpgradeRejectedException rejected) {
                assertEquals(503, rejected.getStatus(), "an upgrade during shutdown");
                return;
            }
            if (e.getCause() instanceof ConnectException || e.getCause() instanceof WebSocketHandshakeException) {
                return;
            }
            throw e;
        }
        fail("a new guest was accepted during shutdown");
    }

    private static int listen(HttpServer server) throws Exception {
        return server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                .actualPort();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
