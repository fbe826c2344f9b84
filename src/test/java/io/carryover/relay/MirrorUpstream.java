package io.carryover.relay;

import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;

/**
 * A stand-in for Genesys that sends every frame straight back, so one frame checks both relay directions. It records
 * what reached it (handshake, frames, close) for assertions. Frames starting with {@code mirror:} are commands:
 * {@code mirror:close:<code>:<reason>} closes, {@code mirror:flood:<count>:<chars>} sends that many frames.
 */
@WebSocket(path = "/test-upstream/v1")
public class MirrorUpstream {

    public record Handshake(String path, String query, Map<String, java.util.List<String>> headers) {
    }

    public static final BlockingQueue<Handshake> HANDSHAKES = new LinkedBlockingQueue<>();
    public static final BlockingQueue<String> RECEIVED = new LinkedBlockingQueue<>();
    public static final BlockingQueue<CloseReason> CLOSES = new LinkedBlockingQueue<>();

    public static void reset() {
        HANDSHAKES.clear();
        RECEIVED.clear();
        CLOSES.clear();
    }

    /**
     * The next upstream close with this code; closes of sockets from earlier tests may still be arriving, so others
     * are skipped.
     */
    public static CloseReason awaitClose(int code, java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            CloseReason reason = CLOSES.poll(50, java.util.concurrent.TimeUnit.MILLISECONDS);
            if (reason != null && reason.getCode() == code) {
                return reason;
            }
        }
        return null;
    }

    @OnOpen
    @NonBlocking
    void open(WebSocketConnection connection) {
        HANDSHAKES.add(new Handshake(connection.handshakeRequest().path(), connection.handshakeRequest().query(),
                connection.handshakeRequest().headers()));
    }

    @OnTextMessage
    @NonBlocking
    void text(WebSocketConnection connection, String frame) {
        RECEIVED.add(frame);
        if (frame.startsWith("mirror:close:")) {
            String[] parts = frame.split(":", 4);
            connection.close(new CloseReason(Integer.parseInt(parts[2]), parts[3])).subscribe().with(ok -> { });
        } else if (frame.startsWith("mirror:flood:")) {
            String[] parts = frame.split(":");
            String payload = "x".repeat(Integer.parseInt(parts[3]));
            for (int i = 0; i < Integer.parseInt(parts[2]) && connection.isOpen(); i++) {
                connection.sendText(payload).subscribe().with(ok -> { }, err -> { });
            }
        } else {
            connection.sendText(frame).subscribe().with(ok -> { }, err -> { });
        }
    }

    @OnClose
    @NonBlocking
    void closed(CloseReason reason) {
        CLOSES.add(reason);
    }
}
