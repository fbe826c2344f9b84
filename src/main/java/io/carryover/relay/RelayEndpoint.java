package io.carryover.relay;

import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.vertx.core.buffer.Buffer;

/**
 * The guest WebSocket: same path and query string as {@code wss://webmessaging.<domain>/v1}. Everything runs on the
 * event loop; nothing here waits.
 */
@WebSocket(path = "/v1")
public class RelayEndpoint {

    private final Relay relay;

    RelayEndpoint(Relay relay) {
        this.relay = relay;
    }

    @OnOpen
    @NonBlocking
    void open(WebSocketConnection connection) {
        relay.open(connection);
    }

    @OnTextMessage
    @NonBlocking
    void text(WebSocketConnection connection, String frame) {
        relay.fromClient(connection, frame);
    }

    @OnBinaryMessage
    @NonBlocking
    void binary(WebSocketConnection connection, Buffer frame) {
        relay.binaryFromClient(connection);
    }

    @OnClose
    @NonBlocking
    void close(WebSocketConnection connection, CloseReason reason) {
        relay.closed(connection, reason);
    }
}
