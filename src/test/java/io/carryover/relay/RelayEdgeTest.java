package io.carryover.relay;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.carryover.testing.Guest;
import io.carryover.testing.LogCapture;
import io.carryover.testing.Metrics;
import io.carryover.testing.RawSocket;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** WebSocket edge cases through real TCP sockets: sizes, fragments, encodings, resets and clients that stop reading. */
@QuarkusTest
@TestProfile(MirrorProfile.class)
class RelayEdgeTest {

    private static final int PING = 0x9;

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String PATH = "/v1?deploymentId=edge";
    private static final int MAX = 65_536;

    @BeforeEach
    void reset() {
        MirrorUpstream.reset();
    }

    @Test
    void framesUpToTheLimitAreRelayedByteForByteAndOneByteMoreIsTooBig() throws Exception {
        // Multi-byte characters so that bytes, not characters, are counted: 4 + 3 * n + tail = exactly MAX bytes.
        String exact = exactly(MAX);
        try (RawSocket guest = RawSocket.connect(Guest.PORT, PATH)) {
            guest.sendText(exact);
            RawSocket.Frame echoed = guest.next(WAIT);
            assertArrayEquals(exact.getBytes(StandardCharsets.UTF_8), echoed.payload());
        }
        double before = Metrics.value("carryover_relay_closed_total", "reason=\"oversize\"");
        try (RawSocket guest = RawSocket.connect(Guest.PORT, PATH)) {
            guest.sendText(exactly(MAX + 1));
            assertEquals(1009, guest.closeCode(WAIT));
        }
        assertEquals(before + 1, Metrics.value("carryover_relay_closed_total", "reason=\"oversize\""));
        assertEquals(java.util.List.of(exact), java.util.List.copyOf(MirrorUpstream.RECEIVED),
                "only the frame within the limit went upstream");
    }

    @Test
    void fragmentedMessagesAreReassembledAndBoundedAsAWhole() throws Exception {
        String message = "{\"action\":\"echo\",\"tracingId\":\"" + "é".repeat(20_000) + "\"}";
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        try (RawSocket guest = RawSocket.connect(Guest.PORT, PATH)) {
            // Split inside a two-byte character: fragments need not be valid UTF-8 on their own.
            guest.send(RawSocket.TEXT, false, java.util.Arrays.copyOfRange(bytes, 0, 10_001));
            guest.send(RawSocket.CONTINUATION, false, java.util.Arrays.copyOfRange(bytes, 10_001, 25_000));
            guest.send(RawSocket.CONTINUATION, true, java.util.Arrays.copyOfRange(bytes, 25_000, bytes.length));
            assertEquals(message, guest.next(WAIT).text());
        }
        double before = Metrics.value("carryover_relay_closed_total", "reason=\"oversize\"");
        try (RawSocket guest = RawSocket.connect(Guest.PORT, PATH)) {
            byte[] chunk = "a".repeat(30_000).getBytes(StandardCharsets.UTF_8);
            guest.send(RawSocket.TEXT, false, chunk);
            guest.send(RawSocket.CONTINUATION, false, chunk);
            guest.send(RawSocket.CONTINUATION, true, chunk);
            assertEquals(1009, guest.closeCode(WAIT));
        }
        assertEquals(before + 1, Metrics.value("carryover_relay_closed_total", "reason=\"oversize\""));
    }

    @Test
    void aFrameAboveTheTransportLimitIsCountedAndNotLoggedAsAnError() throws Exception {
        double before = Metrics.value("carryover_relay_closed_total", "reason=\"oversize\"");
        try (LogCapture logs = LogCapture.start(); RawSocket guest = RawSocket.connect(Guest.PORT, PATH)) {
            try {
                guest.send(RawSocket.TEXT, true, new byte[1_048_577]);
            } catch (java.io.IOException cut) {
                // The server may end the connection while the rest of the frame is still being sent.
            }
            int code = guest.closeCode(WAIT);
            assertTrue(code == 1009 || code == 1006, "closed, got " + code);
            await().atMost(5, TimeUnit.SECONDS).until(
                    () -> Metrics.value("carryover_relay_closed_total", "reason=\"oversize\"") == before + 1);
            assertTrue(logs.lines().stream().noneMatch(l -> l.level().intValue() >= Level.SEVERE.intValue()),
                    () -> "no ERROR: " + logs.lines());
        }
    }

