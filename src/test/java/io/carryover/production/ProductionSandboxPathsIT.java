package io.carryover.production;

import static io.restassured.RestAssured.given;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.carryover.testing.TestSocket;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;

/**
 * The packaged production artefact, running: no spelling of a former sandbox path reaches anything, the OpenAPI
 * document never mentions the sandbox, and the relay and health endpoints still answer.
 */
@QuarkusIntegrationTest
@WithTestResource(EchoUpstream.class)
class ProductionSandboxPathsIT {

    /** A request to a former sandbox endpoint; {@code rest} is its path below /sandbox/. */
    private record Endpoint(String method, String rest, Map<String, String> headers, String body) {
    }

    private static final List<Endpoint> FORMER_SANDBOX_ENDPOINTS = List.of(
            new Endpoint("GET", "", Map.of(), ""),
            new Endpoint("GET", "index.html", Map.of(), ""),
            new Endpoint("GET", "oidc/jwks", Map.of(), ""),
            new Endpoint("POST", "oidc/token", Map.of("Content-Type", "application/json"), "{\"sub\":\"someone\"}"),
            new Endpoint("POST", "platform/login/oauth/token",
                    Map.of("Content-Type", "application/x-www-form-urlencoded", "Authorization", "Basic "
                            + Base64.getEncoder().encodeToString("carryover-sandbox:sandbox-secret".getBytes(UTF_8))),
                    "grant_type=client_credentials"),
            new Endpoint("GET", "platform/api/v2/conversations/messages/m/details", Map.of(), ""),
            new Endpoint("PUT", "api/platform/settings", Map.of("Content-Type", "application/json"),
                    "{\"requestsPerMinute\":1}"),
            new Endpoint("GET", "guest/v1?deploymentId=d", Map.of("Upgrade", "websocket", "Connection", "Upgrade",
                    "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version", "13"), ""));

    /** Spellings a client or proxy may use for /sandbox/{rest}; HTTP clients would normalise some of them away. */
    private static final List<String> PREFIXES = List.of("/sandbox/", "/sandbox;x/", "/sandbox;/", "/sandbox%2F",
            "//sandbox/", "/SANDBOX/", "/sandbox/./");

    @Test
    void everySpellingOfEveryFormerSandboxPathIs404() throws IOException {
        List<String> answered = new ArrayList<>();
        int requests = 0;
        for (Endpoint endpoint : FORMER_SANDBOX_ENDPOINTS) {
            for (String prefix : PREFIXES) {
                String target = prefix + endpoint.rest();
                int status = status(endpoint.method(), target, endpoint.headers(), endpoint.body());
                requests++;
                if (status != 404) {
                    answered.add(endpoint.method() + " " + target + " -> " + status);
                }
            }
        }
        assertEquals(FORMER_SANDBOX_ENDPOINTS.size() * PREFIXES.size(), requests);
        assertEquals(List.of(), answered);
    }

    @Test
    void theOpenApiDocumentNeverMentionsTheSandbox() {
        for (String format : List.of("yaml", "json")) {
            String document = given().queryParam("format", format).get("/q/openapi")
                    .then().statusCode(200).extract().asString();
            assertTrue(document.contains("openapi"), format + " is an OpenAPI document");
            assertFalse(document.toLowerCase(Locale.ROOT).contains("sandbox"), format + " mentions the sandbox");
        }
    }

    @Test
    void theRelayAndHealthStillAnswer() throws Exception {
        given().get("/q/health").then().statusCode(200);
        String frame = "{\"action\":\"echo\",\"token\":\"00000000-0000-4000-8000-000000000001\",\"message\":"
                + "{\"type\":\"Text\",\"text\":\"ping\"}}";
        URI relay = URI.create("ws://localhost:" + RestAssured.port + "/v1?deploymentId=d&application=it");
        try (TestSocket guest = TestSocket.connect(relay)) {
            guest.send(frame);
            assertEquals(frame, guest.next(Duration.ofSeconds(10)), "relayed to the upstream and back, unchanged");
        }
    }

    /** Sends the request line exactly as written, so the server, not the client, decides what the path means. */
    private static int status(String method, String target, Map<String, String> headers, String body)
            throws IOException {
        byte[] payload = body.getBytes(UTF_8);
        StringBuilder head = new StringBuilder()
                .append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: localhost:").append(RestAssured.port).append("\r\n");
        if (!headers.containsKey("Connection")) {
            head.append("Connection: close\r\n");
        }
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (!method.equals("GET")) {
            head.append("Content-Length: ").append(payload.length).append("\r\n");
        }
        head.append("\r\n");
        try (Socket socket = new Socket("localhost", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(ISO_8859_1));
            out.write(payload);
            out.flush();
            String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(), ISO_8859_1)).readLine();
            // "HTTP/1.1 404 Not Found"
            String[] parts = statusLine == null ? new String[0] : statusLine.split(" ", 3);
            assertTrue(parts.length >= 2 && parts[0].startsWith("HTTP/"), target + " answered " + statusLine);
            return Integer.parseInt(parts[1]);
        }
    }
}
