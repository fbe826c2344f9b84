package io.carryover.relay;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;

/** The one WebSocket client all upstream Genesys sockets are opened with. */
class UpstreamClient {

    @Produces
    @Singleton
    WebSocketClient upstreamClient(Vertx vertx, RelayConfig config) {
        return vertx.createWebSocketClient(new WebSocketClientOptions()
                // wss unless a connection says otherwise; no trust options: the JVM's default CAs.
                .setSsl(true)
                .setVerifyHost(true)
                .setTryUsePerMessageCompression(false)
                .setTryUsePerFrameCompression(false)
                // Frames pass through whole; the relay bounds messages itself (1009 to the client, counted).
                .setMaxFrameSize(config.maxUpstreamMessageBytes())
                .setMaxMessageSize(config.maxUpstreamMessageBytes())
                // Every guest connection has its own upstream socket: no pool limit to queue behind.
                .setMaxConnections(Integer.MAX_VALUE)
                .setConnectTimeout(Math.toIntExact(config.connectTimeout().toMillis())));
    }

    void close(@Disposes WebSocketClient client) {
        client.close();
    }
}
