package io.carryover.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.carryover.testing.Guest;
import io.carryover.testing.Metrics;
import io.carryover.testing.RawSocket;
import io.carryover.testing.TestSocket;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** What Genesys sends is held to the same rules as what clients send: whole messages, bounded, valid UTF-8. */
@QuarkusTest
@TestProfile(MirrorProfile.class)
class RelayUpstreamEdgeTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String PATH = "/v1?deploymentId=upstream-edge";
    private static final URI RELAY = URI.create("ws://localhost:" + Guest.PORT + PATH);
    /** carryover.relay.max-upstream-message-bytes, default. */
    private static final int MAX = 1_048_576;

    @BeforeEach
    void reset() {
        MirrorUpstream.reset();
        RecordingTap.SEEN.clear();
    }

    @Test
    void invalidUtf8FromUpstreamClosesTheClientWith1007AndNothingOfItIsForwarded() throws Exception {
        double before = Metrics.value("carryover_relay_closed_total", "reason=\"upstream-invalid-utf8\"");
        try (RawSocket guest = RawSocket.connect(Guest.PORT, PATH)) {
            guest.sendText("mirror:invalid-utf8");
            RawSocket.Frame first = guest.next(WAIT);
            assertEquals(RawSocket.CLOSE, first.opcode(), "no data frame, repaired or not, before the close");
            assertEquals(1007, first.closeCode());
        }
        assertNotNull(MirrorUpstream.awaitClose(1000, WAIT), "upstream released normally");
        assertEquals(before + 1, Metrics.value("carryover_relay_closed_total", "reason=\"upstream-invalid-utf8\""));
    }

    @Test
    void aFragmentedUpstreamMessageIsReassembledAndForwardedIntact() throws Exception {
        // Split by bytes into fragments that end inside two- and three-byte characters.
        String message = "{\"action\":\"echo\",\"tracingId\":\"" + RecordingTap.MARK + "é€".repeat(5_000) + "\"}";
        try (TestSocket guest = TestSocket.connect(RELAY)) {
            guest.send("mirror:fragments:7:" + message);
            assertEquals(message, guest.next(WAIT));
        }
        assertTrue(RecordingTap.SEEN.contains("upstream " + message), "the archive saw the whole message");
    }

    @Test
    void upstreamMessagesUpToTheBoundAreRelayedAndLargerOnesAreTooBig() throws Exception {
        try (TestSocket guest = TestSocket.connect(RELAY)) {
            guest.send("mirror:sized:" + MAX);
            assertEquals("x".repeat(MAX), guest.next(WAIT));
            guest.send("mirror:sized-fragments:" + MAX);
            assertEquals("x".repeat(MAX), guest.next(WAIT));
        }
        for (String command : new String[] { "mirror:sized:", "mirror:sized-fragments:" }) {
            double before = Metrics.value("carryover_relay_closed_total", "reason=\"upstream-oversize\"");
            try (TestSocket guest = TestSocket.connect(RELAY)) {
                guest.send(command + (MAX + 1));
                assertEquals(1009, guest.closeStatus(WAIT).code(), command);
            }
            assertEquals(before + 1, Metrics.value("carryover_relay_closed_total", "reason=\"upstream-oversize\""),
                    command);
        }
    }
}
