package io.carryover.testing;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A Web Messaging guest for tests, speaking the Genesys guest protocol over a real socket: through Carryover's relay
 * ({@link #viaRelay}) or straight to the sandbox ({@link #direct}). Every frame it receives is checked against the
 * Genesys schema and every request it sends too. Messages are paced under the sandbox's 2 msg/s session limit.
 */
public final class Guest implements AutoCloseable {

    public static final String DEPLOYMENT = "5c0e5e5a-0000-4000-8000-000000000001";
    /** Upper bound for an expected frame: generous, so a loaded machine (load 20 on 2 cores seen) does not fail a test. */
    public static final Duration WAIT = Duration.ofSeconds(15);
    /** The test port ({@code quarkus.http.test-port}, {@code -Dcarryover.test.port} to run suites side by side). */
    public static final int PORT = Integer.getInteger("carryover.test.port", 8081);
    private static final String HOST = "ws://localhost:" + PORT;
    public static final String RELAY = HOST + "/v1";
    public static final String SANDBOX = HOST + "/sandbox/guest/v1";
    private static final String QUERY = "deploymentId=" + DEPLOYMENT + "&application=tests";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long PACE_MILLIS = 550;

    private final TestSocket socket;
    private final String token;
    /** Whether it presented a customer token, so {@link #configureSession} picks the authenticated action. */
    private final boolean signedIn;
    private long lastMessageAt;

    private Guest(TestSocket socket, String token, boolean signedIn) {
        this.socket = socket;
        this.token = token;
        this.signedIn = signedIn;
    }

    /** Through the relay, optionally presenting a customer OIDC token as {@code Authorization: Bearer}. */
    public static Guest viaRelay(String token, String bearer) throws Exception {
        Map<String, String> headers = bearer == null ? Map.of() : Map.of("Authorization", "Bearer " + bearer);
        return new Guest(TestSocket.connect(uri(RELAY), headers, List.of()), token, bearer != null);
    }

    public static Guest viaRelay(String token) throws Exception {
        return viaRelay(token, null);
    }

    /** Through the relay with the browser convention: the bearer rides in {@code Sec-WebSocket-Protocol}. */
    public static Guest viaRelayFromBrowser(String token, String bearer) throws Exception {
        String carrier = "quarkus-http-upgrade#Authorization#Bearer%20" + bearer;
        return new Guest(TestSocket.connect(uri(RELAY), Map.of(), List.of("bearer-token-carrier", carrier)), token,
                true);
    }

    /** Straight to the sandbox, as if Carryover were not there. */
    public static Guest direct(String token) throws Exception {
        return direct(token, QUERY);
    }

    /** Straight to the sandbox with this query string (without the {@code ?}) instead of the usual one. */
    public static Guest direct(String token, String query) throws Exception {
        return new Guest(TestSocket.connect(URI.create(SANDBOX + "?" + query)), token, false);
    }

    public static String newToken() {
        return UUID.randomUUID().toString();
    }

    private static URI uri(String base) {
        return URI.create(base + "?" + QUERY);
    }

    public TestSocket socket() {
        return socket;
    }

    public String token() {
        return token;
    }

    // ---- requests

    public ObjectNode request(String action) {
        return JSON.createObjectNode().put("action", action).put("token", token)
                .put("tracingId", UUID.randomUUID().toString());
    }

    /** Sends a request that must itself be valid per the schema. */
    public void send(ObjectNode request) {
        String json = request.toString();
        GuestSchema.assertValidClientRequest(json);
        socket.send(json);
    }

    /** {@code configureSession}; returns the SessionResponse frame. */
    public JsonNode configure(boolean startNew) {
        send(request("configureSession").put("deploymentId", DEPLOYMENT).put("startNew", startNew));
        return expect("SessionResponse");
    }

    /** {@code configureAuthenticatedSession} with a made-up (opaque) Genesys JWT; returns the SessionResponse frame. */
    public JsonNode configureAuthenticated(boolean startNew) {
        ObjectNode request = request("configureAuthenticatedSession").put("deploymentId", DEPLOYMENT)
                .put("startNew", startNew);
        request.putObject("data").put("code", "genesys-jwt-" + UUID.randomUUID());
        send(request);
        return expect("SessionResponse");
    }

    /** Configures the way this guest connected: authenticated when it presented a customer token, else as a guest. */
    public JsonNode configureSession(boolean startNew) {
        return signedIn ? configureAuthenticated(startNew) : configure(startNew);
    }

    /** {@code configureAuthenticatedSession} with this code and no startNew; returns the next frame, whatever it is. */
    public JsonNode configureAuthenticated(String code) {
        ObjectNode request = request("configureAuthenticatedSession").put("deploymentId", DEPLOYMENT);
        request.putObject("data").put("code", code);
        send(request);
        return next();
    }

    /** An {@code onMessage} request carrying a text, for tests that alter it before {@link #send}. */
    public ObjectNode textRequest(String text) {
        ObjectNode request = request("onMessage");
        request.putObject("message").put("type", "Text").put("text", text);
        return request;
    }

    /** An {@code onMessage} request carrying one event, e.g. {@code ("Typing", "typing", "On")}. */
    public ObjectNode eventRequest(String eventType, String kind, String value) {
        ObjectNode request = request("onMessage");
        ObjectNode event = request.putObject("message").put("type", "Event").putArray("events").addObject()
                .put("eventType", eventType);
        event.putObject(kind).put("type", value);
        return request;
    }

    /** Sends a text and returns the Inbound echo's body, paced and skipping unrelated frames. */
    public JsonNode say(String text) {
        pace();
        send(textRequest(text));
        return await(f -> "StructuredMessage".equals(f.path("class").asText())
                && "Inbound".equals(f.path("body").path("direction").asText())
                && text.equals(f.path("body").path("text").asText())).path("body");
    }

    /**
     * Sends a text at once, without {@link #say}'s pacing; the very next frame must be a StructuredMessage (the
     * echo), whose body it returns. For tests of the rate limit and of exact frame order.
     */
    public JsonNode sayNow(String text) {
        lastMessageAt = System.currentTimeMillis();
        send(textRequest(text));
        return expect("StructuredMessage").path("body");
    }

    // ---- frames

    /** The next frame, schema-checked. */
    public JsonNode next() {
        String frame = socket.next(WAIT);
        GuestSchema.assertValidServerFrame(frame);
        return parse(frame);
    }

    /** The next frame, which must have the given class. */
    public JsonNode expect(String dataClass) {
        JsonNode frame = next();
        if (!dataClass.equals(frame.path("class").asText())) {
            throw new AssertionError("expected a " + dataClass + " frame, got " + frame);
        }
        return frame;
    }

    /** The next frame, which must be a class "string" error with this code. */
    public JsonNode expectError(int code) {
        JsonNode frame = expect("string");
        if (frame.path("code").asInt() != code) {
            throw new AssertionError("expected error " + code + ", got " + frame);
        }
        return frame;
    }

    /** Asserts nothing arrives for a while (anything that does is still schema-checked). */
    public void expectSilence(Duration quiet) {
        String frame = socket.poll(quiet);
        if (frame != null) {
            GuestSchema.assertValidServerFrame(frame);
            throw new AssertionError("expected no frame, got " + frame);
        }
    }

    /** Skips frames until one matches (each still schema-checked). */
    public JsonNode await(Predicate<JsonNode> wanted) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode frame = next();
            if (wanted.test(frame)) {
                return frame;
            }
        }
        throw new AssertionError("no matching frame within " + WAIT);
    }

    /** Waits for an Outbound message or event whose body matches. */
    public JsonNode awaitOutbound(Predicate<JsonNode> body) {
        return await(f -> "StructuredMessage".equals(f.path("class").asText())
                && "Outbound".equals(f.path("body").path("direction").asText()) && body.test(f.path("body")))
                .path("body");
    }

    private void pace() {
        long wait = lastMessageAt + PACE_MILLIS - System.currentTimeMillis();
        if (wait > 0) {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        lastMessageAt = System.currentTimeMillis();
    }

    public static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
