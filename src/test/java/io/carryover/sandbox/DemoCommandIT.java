package io.carryover.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The README's demo command as a newcomer runs it: {@code ./mvnw -B -Pdemo package} builds the sandbox artefact
 * and runs it in the foreground. Its banner comes only once the port answers, with addresses that answer, and it
 * stops cleanly: a signal to the application is a normal end of the build, a signal to Maven alone leaves no
 * application behind. A whole Maven build per test (minutes), so opt-in:
 * {@code ./mvnw -B verify -Dit.test=DemoCommandIT -Dcarryover.demo-it=true}.
 */
@EnabledIfSystemProperty(named = "carryover.demo-it", matches = "true")
class DemoCommandIT {

    private static final Duration BUILD_AND_START = Duration.ofMinutes(8);
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String READY = "Carryover demo is ready: open ";

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private Process maven;
    private Path output;

    @AfterEach
    void stop() throws Exception {
        if (maven != null) {
            maven.descendants().forEach(ProcessHandle::destroyForcibly);
            maven.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void theBannerComesOnceThePortAnswersAndTheApplicationEndingByASignalIsNoBuildFailure() throws Exception {
        int port = start();
        assertEquals(302, get(port, "/").statusCode(), "/ leads to the demo page");
        assertEquals(Optional.of("/sandbox/"), get(port, "/").headers().firstValue("Location"));
        assertEquals(200, get(port, "/sandbox/").statusCode());
        JsonNode index = new ObjectMapper().readTree(get(port, "/sandbox/api").body());
        assertTrue(index.path("endpoints").size() > 0, index.toString());
        assertEquals(200, get(port, "/q/health").statusCode());

        ProcessHandle application = application();
        application.destroy(); // SIGTERM, as a container stop or a kill would
        assertTrue(maven.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS), "Maven ends with the application");
        String log = Files.readString(output);
        assertEquals(0, maven.exitValue(), log);
        assertTrue(log.contains("BUILD SUCCESS"), log);
        assertFalse(log.contains("BUILD FAILURE"), log);
    }

    @Test
    void stoppingMavenAloneStopsTheApplication() throws Exception {
        start();
        ProcessHandle application = application();
        maven.destroy(); // SIGTERM to the Maven process only (mvnw execs Maven's JVM)
        assertTrue(maven.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS));
        Awaitility.await().atMost(PATIENCE).until(() -> !application.isAlive());
        assertFalse(Files.readString(output).contains("BUILD FAILURE"));
    }

    @BeforeEach
    void name(TestInfo test) {
        output = Path.of("target", "demo-command-" + test.getTestMethod().orElseThrow().getName() + ".log");
    }

    /** Starts the command; returns its port once the banner is out, asserting that the port answers by then. */
    private int start() throws Exception {
        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder("./mvnw", "-B", "-Pdemo", "package").redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().put("PORT", Integer.toString(port));
        String database = System.getenv("CARRYOVER_TEST_DB_URL");
        if (database != null) {
            builder.environment().put("CARRYOVER_DB_URL", database);
        }
        maven = builder.start();
        Awaitility.await().atMost(BUILD_AND_START).pollInterval(Duration.ofMillis(50))
                .until(() -> Files.readString(output).contains(READY) || !maven.isAlive());
        String log = Files.readString(output);
        assertTrue(log.contains(READY), "no banner: " + log);
        // Read at once after the banner: the banner promised a listening port.
        assertEquals(200, get(port, "/sandbox/").statusCode());
        assertTrue(log.contains(READY + "http://localhost:" + port + "/sandbox/"), log);
        return port;
    }

    private ProcessHandle application() {
        return maven.descendants().filter(p -> p.info().commandLine().orElse("").contains("quarkus-run.jar"))
                .findFirst().orElseThrow(() -> new AssertionError("no application process under Maven"));
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
