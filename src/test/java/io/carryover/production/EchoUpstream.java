package io.carryover.production;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/** A stand-in Genesys for the packaged application: a WebSocket server that sends every text frame back. */
public class EchoUpstream implements QuarkusTestResourceLifecycleManager {

    private Vertx vertx;

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        try {
            HttpServer server = vertx.createHttpServer()
                    .webSocketHandler(socket -> socket.textMessageHandler(socket::writeTextMessage))
                    .listen(0, "localhost").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            return Map.of("carryover.relay.upstream-url", "ws://localhost:" + server.actualPort() + "/v1");
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the echo upstream", e);
        }
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close();
        }
    }
}
