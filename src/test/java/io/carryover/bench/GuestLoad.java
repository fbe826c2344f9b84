package io.carryover.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * Guests speaking the Genesys protocol to any WebSocket URL (Carryover, the sandbox directly, or another proxy in
 * front of it): each configures a session, then sends one message per second and times the Inbound echo.
 */
final class GuestLoad implements AutoCloseable {

    private final Vertx vertx;
    private final WebSocketClient client;
    private final URI target;
    private final List<WebSocket> sockets = new ArrayList<>();
    private final AtomicLong failures = new AtomicLong();

    GuestLoad(Vertx vertx, URI target) {
        this.vertx = vertx;
        this.target = target;
        this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000)
                .setConnectTimeout(20_000).setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 20));
    }

    /** Opens {@code count} configured sessions, at most {@code perSecond} new connections a second. */
    void open(int count, int perSecond, LongConsumer latencyMicros, boolean sendEverySecond) throws InterruptedException {
        CountDownLatch configured = new CountDownLatch(count);
        for (int i = 0; i < count; i++) {
            String token = UUID.randomUUID().toString();
            WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(target.getHost())
                    .setPort(target.getPort()).setURI(target.getRawPath() + "?" + target.getRawQuery());
            client.connect(options).onComplete(ar -> {
                if (ar.failed()) {
                    failures.incrementAndGet();
                    configured.countDown();
                    return;
                }
                WebSocket ws = ar.result();
                synchronized (sockets) {
                    sockets.add(ws);
                }
                Session session = new Session(ws, token, latencyMicros);
                ws.textMessageHandler(frame -> session.received(frame, configured, sendEverySecond));
                ws.writeTextMessage("{\"action\":\"configureSession\",\"deploymentId\":\"bench\",\"token\":\""
                        + token + "\",\"startNew\":false}");
            });
            if ((i + 1) % perSecond == 0) {
                Thread.sleep(1000);
            }
        }
        if (!configured.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException(configured.getCount() + " sessions never configured");
        }
    }

    long failures() {
        return failures.get();
    }

    private final class Session {
        private final WebSocket ws;
        private final String token;
        private final LongConsumer latencyMicros;
        private long seq;
        private volatile long sentAt;
        private String expectedTracingId;
        private boolean ready;

        Session(WebSocket ws, String token, LongConsumer latencyMicros) {
            this.ws = ws;
            this.token = token;
            this.latencyMicros = latencyMicros;
        }

        void received(String frame, CountDownLatch configured, boolean sendEverySecond) {
            if (!ready && frame.contains("\"SessionResponse\"")) {
                ready = true;
                configured.countDown();
                if (sendEverySecond) {
                    long offset = ThreadLocalRandom.current().nextLong(1, 1000);
                    vertx.setTimer(offset, t -> vertx.setPeriodic(1000, p -> send()));
                }
                return;
            }
            String expected = expectedTracingId;
            if (expected != null && frame.contains(expected) && frame.contains("\"Inbound\"")) {
                latencyMicros.accept((System.nanoTime() - sentAt) / 1000);
                expectedTracingId = null;
            }
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
