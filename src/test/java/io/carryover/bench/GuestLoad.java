package io.carryover.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * Guests speaking the Genesys protocol to any WebSocket URL (Carryover, the sandbox directly, or another proxy in
 * front of it): each configures a session, then sends a message every period (one a second by default) and times the
 * Inbound echo. Sessions that fail to open are counted, not thrown: the report gives them as figures.
 */
final class GuestLoad implements AutoCloseable {

    /** Handshakes (connect, upgrade, configureSession) outstanding at once, at most. */
    private static final int MAX_IN_FLIGHT = Integer.getInteger("bench.inFlight", 200);

    private final Vertx vertx;
    private final WebSocketClient client;
    private final URI target;
    private final List<WebSocket> sockets = new ArrayList<>();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong closedUnconfigured = new AtomicLong();
    /** Close codes of the sessions closed before configured (-1: the TCP connection ended without a close frame). */
    private final Map<Integer, AtomicLong> closeCodes = new ConcurrentSkipListMap<>();
    private long neverConfigured;

    GuestLoad(Vertx vertx, URI target) {
        this.vertx = vertx;
        this.target = target;
        this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000)
                .setConnectTimeout(20_000).setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 20));
    }

    /** Opens {@code count} configured sessions, at most {@code perSecond} new connections a second. */
    void open(int count, int perSecond, LongConsumer latencyMicros, boolean sendEverySecond) throws InterruptedException {
        open(count, perSecond, latencyMicros, sendEverySecond ? 1000 : 0, false);
    }

    /**
     * As above, each session sending every {@code periodMillis} (0: idle) from a random offset; {@code jitter}: each
     * interval drawn from 0.5–1.5 periods, so that sessions drift apart instead of firing in lockstep.
     */
    void open(int count, int perSecond, LongConsumer latencyMicros, long periodMillis, boolean jitter)
            throws InterruptedException {
        CountDownLatch configured = new CountDownLatch(count);
        // At most MAX_IN_FLIGHT handshakes at once: a blind connect rate overruns a loaded machine's sandbox, and the
        // relay then closes guests whose upstream handshake takes longer than its connect timeout (1011).
        Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
        Runnable done = () -> {
            inFlight.release();
            configured.countDown();
        };
        for (int i = 0; i < count; i++) {
            if (!inFlight.tryAcquire(120, TimeUnit.SECONDS)) {
                break;
            }
            String token = UUID.randomUUID().toString();
            WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(target.getHost())
                    .setPort(target.getPort()).setURI(target.getRawPath() + "?" + target.getRawQuery());
            client.connect(options).onComplete(ar -> {
                if (ar.failed()) {
                    failures.incrementAndGet();
                    done.run();
                    return;
                }
                WebSocket ws = ar.result();
                synchronized (sockets) {
                    sockets.add(ws);
                }
                Session session = new Session(ws, token, latencyMicros, periodMillis, jitter);
                ws.textMessageHandler(frame -> session.received(frame, done));
                // A relay that cannot open its upstream (timeout, out of file descriptors) closes the guest instead.
                ws.closeHandler(v -> session.closed(done));
                ws.writeTextMessage("{\"action\":\"configureSession\",\"deploymentId\":\"bench\",\"token\":\""
                        + token + "\",\"startNew\":false}");
            });
            if ((i + 1) % perSecond == 0) {
                Thread.sleep(1000);
            }
        }
        if (!configured.await(120, TimeUnit.SECONDS)) {
            neverConfigured = configured.getCount();
        }
    }

    /** Connects that failed (refused, timed out, upgrade refused). */
    long failures() {
        return failures.get();
    }

    /** Sessions closed by the far end before their SessionResponse. */
    long closedUnconfigured() {
        return closedUnconfigured.get();
    }

    /** Sessions still without a SessionResponse 120 s after the last connect. */
    long neverConfigured() {
        return neverConfigured;
    }

    /** Sessions that did not open, of any kind; 0 when all are configured. */
    long notOpened() {
        return failures() + closedUnconfigured() + neverConfigured();
    }

    /** "3 failed connects, 2 closed before configured (close code 1011: 2), 0 never configured". */
    String problems() {
        return failures() + " failed connects, " + closedUnconfigured() + " closed before configured"
                + (closeCodes.isEmpty() ? "" : " (close code " + closeCodes.entrySet().stream()
                        .map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining(", ")) + ")")
                + ", " + neverConfigured() + " never configured";
    }

    private final class Session {
        private final WebSocket ws;
        private final String token;
        private final LongConsumer latencyMicros;
        private final long periodMillis;
        private final boolean jitter;
        private long seq;
        private volatile long sentAt;
        private String expectedTracingId;
        private boolean ready;

        Session(WebSocket ws, String token, LongConsumer latencyMicros, long periodMillis, boolean jitter) {
            this.ws = ws;
            this.token = token;
            this.latencyMicros = latencyMicros;
            this.periodMillis = periodMillis;
            this.jitter = jitter;
        }

        void received(String frame, Runnable done) {
            if (!ready && frame.contains("\"SessionResponse\"")) {
                ready = true;
                done.run();
                if (periodMillis > 0) {
                    long offset = ThreadLocalRandom.current().nextLong(1, periodMillis);
                    if (jitter) {
                        vertx.setTimer(offset, t -> sendAndReschedule());
                    } else {
                        vertx.setTimer(offset, t -> vertx.setPeriodic(periodMillis, p -> send()));
                    }
                }
                return;
            }
            String expected = expectedTracingId;
            if (expected != null && frame.contains(expected) && frame.contains("\"Inbound\"")) {
                latencyMicros.accept((System.nanoTime() - sentAt) / 1000);
                expectedTracingId = null;
            }
        }

        void closed(Runnable done) {
            if (!ready) {
                ready = true;
                closedUnconfigured.incrementAndGet();
                Short code = ws.closeStatusCode();
                closeCodes.computeIfAbsent(code == null ? -1 : (int) code, c -> new AtomicLong()).incrementAndGet();
                done.run();
            }
        }

        private void sendAndReschedule() {
            if (ws.isClosed()) {
                return;
            }
            send();
            long next = periodMillis / 2 + ThreadLocalRandom.current().nextLong(periodMillis + 1);
            vertx.setTimer(Math.max(1, next), t -> sendAndReschedule());
        }

        private void send() {
            if (ws.isClosed()) {
                return;
            }
            String tracingId = token + "-" + (++seq);
            expectedTracingId = "\"" + tracingId + "\"";
            sentAt = System.nanoTime();
            ws.writeTextMessage("{\"action\":\"onMessage\",\"token\":\"" + token + "\",\"tracingId\":\"" + tracingId
                    + "\",\"message\":{\"type\":\"Text\",\"text\":\"benchmark message " + seq + "\"}}");
        }
    }

    static Histogram histogram() {
        return new ConcurrentHistogram(60_000_000L, 3);
    }

    @Override
    public void close() throws Exception {
        synchronized (sockets) {
            for (WebSocket ws : sockets) {
                ws.close();
            }
            sockets.clear();
        }
        client.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
