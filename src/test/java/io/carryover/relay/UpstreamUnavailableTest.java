package io.carryover.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.carryover.testing.Guest;
import io.carryover.testing.TestSocket;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** When Genesys cannot be reached the client learns it at once, with 1011 and a reason. */
@QuarkusTest
@TestProfile(UpstreamUnavailableTest.Unreachable.class)
class UpstreamUnavailableTest {

    public static class Unreachable implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Port 9 (discard) is closed on the test machines: the connection is refused.
            return Map.of("carryover.relay.upstream-url", "ws://127.0.0.1:9/v1");
        }
    }

    @Test
    void refusedUpstreamClosesTheClientWith1011() throws Exception {
        try (TestSocket guest = TestSocket.connect(URI.create("ws://localhost:" + Guest.PORT + "/v1?deploymentId=d"))) {
            guest.send("{\"action\":\"configureSession\",\"deploymentId\":\"d\",\"token\":\"t\"}");
            TestSocket.CloseStatus status = guest.closeStatus(Duration.ofSeconds(15));
            assertEquals(1011, status.code());
            assertEquals("upstream unavailable", status.reason());
        }
    }
}
