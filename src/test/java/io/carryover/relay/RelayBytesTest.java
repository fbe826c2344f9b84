package io.carryover.relay;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.carryover.testing.Guest;
import io.carryover.testing.Metrics;
import io.carryover.testing.RawSocket;
import io.carryover.testing.TestSocket;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The relay forwards the received bytes and hands the same array to the archive tap: nothing may write to it after
 * hand-over (masking towards Genesys, buffer reuse), so the tap must see exactly what was sent, in both directions,
 * under concurrency, and sizes around the single-frame write (64 KiB) must arrive byte-exact.
 */
@QuarkusTest
@TestProfile(MirrorProfile.class)
class RelayBytesTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final URI RELAY = URI.create("ws://localhost:" + Guest.PORT + "/v1?deploymentId=bytes");
    private static final String[] CHARS = { "a", "é", "€", "😀", "\\\"", "ﬀ", " ", "\u0080", "\uFFFD" };

    @BeforeEach
    void reset() {
        MirrorUpstream.reset();
        RecordingTap.KEPT.clear();
    }

    @Test
    void theTapSeesExactlyTheBytesSentBothWaysUnderConcurrency() throws Exception {
        int sockets = 8;
        int perSocket = 60;
        ExecutorService pool = Executors.newFixedThreadPool(sockets);
        Map<String, Integer> sent = new HashMap<>();
        List<Future<List<String>>> runs = new ArrayList<>();
        try {
            for (int s = 0; s < sockets; s++) {
                int socket = s;
                runs.add(pool.submit(() -> {
                    Random random = new Random(socket);
                    List<String> mine = new ArrayList<>();
                    try (TestSocket guest = TestSocket.connect(RELAY)) {
                        // Upstream ready first: until then only max-buffered-bytes may wait, by design.
                        guest.send("{\"action\":\"echo\"}");
                        guest.next(WAIT);
                        for (int i = 0; i < perSocket; i++) {
                            String message = message(random, socket, i);
                            mine.add(message);
                            guest.send(message);
                        }
                        for (String message : mine) {
                            assertEquals(message, guest.next(WAIT), "mirrored unchanged");
                        }
                    }
                    return mine;
                }));
            }
            for (Future<List<String>> run : runs) {
                run.get(2, TimeUnit.MINUTES).forEach(m -> sent.merge(m, 1, Integer::sum));
            }
        } finally {
            pool.shutdownNow();
        }
        await().atMost(WAIT).until(() -> RecordingTap.KEPT.size() >= 2 * sockets * perSocket);
        Map<String, Integer> fromClient = new HashMap<>();
        Map<String, Integer> fromUpstream = new HashMap<>();
        for (RecordingTap.Kept kept : RecordingTap.KEPT) {
            assertArrayEquals(kept.atHandOver(), kept.handedOver(), "the array handed over was written afterwards");
            (kept.direction().equals("client") ? fromClient : fromUpstream)
                    .merge(new String(kept.handedOver(), StandardCharsets.UTF_8), 1, Integer::sum);
        }
        assertEquals(sent, fromClient, "client → upstream as tapped");
        assertEquals(sent, fromUpstream, "upstream → client as tapped");
    }

    @Test
    void upstreamMessagesAroundTheSingleFrameWriteArriveIntact() throws Exception {
        try (TestSocket guest = TestSocket.connect(RELAY)) {
            for (int size : new int[] { 65_535, 65_536, 65_537, 131_073 }) {
                guest.send("mirror:sized:" + size);
                assertEquals("x".repeat(size), guest.next(WAIT), "size " + size);
                guest.send("mirror:sized-fragments:" + size);
                assertEquals("x".repeat(size), guest.next(WAIT), "fragments " + size);
            }
        }
    }

    @Test
    void framesSentBeforeUpstreamIsReadyAreForwardedAndTappedInOrder() throws Exception {
        List<String> sent = new ArrayList<>();
        try (TestSocket guest = TestSocket.connect(RELAY)) {
            for (int i = 0; i < 30; i++) {
                sent.add("{\"action\":\"echo\",\"tracingId\":\"" + RecordingTap.KEEP + "early-" + i + "-é😀\"}");
                guest.send(sent.get(i));
            }
            for (String message : sent) {
                assertEquals(message, MirrorUpstream.RECEIVED.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
            }
            for (String message : sent) {
                assertEquals(message, guest.next(WAIT));
            }
        }
        assertEquals(sent, RecordingTap.KEPT.stream().filter(k -> k.direction().equals("client"))
                .map(k -> new String(k.handedOver(), StandardCharsets.UTF_8)).toList());
    }

    @Test
    void emptyAndOddlyFragmentedTextIsRelayedByteExact() throws Exception {
        byte[] text = "{\"t\":\"é😀\u0000\"}".getBytes(StandardCharsets.UTF_8); // a raw NUL is valid UTF-8
        try (RawSocket guest = RawSocket.connect(Guest.PORT, "/v1?deploymentId=bytes")) {
            guest.send(RawSocket.TEXT, true, new byte[0]);
            assertArrayEquals(new byte[0], guest.next(WAIT).payload(), "an empty text frame");
            guest.send(RawSocket.TEXT, true, text);
            assertArrayEquals(text, guest.next(WAIT).payload());
            // Split inside the emoji, then an empty final continuation.
            guest.send(RawSocket.TEXT, false, Arrays.copyOfRange(text, 0, 10));
            guest.send(RawSocket.CONTINUATION, false, Arrays.copyOfRange(text, 10, text.length));
            guest.send(RawSocket.CONTINUATION, true, new byte[0]);
            assertArrayEquals(text, guest.next(WAIT).payload());
        }
    }

    @Test
    void aFragmentedMessageOfExactlyTheLimitPassesAndOneByteMoreIsTooBig() throws Exception {
        for (int size : new int[] { 65_536, 65_537 }) {
            byte[] message = new byte[size];
            Arrays.fill(message, (byte) 'x');
            byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
            System.arraycopy(euro, 0, message, 30_000, 3); // cut inside it below
            try (RawSocket guest = RawSocket.connect(Guest.PORT, "/v1?deploymentId=bytes")) {
                guest.send(RawSocket.TEXT, false, Arrays.copyOfRange(message, 0, 30_001));
                guest.send(RawSocket.CONTINUATION, true, Arrays.copyOfRange(message, 30_001, size));
                if (size == 65_536) {
                    assertArrayEquals(message, guest.next(WAIT).payload());
                } else {
                    assertEquals(1009, guest.closeCode(WAIT));
                }
            }
        }
    }

    @Test
    void aSequenceCutAtTheEndOfAMessageIsInvalidUtf8() throws Exception {
        for (byte[] cut : new byte[][] { { '"', (byte) 0xE2, (byte) 0x82 }, { '"', (byte) 0xF0, (byte) 0x9F },
                { '"', (byte) 0xC3 } }) {
            try (RawSocket guest = RawSocket.connect(Guest.PORT, "/v1?deploymentId=bytes")) {
                guest.send(RawSocket.TEXT, true, cut);
                assertEquals(1007, guest.closeCode(WAIT));
            }
        }
        assertTrue(MirrorUpstream.RECEIVED.isEmpty(), "nothing was forwarded");
    }

    @Test
    void aBinaryFrameInsideATextMessageIsNotForwarded() throws Exception {
        try (RawSocket guest = RawSocket.connect(Guest.PORT, "/v1?deploymentId=bytes")) {
            guest.send(RawSocket.TEXT, false, "{\"action\":".getBytes(StandardCharsets.UTF_8));
            guest.send(0x2, true, "\"echo\"}".getBytes(StandardCharsets.UTF_8));
            int code = guest.closeCode(WAIT);
            assertTrue(code == 1002 || code == 1003 || code == 1006, "closed, got " + code);
        }
        assertTrue(MirrorUpstream.RECEIVED.isEmpty(), "nothing was forwarded");
    }

    @Test
    void theBytesCounterCountsUtf8BytesBothWays() throws Exception {
        String message = "{\"action\":\"echo\",\"t\":\"€😀\"}"; // 29 characters, 34 bytes
        int bytes = message.getBytes(StandardCharsets.UTF_8).length;
        double toUpstream = Metrics.value("carryover_relay_bytes_total", "direction=\"client-to-upstream\"");
        double toClient = Metrics.value("carryover_relay_bytes_total", "direction=\"upstream-to-client\"");
        try (TestSocket guest = TestSocket.connect(RELAY)) {
            guest.send(message);
            assertEquals(message, guest.next(WAIT));
        }
        assertEquals(toUpstream + bytes, Metrics.value("carryover_relay_bytes_total", "direction=\"client-to-upstream\""));
        assertEquals(toClient + bytes, Metrics.value("carryover_relay_bytes_total", "direction=\"upstream-to-client\""));
    }

    /** JSON-shaped, random multi-byte text from a few bytes to near the 64 KiB client limit. */
    private static String message(Random random, int socket, int i) {
        int length = random.nextInt(4) == 0 ? 4_000 + random.nextInt(16_000) : random.nextInt(200);
        StringBuilder text = new StringBuilder();
        for (int c = 0; c < length; c++) {
            text.append(CHARS[random.nextInt(CHARS.length)]);
        }
        return "{\"action\":\"echo\",\"tracingId\":\"" + RecordingTap.KEEP + socket + "-" + i + "\",\"t\":\"" + text
                + "\"}";
    }
}
