package io.carryover.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A blocking WebSocket client for tests.
 *
 * <pre>
 * try (TestSocket ws = TestSocket.connect(URI.create("ws://localhost:8081/sandbox/guest/v1?deploymentId=d"))) {
 *     ws.send("{\"action\":\"echo\",...}");
 *     String frame = ws.next(Duration.ofSeconds(5));          // fails the test if nothing arrives
 *     TestSocket.CloseStatus closed = ws.closeStatus(Duration.ofSeconds(5));
 * }
 * </pre>
 *
 * A refused handshake makes {@link #connect} throw {@link java.net.http.WebSocketHandshakeException}
 * (its {@code getResponse().statusCode()} tells why).
 */
public final class TestSocket implements AutoCloseable {

    /** How the server closed the socket. */
    public record CloseStatus(int code, String reason) {
    }

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
    private final WebSocket socket;

    private TestSocket(URI uri, Map<String, String> headers, List<String> subprotocols) throws Exception {
        WebSocket.Builder builder = CLIENT.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        headers.forEach(builder::header);
        if (!subprotocols.isEmpty()) {
            builder.subprotocols(subprotocols.get(0), subprotocols.subList(1, subprotocols.size()).toArray(String[]::new));
        }
        try {
            socket = builder.buildAsync(uri, new Listener()).get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    public static TestSocket connect(URI uri) throws Exception {
        return new TestSocket(uri, Map.of(), List.of());
    }

    /** Headers such as Origin or Authorization; subprotocols in order of preference (may be empty). */
    public static TestSocket connect(URI uri, Map<String, String> headers, List<String> subprotocols)
            throws Exception {
        return new TestSocket(uri, headers, subprotocols);
    }

    /** The subprotocol the server selected, "" if none. */
    public String subprotocol() {
        return socket.getSubprotocol();
    }

    public void send(String text) {
        socket.sendText(text, true).join();
    }

    public void sendBinary(byte[] data) {
        socket.sendBinary(ByteBuffer.wrap(data), true).join();
    }

    /** The next text frame; fails the test if none arrives in time. */
    public String next(Duration timeout) {
        String frame = poll(timeout);
        if (frame == null) {
            throw new AssertionError("no frame within " + timeout
                    + (closed.isDone() ? " (socket closed: " + closed.join() + ")" : ""));
        }
        return frame;
    }

    /** The next text frame, or null if none arrives in time (to assert that nothing is sent). */
    public String poll(Duration timeout) {
        try {
            return frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Waits for the server to close the socket; fails the test if it stays open. */
    public CloseStatus closeStatus(Duration timeout) {
        try {
            return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("socket still open after " + timeout);
        } catch (Exception e) {
            throw new AssertionError("socket failed", e);
        }
    }

    /** True until the server closes or the connection fails. */
    public boolean isOpen() {
        return !closed.isDone();
    }

    /** Starts a close handshake with this code and reason, as a client leaving would. */
    public void closeWith(int code, String reason) {
        socket.sendClose(code, reason).join();
    }

    /** Closes with 1000 if still open; never throws. */
    @Override
    public void close() {
        try {
            if (!socket.isOutputClosed()) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(2, TimeUnit.SECONDS);
            }
        } catch (Exception ignored) {
            // already gone
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(new CloseStatus(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            // A dropped connection without a close frame: 1006 as browsers report it.
            closed.complete(new CloseStatus(1006, String.valueOf(error)));
        }
    }
}