    @Test
    void invalidUtf8IsRefusedWith1007AndNothingIsForwarded() throws Exception {
        double before = Metrics.value("carryover_relay_closed_total", "reason=\"invalid-utf8\"");
        try (RawSocket guest = RawSocket.connect(Guest.PORT, PATH)) {
            byte[] frame = "{\"action\":\"echo\",\"tracingId\":\"xx\"}".getBytes(StandardCharsets.UTF_8);
            frame[30] = (byte) 0xC3; // a lead byte followed by '"' instead of a continuation byte
            guest.send(RawSocket.TEXT, true, frame);
            assertEquals(1007, guest.closeCode(WAIT));
        }
        assertEquals(before + 1, Metrics.value("carryover_relay_closed_total", "reason=\"invalid-utf8\""));
        assertTrue(MirrorUpstream.RECEIVED.isEmpty(), "nothing was forwarded, repaired or not");
    }

    @Test
    void fourByteCharactersSplitAcrossFragmentsAreRelayedByteExact() throws Exception {
        String message = "{\"action\":\"echo\",\"tracingId\":\"" + "\uD83D\uDE00".repeat(1_000) + "\"}";
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        int start = 30; // the first emoji's first byte
        try (RawSocket guest = RawSocket.connect(Guest.PORT, PATH)) {
            // One cut at a code point boundary, one inside a four-byte sequence.
            guest.send(RawSocket.TEXT, false, java.util.Arrays.copyOfRange(bytes, 0, start + 4 * 100));
            guest.send(RawSocket.CONTINUATION, false, java.util.Arrays.copyOfRange(bytes, start + 4 * 100,
                    start + 4 * 200 + 3));
            guest.send(RawSocket.CONTINUATION, true, java.util.Arrays.copyOfRange(bytes, start + 4 * 200 + 3,
                    bytes.length));
            assertArrayEquals(bytes, guest.next(WAIT).payload());
        }
        assertEquals(java.util.List.of(message), java.util.List.copyOf(MirrorUpstream.RECEIVED));
    }

    @Test
    void invalidUtf8InTheLastFragmentIsRefusedWith1007() throws Exception {
        byte[] bytes = "{\"action\":\"echo\",\"tracingId\":\"xx\"}".getBytes(StandardCharsets.UTF_8);
        bytes[bytes.length - 3] = (byte) 0xF0; // a four-byte lead with two bytes left, neither a continuation byte
        try (RawSocket guest = RawSocket.connect(Guest.PORT, PATH)) {
            guest.send(RawSocket.TEXT, false, java.util.Arrays.copyOfRange(bytes, 0, 10));
            guest.send(RawSocket.CONTINUATION, true, java.util.Arrays.copyOfRange(bytes, 10, bytes.length));
            assertEquals(1007, guest.closeCode(WAIT));
        }
        assertTrue(MirrorUpstream.RECEIVED.isEmpty(), "nothing was forwarded");
    }

