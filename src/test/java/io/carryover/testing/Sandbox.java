package io.carryover.testing;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;

import com.fasterxml.jackson.databind.JsonNode;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/** Drives the sandbox from tests: simulated agents, the test OIDC issuer and the emulated Platform API. */
public final class Sandbox {

    public static final String ISSUER = "http://localhost:" + Guest.PORT + "/sandbox/oidc";
    /** Base of the emulated Genesys login service ({@code POST {login}/oauth/token}). */
    public static final String PLATFORM_LOGIN = "http://localhost:" + Guest.PORT + "/sandbox/platform/login";
    /** Base of the emulated Platform API ({@code {api}/api/v2/...}). */
    public static final String PLATFORM_API = "http://localhost:" + Guest.PORT + "/sandbox/platform";
    /** The default client credentials of the emulated login service. */
    public static final String PLATFORM_CLIENT_ID = "carryover-sandbox";
    public static final String PLATFORM_CLIENT_SECRET = "sandbox-secret";

    private Sandbox() {
    }

    public static void agent(String token, String action) {
        given().post("/sandbox/api/sessions/{token}/agent/" + action, token).then().statusCode(200);
    }

    public static void agentReply(String token, String text) {
        given().contentType(ContentType.JSON).body(Map.of("text", text))
                .post("/sandbox/api/sessions/{token}/agent/reply", token).then().statusCode(200);
    }

    public static void session(String token, String action) {
        given().post("/sandbox/api/sessions/{token}/" + action, token).then().statusCode(200);
    }

    /** A customer OIDC token from the sandbox issuer; {@code claims} may override aud, issuer, expiresInSeconds. */
    public static String mint(String subject, Map<String, Object> claims) {
        Map<String, Object> body = new java.util.HashMap<>(claims);
        body.put("sub", subject);
        return given().contentType(ContentType.JSON).body(body).post("/sandbox/oidc/token")
                .then().statusCode(200).extract().path("access_token");
    }

    public static String mint(String subject) {
        return mint(subject, Map.of());
    }

    // ---- emulated Platform API

    /** A fresh access token for the default client. */
    public static String platformToken() {
        return given().auth().preemptive().basic(PLATFORM_CLIENT_ID, PLATFORM_CLIENT_SECRET)
                .contentType(ContentType.URLENC).formParam("grant_type", "client_credentials")
                .post("/sandbox/platform/login/oauth/token").then().statusCode(200).extract().path("access_token");
    }

    /** Changes runtime behaviour: any of detailsLagMs, requestsPerMinute, tokenLifetimeSeconds. */
    public static void platformSettings(Map<String, Object> settings) {
        given().contentType(ContentType.JSON).body(settings).put("/sandbox/api/platform/settings")
                .then().statusCode(200);
    }

    /**
     * Queues a fault: status?, count?, latencyMs?, retryAfterSeconds?, endpoint?
     * (details|conversation|attributes|users|organization|token|all), path?, conversationId?, guestToken?. Scope a
     * fault wherever the application's own workers may call the endpoint meanwhile; guestToken covers conversations
     * the guest has not started yet.
     */
    public static void platformFault(Map<String, Object> fault) {
        given().contentType(ContentType.JSON).body(fault).post("/sandbox/api/platform/faults").then().statusCode(200);
    }

    /** The raw path of a message's details request, as a fault's {@code path} scope matches it. */
    public static String detailsPath(String messageId) {
        return "/sandbox/platform/api/v2/conversations/messages/" + messageId + "/details";
    }

    /** Default settings, no pending faults, empty request log: for {@code @AfterEach}. */
    public static void platformReset() {
        given().delete("/sandbox/api/platform/settings").then().statusCode(200);
        given().delete("/sandbox/api/platform/faults").then().statusCode(204);
        given().delete("/sandbox/api/platform/requests").then().statusCode(204);
    }

    /** Platform requests received at or after {@code since} (epoch ms): time, method, path, endpoint, status, body?. */
    public static List<Map<String, Object>> platformRequests(long since) {
        return given().queryParam("since", since).get("/sandbox/api/platform/requests").then().statusCode(200)
                .extract().jsonPath().getList("$");
    }

    /** The Platform conversation a guest token is currently in. */
    public static String conversationOf(String token) {
        return given().get("/sandbox/api/sessions/{token}", token).then().statusCode(200).extract()
                .path("conversationId");
    }

    /** Participant-attribute PATCHes (any outcome) the Platform API received for this conversation since then. */
    public static List<Map<String, Object>> attributePatches(String conversationId, long since) {
        return platformRequests(since).stream()
                .filter(r -> "attributes".equals(r.get("endpoint"))
                        && List.of(String.valueOf(r.get("path")).split("/")).contains(conversationId))
                .toList();
    }

    /** The conversation as the agent sees it: participants (with attributes) and every message id. */
    public static JsonPath platformConversation(String conversationId) {
        return given().get("/sandbox/api/platform/conversations/{id}", conversationId).then().statusCode(200)
                .extract().jsonPath();
    }

    /** Waits until Carryover's summary (a carryover.headline) is on the conversation's customer participant. */
    public static JsonNode awaitAttributes(String conversationId, Duration within) {
        JsonNode[] found = new JsonNode[1];
        Awaitility.await().atMost(within).pollInterval(Duration.ofMillis(25)).until(() -> {
            JsonNode view = Guest.parse(given().get("/sandbox/api/platform/conversations/{id}", conversationId)
                    .then().statusCode(200).extract().asString());
            for (JsonNode participant : view.path("participants")) {
                if ("customer".equals(participant.path("purpose").asText())
                        && participant.path("attributes").has("carryover.headline")) {
                    found[0] = participant.path("attributes");
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /** Every Platform request to this endpoint (e.g. "attributes", "details") about the conversation, oldest first. */
    public static List<JsonNode> platformRequestsTo(String endpoint, String conversationId) {
        JsonNode log = Guest.parse(given().get("/sandbox/api/platform/requests").then().statusCode(200)
                .extract().asString());
        List<JsonNode> matching = new ArrayList<>();
        for (JsonNode request : log) {
            if (endpoint.equals(request.path("endpoint").asText())
                    && request.path("path").asText().contains(conversationId)) {
                matching.add(request);
            }
        }
        return matching;
    }
}
