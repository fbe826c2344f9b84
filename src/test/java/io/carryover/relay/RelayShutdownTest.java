package io.carryover.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.carryover.testing.Guest;
import io.carryover.testing.TestSocket;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Step 1 of shutdown, run in-process: the relay's pre-shutdown observer is called as Quarkus calls it on SIGTERM,
 * and its effect is observed on real sockets. Its own profile, so no other test shares the stopped relay.
 */
@QuarkusTest
@TestProfile(RelayShutdownTest.Stopping.class)
class RelayShutdownTest {

    public static class Stopping extends MirrorProfile {
    }

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final URI RELAY = URI.create("ws://localhost:" + Guest.PORT + "/v1?deploymentId=shutdown");

    @Inject
    Relay relay;

    @Test
    void openGuestsAreClosedWith1012AndNewOnesAreRefused() throws Exception {
        MirrorUpstream.reset();
        try (TestSocket first = TestSocket.connect(RELAY); TestSocket second = TestSocket.connect(RELAY)) {
            first.send("{\"action\":\"echo\"}");
            first.next(WAIT);
            second.send("{\"action\":\"echo\"}");
            second.next(WAIT);

            relay.stop(new ShutdownDelayInitiatedEvent());

            for (TestSocket guest : new TestSocket[] { first, second }) {
                TestSocket.CloseStatus status = guest.closeStatus(WAIT);
                assertEquals(1012, status.code());
                assertEquals("service restart", status.reason());
            }
        }
        assertNotNull(MirrorUpstream.awaitClose(1000, WAIT), "upstream released normally");
        WebSocketHandshakeException refused = assertThrows(WebSocketHandshakeException.class,
                () -> TestSocket.connect(RELAY));
        assertEquals(503, refused.getResponse().statusCode());
    }
}
