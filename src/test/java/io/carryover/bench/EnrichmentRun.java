package io.carryover.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * One signed-in customer through Carryover: a first conversation that an agent closes, then {@code startNew} and a
 * message — the moment Carryover must find the new Genesys conversation and PATCH the summary onto it.
 */
final class EnrichmentRun {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final Vertx vertx;
    private final int sandboxPort;
    private final int relayPort;

    EnrichmentRun(Vertx vertx, int sandboxPort, int relayPort) {
        this.vertx = vertx;
        this.sandboxPort = sandboxPort;
        this.relayPort = relayPort;
    }

    void customer(int n) throws Exception {
        String bearer = post("/sandbox/oidc/token", Map.of("sub", "bench-customer-" + n)).path("access_token").asText();
        String token = UUID.randomUUID().toString();
        WebSocketClient client = vertx.createWebSocketClient();
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("localhost").setPort(relayPort)
                .setURI("/v1?deploymentId=bench&application=bench").addHeader("Authorization", "Bearer " + bearer))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        ws.textMessageHandler(frames::add);
        try {
            configure(ws, frames, token, false);
            say(ws, frames, token, "My parcel " + n + " has not arrived");
            post("/sandbox/api/sessions/" + token + "/agent/reply", Map.of("text", "It is on its way, sorry."));
            post("/sandbox/api/sessions/" + token + "/agent/disconnect", Map.of());
            configure(ws, frames, token, true);
            Thread.sleep(600); // the sandbox allows 2 messages a second per session
            say(ws, frames, token, "Still no parcel " + n);
        } finally {
            ws.close();
            client.close();
        }
    }

    private void configure(WebSocket ws, BlockingQueue<String> frames, String token, boolean startNew)
            throws Exception {
        ws.writeTextMessage("{\"action\":\"configureAuthenticatedSession\",\"deploymentId\":\"bench\",\"token\":\""
                + token + "\",\"startNew\":" + startNew + ",\"data\":{\"code\":\"bench\"}}");
        await(frames, "\"SessionResponse\"");
    }

    private void say(WebSocket ws, BlockingQueue<String> frames, String token, String text) throws Exception {
        ws.writeTextMessage("{\"action\":\"onMessage\",\"token\":\"" + token + "\",\"message\":{\"type\":\"Text\","
                + "\"text\":\"" + text + "\"}}");
        await(frames, text);
    }

    private static void await(BlockingQueue<String> frames, String marker) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            String frame = frames.poll(100, TimeUnit.MILLISECONDS);
            if (frame != null && frame.contains(marker)) {
                return;
            }
        }
        throw new IllegalStateException("no frame with " + marker);
    }

    JsonNode get(String path) throws Exception {
        return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + sandboxPort + path))
                .build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    private JsonNode post(String path, Object body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + sandboxPort + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(path + " answered " + response.statusCode());
        }
        return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }
}