    @Test
    void overlongEncodingsAndSurrogatesAreInvalidUtf8() throws Exception {
        // What a lenient check would let through: an overlong '/', an encoded surrogate, a code point above U+10FFFF.
        for (byte[] bad : new byte[][] { { (byte) 0xC0, (byte) 0xAF }, { (byte) 0xED, (byte) 0xA0, (byte) 0x80 },
                { (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80 } }) {
            byte[] frame = new byte[bad.length + 2];
            frame[0] = '"';
            System.arraycopy(bad, 0, frame, 1, bad.length);
            frame[frame.length - 1] = '"';
            try (RawSocket guest = RawSocket.connect(Guest.PORT, PATH)) {
                guest.send(RawSocket.TEXT, true, frame);
                assertEquals(1007, guest.closeCode(WAIT), java.util.HexFormat.of().formatHex(bad));
            }
        }
        assertTrue(MirrorUpstream.RECEIVED.isEmpty(), "nothing was forwarded");
    }

    @Test
    void aValidReplacementCharacterIsNotMistakenForInvalidUtf8() throws Exception {
        String frame = "{\"action\":\"echo\",\"tracingId\":\"\uFFFD\"}";
        try (RawSocket guest = RawSocket.connect(Guest.PORT, PATH)) {
            guest.sendText(frame);
            assertEquals(frame, guest.next(WAIT).text());
        }
    }

    @Test
    void tcpResetsAreCountedAndLoggedAtDebugOnly() throws Exception {
        double before = Metrics.value("carryover_relay_errors_total", "side=\"client\"");
        try (LogCapture logs = LogCapture.start()) {
            for (int i = 0; i < 20; i++) {
                RawSocket guest = RawSocket.connect(Guest.PORT, PATH);
                guest.sendText("{\"action\":\"echo\",\"tracingId\":\"reset-" + i + "\"}");
                guest.next(WAIT);
                guest.reset();
            }
            await().atMost(10, TimeUnit.SECONDS).until(
                    () -> Metrics.value("carryover_relay_errors_total", "side=\"client\"") >= before + 20);
            assertTrue(logs.lines().stream().noneMatch(l -> l.level().intValue() >= Level.WARNING.intValue()),
                    () -> "nothing above DEBUG: " + logs.lines());
        }
    }

    @Test
    void aClientThatNeverReadsIsShutAfterTheCloseTimeout() throws Exception {
        double before = Metrics.value("carryover_relay_closed_total", "reason=\"close-timeout\"");
        // A small receive buffer: the window closes quickly once we stop reading.
        RawSocket guest = RawSocket.connect(Guest.PORT, PATH, 4096);
        try {
            guest.sendText("mirror:flood:4000:16384");
            // The relay gives up on us (1008) but cannot deliver the close frame; it must reset the TCP connection.
            // Our end learns it without reading anything: a tiny write (a ping) fails once the reset has arrived.
            await().atMost(40, TimeUnit.SECONDS).pollInterval(200, TimeUnit.MILLISECONDS).until(() -> {
                try {
                    guest.send(PING, true, new byte[0]);
                    return false;
                } catch (java.io.IOException reset) {
                    return true;
                }
            });
            assertTrue(Metrics.value("carryover_relay_closed_total", "reason=\"close-timeout\"") >= before + 1,
                    "counted as close-timeout");
            assertNotNull(MirrorUpstream.awaitClose(1000, WAIT), "upstream released");
        } finally {
            guest.close();
        }
    }

    @Test
    void missingTokenConnectionsAreCounted() throws Exception {
        double before = Metrics.value("carryover_identity_verifications_total", "outcome=\"missing\"");
        try (RawSocket guest = RawSocket.connect(Guest.PORT, PATH)) {
            guest.sendText("{\"action\":\"echo\"}");
            guest.next(WAIT);
        }
        assertEquals(before + 1, Metrics.value("carryover_identity_verifications_total", "outcome=\"missing\""));
    }

    /** A JSON-ish text of exactly {@code bytes} UTF-8 bytes, mostly three-byte characters. */
    private static String exactly(int bytes) {
        StringBuilder text = new StringBuilder("\"");
        int size = 1;
        while (size + 3 <= bytes - 1) {
            text.append('€');
            size += 3;
        }
        while (size < bytes - 1) {
            text.append('a');
            size++;
        }
        String result = text.append('"').toString();
        assertEquals(bytes, result.getBytes(StandardCharsets.UTF_8).length);
        return result;
    }

}
