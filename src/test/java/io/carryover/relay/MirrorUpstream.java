package io.carryover.relay;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.websockets.next.CloseReason;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.ext.web.Router;

/**
 * A stand-in for Genesys that sends every frame straight back, so one frame checks both relay directions. It records
 * what reached it (handshake, frames, close) for assertions. A plain Vert.x socket, so that it can send frames no
 * WebSocket API would produce. Frames starting with {@code mirror:} are commands:
 * <ul>
 * <li>{@code mirror:close:<code>:<reason>} closes;</li>
 * <li>{@code mirror:flood:<count>:<chars>} sends that many frames;</li>
 * <li>{@code mirror:invalid-utf8} sends a text frame whose bytes are not UTF-8;</li>
 * <li>{@code mirror:fragments:<n>:<text>} sends the text as one message in n fragments, split by bytes (so inside
 * multi-byte characters);</li>
 * <li>{@code mirror:sized:<bytes>} and {@code mirror:sized-fragments:<bytes>} send a text message of that many
 * bytes, in one frame or in 64 KiB fragments.</li>
 * </ul>
 */
@ApplicationScoped
public class MirrorUpstream {

    static final String PATH = "/test-upstream/v1";
    /** What {@code mirror:invalid-utf8} sends: JSON with a lead byte followed by '"' instead of a continuation byte. */
    static final byte[] INVALID_UTF8 = invalidUtf8();

    public record Handshake(String path, String query, Map<String, List<String>> headers) {
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
    public static CloseReason awaitClose(int code, Duration timeout) throws InterruptedException {
        return awaitClose(code, null, timeout);
    }

    /** The next upstream close with this code and, unless null, this reason; others are skipped, as above. */
    public static CloseReason awaitClose(int code, String reason, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            CloseReason seen = CLOSES.poll(50, TimeUnit.MILLISECONDS);
            if (seen != null && seen.getCode() == code && (reason == null || reason.equals(seen.getMessage()))) {
                return seen;
            }
        }
        return null;
    }

    void route(@Observes Router router) {
        router.route(PATH).handler(context -> context.request().toWebSocket().onSuccess(this::open));
    }

    private void open(ServerWebSocket socket) {
        HANDSHAKES.add(new Handshake(socket.path(), socket.query(), socket.headers().names().stream()
                .collect(Collectors.toMap(name -> name, name -> socket.headers().getAll(name)))));
        socket.textMessageHandler(frame -> text(socket, frame));
        socket.exceptionHandler(failure -> { }); // writes of a flood failing once the relay has gone
        socket.closeHandler(v -> {
            Short code = socket.closeStatusCode();
            CLOSES.add(code == null ? CloseReason.ABNORMAL : new CloseReason(code, socket.closeReason()));
        });
    }

    private void text(ServerWebSocket socket, String frame) {
        RECEIVED.add(frame);
        if (frame.startsWith("mirror:close:")) {
            String[] parts = frame.split(":", 4);
            socket.close(Short.parseShort(parts[2]), parts[3]);
        } else if (frame.startsWith("mirror:flood:")) {
            String[] parts = frame.split(":");
            String payload = "x".repeat(Integer.parseInt(parts[3]));
            for (int i = 0; i < Integer.parseInt(parts[2]) && !socket.isClosed(); i++) {
                socket.writeTextMessage(payload);
            }
        } else if (frame.equals("mirror:invalid-utf8")) {
            socket.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, INVALID_UTF8, true));
        } else if (frame.startsWith("mirror:fragments:")) {
            String[] parts = frame.split(":", 4);
            sendInFragments(socket, parts[3].getBytes(StandardCharsets.UTF_8), Integer.parseInt(parts[2]));
        } else if (frame.startsWith("mirror:sized:")) {
            byte[] payload = new byte[Integer.parseInt(frame.split(":")[2])];
            Arrays.fill(payload, (byte) 'x');
            socket.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, payload, true));
        } else if (frame.startsWith("mirror:sized-fragments:")) {
            byte[] payload = new byte[Integer.parseInt(frame.split(":")[2])];
            Arrays.fill(payload, (byte) 'x');
            sendInFragments(socket, payload, (payload.length + 65_535) / 65_536);
        } else {
            socket.writeTextMessage(frame);
        }
    }

    private static void sendInFragments(ServerWebSocket socket, byte[] message, int count) {
        int size = (message.length + count - 1) / count;
        for (int i = 0; i < count; i++) {
            byte[] part = Arrays.copyOfRange(message, Math.min(i * size, message.length),
                    Math.min((i + 1) * size, message.length));
            WebSocketFrameType type = i == 0 ? WebSocketFrameType.TEXT : WebSocketFrameType.CONTINUATION;
            socket.writeFrame(new WebSocketFrameImpl(type, part, i == count - 1));
        }
    }

    private static byte[] invalidUtf8() {
        byte[] frame = "{\"action\":\"echo\",\"tracingId\":\"xx\"}".getBytes(StandardCharsets.UTF_8);
        frame[30] = (byte) 0xC3;
        return frame;
    }
}
