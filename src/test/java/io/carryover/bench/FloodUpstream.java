package io.carryover.bench;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;

/**
 * A stand-in Genesys for the archive benchmark: answers configureSession with a new session, then, once started,
 * pushes Outbound agent messages with unique ids at a fixed total rate across all sessions.
 */
final class FloodUpstream implements AutoCloseable {

    private final Vertx vertx;
    private final HttpServer server;
    private final List<ServerWebSocket> sessions = new CopyOnWriteArrayList<>();
    private final AtomicLong sent = new AtomicLong();
    private long timer = -1;

    FloodUpstream(Vertx vertx, int port) throws Exception {
        this.vertx = vertx;
        this.server = vertx.createHttpServer().webSocketHandler(ws -> {
            ws.textMessageHandler(frame -> {
                if (frame.contains("configureSession")) {
                    ws.writeTextMessage("{\"type\":\"response\",\"class\":\"SessionResponse\",\"code\":200,"
                            + "\"body\":{\"connected\":true,\"newSession\":true,\"readOnly\":false}}");
                    sessions.add(ws);
                }
            });
            ws.closeHandler(v -> sessions.remove(ws));
        }).listen(port).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    int sessions() {
        return sessions.size();
    }

    /** Sends {@code perSecond} messages a second in 10 ms ticks, spread round-robin over the sessions. */
    void start(int perSecond) {
        int perTick = Math.max(1, perSecond / 100);
        timer = vertx.setPeriodic(10, t -> {
            String time = Instant.now().toString();
            for (int i = 0; i < perTick; i++) {
                long n = sent.incrementAndGet();
                ServerWebSocket ws = sessions.get((int) (n % sessions.size()));
                ws.writeTextMessage("{\"type\":\"message\",\"class\":\"StructuredMessage\",\"code\":200,\"body\":{"
                        + "\"id\":\"" + String.format("%032x", n) + "\",\"type\":\"Text\",\"direction\":\"Outbound\","
                        + "\"text\":\"Archive benchmark message number " + n + ", about as long as a real reply.\","
                        + "\"originatingEntity\":\"Human\",\"channel\":{\"time\":\"" + time + "\",\"type\":\"Private\","
                        + "\"from\":{\"nickname\":\"Bench Agent\"}}}}");
            }
        });
    }

    /** Stops sending; the count is read after a tick that was already running has finished. */
    long stop() throws InterruptedException {
        vertx.cancelTimer(timer);
        Thread.sleep(200);
        return sent.get();
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
