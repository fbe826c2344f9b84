package io.carryover.sandbox;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.carryover.relay.QueryString;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.Blocking;
import io.vertx.core.buffer.Buffer;

/**
 * Emulates {@code wss://webmessaging.<domain>/v1} for guests: parses requests, checks their required
 * fields and hands them to {@link GuestRequests}. Callbacks are blocking because answering waits for
 * frames to be written.
 */
@WebSocket(path = "/sandbox/guest/v1")
public class GuestSocket {

    /** Longest guest token Genesys accepts. */
    static final int MAX_TOKEN_LENGTH = 2048;

    private static final Logger LOG = Logger.getLogger(GuestSocket.class);
    private static final UserData.TypedKey<String> DEPLOYMENT_ID =
            UserData.TypedKey.forString("carryover.sandbox.deploymentId");

    private final GuestRequests requests;
    private final GuestDelivery delivery;
    private final GuestFrames frames;
    private final ObjectMapper mapper;

    GuestSocket(GuestRequests requests, GuestDelivery delivery, GuestFrames frames, ObjectMapper mapper) {
        this.requests = requests;
        this.delivery = delivery;
        this.frames = frames;
        this.mapper = mapper;
    }

    @OnOpen
    @Blocking
    void open(WebSocketConnection connection) {
        String deploymentId = QueryString.parameter(connection.handshakeRequest().query(), "deploymentId");
        if (deploymentId == null || deploymentId.isBlank()) {
            delivery.send(connection, frames.error(400, "Missing query parameter: deploymentId", null));
            delivery.close(connection, 1008, "deploymentId required");
            return;
        }
        connection.userData().put(DEPLOYMENT_ID, deploymentId);
    }

    @OnTextMessage
    @Blocking
    void text(String text, WebSocketConnection connection) {
        JsonNode request;
        try {
            request = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            delivery.send(connection, frames.error(400, "Request is not valid JSON", null));
            return;
        }
        if (request == null || !request.isObject()) {
            delivery.send(connection, frames.error(400, "Request must be a JSON object", null));
            return;
        }
        String tracingId = textOrNull(request, "tracingId");
        try {
            dispatch(connection, request, tracingId);
        } catch (RuntimeException e) {
            LOG.warnf("sandbox guest request failed: %s", e.toString());
            delivery.send(connection, frames.error(5000, "Unexpected server error", tracingId));
        }
    }

    /** Genesys speaks text only; a binary frame is a protocol error. */
    @OnBinaryMessage
    @Blocking
    void binary(Buffer ignored, WebSocketConnection connection) {
        delivery.close(connection, 1003, "binary frames are not supported");
    }

    @OnClose
    @Blocking
    void closed(WebSocketConnection connection) {
        requests.socketClosed(connection);
    }

    private void dispatch(WebSocketConnection connection, JsonNode request, String tracingId) {
        String action = textOrNull(request, "action");
        String token = textOrNull(request, "token");
        if (action == null) {
            delivery.send(connection, frames.error(400, "Missing action", tracingId));
            return;
        }
        switch (action) {
            case "configureSession" -> configure(connection, request, token, false, tracingId);
            case "configureAuthenticatedSession" -> configure(connection, request, token, true, tracingId);
            case "onMessage" -> requests.onMessage(connection, token, request.get("message"),
                    request.get("channel"), tracingId);
            case "echo" -> requests.echo(connection, textOrNull(request.path("message"), "text"), tracingId);
            // Genesys clients always send closeAllConnections:true; only an explicit false keeps the others.
            case "closeSession" -> requests.closeSession(connection, token,
                    request.path("closeAllConnections").asBoolean(true), tracingId);
            case "getJwt" -> requests.getJwt(connection, token, tracingId);
            case "getConfiguration" -> requests.getConfiguration(connection, tracingId);
            case "onAttachment", "getAttachment", "deleteAttachment" ->
                delivery.send(connection, frames.error(4000, "Attachments are not supported by the sandbox", tracingId));
            default -> delivery.send(connection, frames.error(400, "Unsupported action", tracingId));
        }
    }

    private void configure(WebSocketConnection connection, JsonNode request, String token, boolean authenticated,
            String tracingId) {
        String deploymentId = textOrNull(request, "deploymentId");
        if (token == null || token.isBlank()) {
            delivery.send(connection, frames.error(4020, "Missing parameter: token", tracingId));
            return;
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            delivery.send(connection, frames.error(400, "Token is too long", tracingId));
            return;
        }
        if (deploymentId == null || deploymentId.isBlank()) {
            delivery.send(connection, frames.error(4020, "Missing parameter: deploymentId", tracingId));
            return;
        }
        if (!deploymentId.equals(connection.userData().get(DEPLOYMENT_ID))) {
            delivery.send(connection, frames.error(400, "deploymentId does not match the connection", tracingId));
            return;
        }
        if (authenticated) {
            String code = textOrNull(request.path("data"), "code");
            if (code == null || code.isBlank()) {
                delivery.send(connection, frames.error(401, "Unauthorized: data.code is required", tracingId));
                return;
            }
        }
        requests.configure(connection, token, deploymentId, authenticated,
                request.path("startNew").asBoolean(false), tracingId);
    }

    private static String textOrNull(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }
}
