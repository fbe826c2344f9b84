package io.carryover.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.carryover.testing.Guest;
import io.carryover.testing.GuestFrameSamples;
import io.carryover.testing.GuestSchema;
import io.carryover.testing.Metrics;
import io.carryover.testing.TestSocket;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.websockets.next.CloseReason;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;

/** The relay against an upstream that mirrors frames: what goes in must come out, byte for byte and in order. */
@QuarkusTest
@TestProfile(MirrorProfile.class)
class RelayMirrorTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String QUERY = "deploymentId=0b9a1c5e-0000-4000-8000-000000000001&application=My%20App%20%26%20Co";
    private static final URI RELAY = URI.create("ws://localhost:" + Guest.PORT + "/v1?" + QUERY);

    @Inject
    Vertx vertx;

    @BeforeEach
    void reset() {
        MirrorUpstream.reset();
    }

    @Test
    void everyFrameClassIsRelayedUnchangedAndInOrderBothWays() throws Exception {
        Map<String, String> samples = GuestFrameSamples.byClass();
        // The samples are real-shaped: each validates against the schema ("Unknown" has no body definition there).
        samples.forEach((frameClass, frame) -> {
            if (!frameClass.equals("Unknown")) {
                GuestSchema.assertValidServerFrame(frame);
            }
        });
        try (TestSocket guest = TestSocket.connect(RELAY)) {
            for (String frame : samples.values()) {
                guest.send(frame);
            }
            for (String expected : samples.values()) {
                assertEquals(expected, MirrorUpstream.RECEIVED.poll(5, TimeUnit.SECONDS), "client → upstream");
            }
            for (String expected : samples.values()) {
                assertEquals(expected, guest.next(WAIT), "upstream → client");
            }
        }
    }

    @Test
    void theArchiveSeesEachUpstreamFrameBeforeTheClientCanAnswerIt() throws Exception {
        RecordingTap.SEEN.clear();
        String request = "{\"action\":\"echo\",\"tracingId\":\"" + RecordingTap.SLOW + "\"}";
        String answer = "{\"action\":\"echo\",\"tracingId\":\"" + RecordingTap.MARK + "answer\"}";
        try (TestSocket guest = TestSocket.connect(RELAY)) {
            guest.send(request);
            assertEquals(request, guest.next(WAIT));
            guest.send(answer);
            assertEquals(answer, guest.next(WAIT));
        }
        // The tap held the mirrored request: had the client received it first, its answer would be recorded ahead.
        assertEquals(List.of("client " + request, "upstream " + request, "client " + answer, "upstream " + answer),
                List.copyOf(RecordingTap.SEEN));
    }

    @Test
    void manyConcurrentSessionsEachGetTheirOwnUpstream() throws Exception {
        // Well above an HTTP client's default pool size (50): every guest connection needs its own upstream socket.
        List<TestSocket> guests = new ArrayList<>();
        try {
            for (int i = 0; i < 120; i++) {
                guests.add(TestSocket.connect(RELAY));
            }
            for (int i = 0; i < guests.size(); i++) {
                guests.get(i).send("{\"action\":\"echo\",\"tracingId\":\"guest-" + i + "\"}");
            }
            for (int i = 0; i < guests.size(); i++) {
                assertEquals("{\"action\":\"echo\",\"tracingId\":\"guest-" + i + "\"}", guests.get(i).next(WAIT));
            }
        } finally {
            guests.forEach(TestSocket::close);
        }
    }

    @Test
    void queryStringAndConfiguredOriginGoUpstreamButTheBearerDoesNot() throws Exception {
        try (TestSocket guest = TestSocket.connect(RELAY,
                Map.of("Authorization", "Bearer not-for-genesys", "Origin", "https://evil.example"), List.of())) {
            guest.send("{\"action\":\"echo\"}");
            guest.next(WAIT);
        }
        MirrorUpstream.Handshake handshake = MirrorUpstream.HANDSHAKES.poll(5, TimeUnit.SECONDS);
        assertNotNull(handshake);
        assertEquals("/test-upstream/v1", handshake.path(), "exactly the configured path");
        assertEquals(QUERY, handshake.query());
        assertEquals(List.of("https://chat.example.com"), header(handshake, "Origin"));
        assertNull(header(handshake, "Authorization"));
        assertNull(header(handshake, "Sec-WebSocket-Protocol"));
    }

    @Test
    void clientCloseCodeAndReasonReachUpstream() throws Exception {
        TestSocket guest = TestSocket.connect(RELAY);
        guest.send("{\"action\":\"echo\"}");
        guest.next(WAIT);
        guest.closeWith(4000, "customer left");
        CloseReason seen = MirrorUpstream.awaitClose(4000, WAIT);
        assertNotNull(seen, "upstream saw the client's close code");
        assertEquals("customer left", seen.getMessage());
    }

    @Test
    void upstreamCloseCodeAndReasonReachTheClient() throws Exception {
        try (TestSocket guest = TestSocket.connect(RELAY)) {
            guest.send("mirror:close:4002:upstream says bye");
            TestSocket.CloseStatus status = guest.closeStatus(WAIT);
            assertEquals(4002, status.code());
            assertEquals("upstream says bye", status.reason());
        }
    }

    @Test
    void binaryFramesAreRefusedWithUnsupportedData() throws Exception {
        double before = Metrics.value("carryover_relay_closed_total", "reason=\"binary\"");
        try (TestSocket guest = TestSocket.connect(RELAY)) {
            guest.sendBinary(new byte[] { 1, 2, 3 });
            assertEquals(1003, guest.closeStatus(WAIT).code());
        }
        assertNotNull(MirrorUpstream.awaitClose(1000, WAIT), "upstream released normally");
        assertEquals(before + 1, Metrics.value("carryover_relay_closed_total", "reason=\"binary\""));
    }

    @Test
    void oversizeFramesAreRefusedWithTooBig() throws Exception {
        double before = Metrics.value("carryover_relay_closed_total", "reason=\"oversize\"");
        try (TestSocket guest = TestSocket.connect(RELAY)) {
            guest.send("{\"action\":\"onMessage\",\"message\":{\"type\":\"Text\",\"text\":\"" + "a".repeat(70_000) + "\"}}");
            TestSocket.CloseStatus status = guest.closeStatus(WAIT);
            assertEquals(1009, status.code());
        }
        assertTrue(MirrorUpstream.RECEIVED.isEmpty(), "an oversize frame is not forwarded");
        assertEquals(before + 1, Metrics.value("carryover_relay_closed_total", "reason=\"oversize\""));
    }

    @Test
    void multiByteTextCountsInBytesNotCharacters() throws Exception {
        try (TestSocket guest = TestSocket.connect(RELAY)) {
            guest.send("€".repeat(30_000)); // 30,000 chars, 90,000 bytes
            assertEquals(1009, guest.closeStatus(WAIT).code());
        }
    }

    @Test
    void aClientThatStopsReadingIsClosedInsteadOfBuffered() throws Exception {
        double before = Metrics.value("carryover_relay_closed_total", "reason=\"client-not-reading\"");
        WebSocketClient client = vertx.createWebSocketClient();
        try {
            WebSocket ws = client.connect(new WebSocketConnectOptions().setPort(Guest.PORT).setHost("localhost")
                    .setURI("/v1?" + QUERY)).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            ws.pause(); // stop reading: the TCP window fills, then the relay's own limit trips
            ws.writeTextMessage("mirror:flood:4000:16384");
            // An earlier test's guest may still be closing (1000, its own reason): wait for this one's.
            CloseReason upstreamClose = MirrorUpstream.awaitClose(1000, "client connection closed by relay",
                    Duration.ofSeconds(20));
            assertNotNull(upstreamClose, "the relay gave up on the stalled client and released upstream");
            ws.fetch(Long.MAX_VALUE);
        } finally {
            client.close();
        }
        assertEquals(before + 1, Metrics.value("carryover_relay_closed_total", "reason=\"client-not-reading\""));
    }

    private static List<String> header(MirrorUpstream.Handshake handshake, String name) {
        return handshake.headers().entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }
}
