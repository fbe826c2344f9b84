package io.carryover.relay;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.carryover.testing.Guest;
import io.carryover.testing.LogCapture;
import io.carryover.testing.RawSocket;
import io.carryover.testing.Sandbox;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** With JSON logs and DEBUG on, nothing a guest sends or presents reaches the log; relay lines name the connection. */
@QuarkusTest
@TestProfile(RelayLogTest.Verbose.class)
class RelayLogTest {

    public static class Verbose implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.log.console.json.enabled", "true",
                    "quarkus.log.category.\"io.carryover\".level", "DEBUG");
        }
    }

    @Test
    void noTokenOrTextIsLoggedAndRelayLinesCarryTheConnectionId() throws Exception {
        String text = "my card is " + UUID.randomUUID();
        String bearer = Sandbox.mint("frank-" + UUID.randomUUID());
        String badBearer = Sandbox.mint("grace", Map.of("aud", "someone-else"));
        String threadToken = Guest.newToken();
        String otherThreadToken = Guest.newToken();
        try (LogCapture logs = LogCapture.start()) {
            try (Guest guest = Guest.viaRelay(threadToken, bearer)) {
                guest.configureAuthenticated(false);
                guest.say(text);
            }
            try (Guest guest = Guest.viaRelay(otherThreadToken, badBearer)) {
                guest.configureAuthenticated(false);
                guest.say(text);
            }
            // An error path: a guest that resets its TCP connection mid-session.
            RawSocket reset = RawSocket.connect(Guest.PORT, "/v1?deploymentId=" + Guest.DEPLOYMENT);
            reset.sendText("{\"action\":\"configureSession\",\"deploymentId\":\"" + Guest.DEPLOYMENT + "\",\"token\":\""
                    + Guest.newToken() + "\"}");
            reset.next(Duration.ofSeconds(5));
            reset.reset();
            Thread.sleep(1000);

            List<LogCapture.Line> lines = logs.lines();
            assertFalse(lines.isEmpty(), "DEBUG logging is on");
            for (LogCapture.Line line : lines) {
                for (String secret : List.of(text, bearer, badBearer, threadToken, otherThreadToken)) {
                    assertFalse(line.text().contains(secret), () -> "leaked in " + line.logger());
                }
            }
            List<LogCapture.Line> relayLines = lines.stream()
                    .filter(l -> l.logger().equals(RelaySession.class.getName())).toList();
            assertFalse(relayLines.isEmpty(), "the reset was logged at debug");
            for (LogCapture.Line line : relayLines) {
                assertNotNull(line.connection(), () -> "connection id on " + line.text());
                assertTrue(line.connection().length() > 0);
            }
        }
    }
}
