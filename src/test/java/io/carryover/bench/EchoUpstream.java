package io.carryover.bench;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

/**
 * A minimal Genesys guest endpoint for the latency phases ({@code -Dbench.upstream=echo}, the default): answers
 * configureSession with a new session and echoes each onMessage as an Inbound StructuredMessage, on the bench JVM's
 * event loops. The sandbox is a whole Quarkus service with its own GC and archive; as the upstream its tail dominated
 * the direct baseline, so the relay's own added latency could not be told apart from it.
 */
final class EchoUpstream implements AutoCloseable {

    private final HttpServer server;

    EchoUpstream(Vertx vertx, int port) throws Exception {
        server = vertx.createHttpServer().webSocketHandler(ws -> ws.textMessageHandler(frame -> {
            JsonObject request = new JsonObject(frame);
            switch (request.getString("action", "")) {
                case "configureSession", "configureAuthenticatedSession" -> ws.writeTextMessage(new JsonObject()
                        .put("type", "response").put("class", "SessionResponse").put("code", 200)
                        .put("body", new JsonObject().put("connected", true).put("newSession", true)
                                .put("readOnly", false))
                        .encode());
                case "onMessage" -> {
                    JsonObject message = request.getJsonObject("message", new JsonObject());
                    ws.writeTextMessage(new JsonObject()
                            .put("type", "message").put("class", "StructuredMessage").put("code", 200)
                            .put("tracingId", request.getString("tracingId"))
                            .put("body", new JsonObject()
                                    .put("id", UUID.randomUUID().toString())
                                    .put("type", message.getString("type", "Text"))
                                    .put("text", message.getString("text", ""))
                                    .put("direction", "Inbound")
                                    .put("channel", new JsonObject().put("time", Instant.now().toString())
                                            .put("type", "Private")))
                            .encode());
                }
                default -> {
                    // echo and pings need no answer here
                }
            }
        })).listen(port).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
