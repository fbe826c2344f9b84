package io.carryover.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;

import org.junit.jupiter.api.Test;

import io.carryover.testing.Guest;
import io.carryover.testing.Metrics;
import io.carryover.testing.TestSocket;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PfxOptions;

/**
 * A {@code wss} upstream is spoken to over TLS and its certificate is verified: a server whose certificate no trusted
 * CA signed is refused, and the client learns it with 1011.
 */
@QuarkusTest
@TestProfile(UpstreamTlsTest.UntrustedUpstream.class)
class UpstreamTlsTest {

    /** Failures the TLS upstream saw on its side of the handshake. */
    static final BlockingQueue<Throwable> SERVER_FAILURES = new LinkedBlockingQueue<>();

    public static class UntrustedUpstream implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(SelfSignedServer.class));
        }
    }

    public static class SelfSignedServer implements QuarkusTestResourceLifecycleManager {
        private Vertx vertx;

        @Override
        public Map<String, String> start() {
            vertx = Vertx.vertx();
            try {
                HttpServer server = vertx.createHttpServer(new HttpServerOptions().setSsl(true)
                                .setKeyCertOptions(selfSigned()))
                        .exceptionHandler(SERVER_FAILURES::add)
                        .webSocketHandler(ws -> ws.close())
                        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                return Map.of("carryover.relay.upstream-url", "wss://localhost:" + server.actualPort() + "/v1");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        /** A certificate for localhost that no CA signed (keytool: Netty's generator needs internals or BouncyCastle). */
        private static PfxOptions selfSigned() throws Exception {
            Path store = Files.createTempDirectory("upstream-tls").resolve("upstream.p12");
            Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "upstream", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=localhost", "-ext", "SAN=dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                    "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
                    .redirectErrorStream(true).start();
            keytool.getInputStream().transferTo(OutputStream.nullOutputStream());
            if (!keytool.waitFor(30, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
                throw new IllegalStateException("keytool failed");
            }
            return new PfxOptions().setPath(store.toString()).setPassword("changeit");
        }

        @Override
        public void stop() {
            vertx.close();
        }
    }

    @Test
    void anUpstreamCertificateNoTrustedCaSignedIsRefused() throws Exception {
        double before = Metrics.value("carryover_relay_closed_total", "reason=\"upstream-unavailable\"");
        try (TestSocket guest = TestSocket.connect(URI.create("ws://localhost:" + Guest.PORT + "/v1?deploymentId=d"))) {
            guest.send("{\"action\":\"echo\"}");
            TestSocket.CloseStatus status = guest.closeStatus(Duration.ofSeconds(15));
            assertEquals(1011, status.code());
            assertEquals("upstream unavailable", status.reason());
        }
        Throwable seen = SERVER_FAILURES.poll(5, TimeUnit.SECONDS);
        assertNotNull(seen, "the relay started a TLS handshake");
        assertTrue(seen instanceof SSLException || seen.getCause() instanceof SSLException, seen::toString);
        assertEquals(before + 1, Metrics.value("carryover_relay_closed_total", "reason=\"upstream-unavailable\""));
    }
}
