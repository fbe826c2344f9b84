package io.carryover.platform;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.mypurecloud.sdk.v2.ApiDateFormat;
import com.mypurecloud.sdk.v2.extensions.AuthResponse;
import com.mypurecloud.sdk.v2.model.ErrorBody;
import com.mypurecloud.sdk.v2.model.MessageData;
import com.mypurecloud.sdk.v2.model.MessageMediaParticipant;

import io.carryover.testing.AgentTokens;
import io.carryover.testing.Guest;
import io.carryover.testing.Sandbox;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * Contract of the Genesys Platform API as Carryover uses it, checked against the official models of
 * {@code com.mypurecloud:platform-client-v2} (198.1.0, test scope): what Carryover sends must read into the official
 * request models, and what the sandbox emulator answers over real HTTP must read into the official response models
 * with unknown properties failing, while Carryover's own {@link PlatformTypes} read the same ids from the same bodies.
 * A field the sandbox emits that the official model lacks fails here; so does an enum value the official model does
 * not know (the SDK silently maps those to {@code OUTDATEDSDKVERSION}).
 */
@QuarkusTest
class PlatformContractTest {

    private static final String DETAILS = "/sandbox/platform/api/v2/conversations/messages/{id}/details";
    private static final String CONVERSATION = "/sandbox/platform/api/v2/conversations/messages/{id}";
    private static final String TOKEN_PATH = "/sandbox/platform/login/oauth/token";

    /**
     * Reads like the SDK's own {@code ApiClient.buildObjectMapper} (its date format, enums by toString, NON_NULL),
     * except that unknown properties fail. Its Joda module is left out: none of the models read here has a Joda
     * field, and the SDK's Jackson add-ons are excluded from the test classpath.
     */
    private static final ObjectMapper OFFICIAL = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING)
            .enable(DeserializationFeature.READ_ENUMS_USING_TO_STRING)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .setDateFormat(new ApiDateFormat());

    /** The application's mapper: the one the REST clients use to write requests and read responses. */
    @Inject
    ObjectMapper appMapper;

    @Inject
    PlatformClient platform;

    @AfterEach
    void reset() {
        Sandbox.platformReset();
    }

    /** Guards the checks below: the official models themselves do not ignore unknown properties. */
    @Test
    void officialMapperRejectsUnknownProperties() {
        assertThrows(UnrecognizedPropertyException.class, () -> OFFICIAL.readValue(
                "{\"id\":\"m\",\"conversationId\":\"c\",\"notInTheModel\":1}", MessageData.class));
        assertThrows(UnrecognizedPropertyException.class, () -> OFFICIAL.readValue(
                "{\"access_token\":\"t\",\"notInTheModel\":1}", AuthResponse.class));
    }

    // ---- 1. requests Carryover sends

    @Test
    void participantAttributesBodyIsTheOfficialModel() throws Exception {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("carryover.previousConversationId", "c0ffee00-0000-4000-8000-000000000001");
        attributes.put("carryover.summary", "Two earlier conversations; \"quotes\" & ünïcödé");
        String json = appMapper.writeValueAsString(new PlatformTypes.ParticipantAttributes(attributes));

        com.mypurecloud.sdk.v2.model.ParticipantAttributes official =
                OFFICIAL.readValue(json, com.mypurecloud.sdk.v2.model.ParticipantAttributes.class);
        assertEquals(attributes, official.getAttributes());
    }

    @Test
    void participantAttributesAsCarryoverSendsThemOverHttp() throws Exception {
        String token = Guest.newToken();
        try (Guest guest = Guest.direct(token)) {
            guest.configure(false);
            guest.say("attributes please");
            JsonPath session = session(token);
            long since = System.currentTimeMillis();

            Map<String, String> attributes = Map.of("carryover.history", "3 messages", "carryover.customer", "c-42");
            platform.forDeployment(Guest.DEPLOYMENT).orElseThrow().patchParticipantAttributes(
                    session.getString("conversationId"), session.getString("customerParticipantId"), attributes,
                    CallPriority.FIRST_ATTEMPT);

            Map<String, Object> patch = Sandbox.platformRequests(since).stream()
                    .filter(r -> "attributes".equals(r.get("endpoint"))).findFirst()
                    .orElseThrow(() -> new AssertionError("no PATCH attributes in the sandbox request log"));
            assertEquals(202, patch.get("status"));
            com.mypurecloud.sdk.v2.model.ParticipantAttributes official =
                    OFFICIAL.convertValue(patch.get("body"), com.mypurecloud.sdk.v2.model.ParticipantAttributes.class);
            assertEquals(attributes, official.getAttributes());
        }
    }

    /**
     * The token request is a form, not JSON, so there is no official model to read it into. The sandbox request log
     * keeps no body for token requests, and the SDK has no constant for the form (ApiClient spells
     * {@code grant_type} / {@code client_credentials} inline), so the form itself is not compared. What is checked:
     * Carryover's login client declares that form, and the sandbox, which answers 400 to anything but a
     * form-encoded {@code grant_type=client_credentials}, logged 200 for the token request Carryover really sent.
     */
    @Test
    void tokenRequestIsAClientCredentialsFormTheSandboxAccepts() throws Exception {
        var method = GenesysLoginRestClient.class.getMethod("token", String.class, String.class);
        assertEquals("/oauth/token", method.getAnnotation(Path.class).value());
        assertEquals(List.of(MediaType.APPLICATION_FORM_URLENCODED),
                List.of(method.getAnnotation(Consumes.class).value()));
        FormParam grant = (FormParam) java.util.Arrays.stream(method.getParameterAnnotations()[1])
                .filter(a -> a instanceof FormParam).findFirst().orElseThrow();
        assertEquals("grant_type", grant.value());

        try (Guest guest = Guest.direct(Guest.newToken())) {
            guest.configure(false);
            String messageId = guest.say("token please").path("id").asText();
            long since = System.currentTimeMillis();
            // One 401 makes the region's client drop its cached token and fetch a fresh one before the retry.
            Sandbox.platformFault(Map.of("status", 401, "count", 1, "endpoint", "details",
                    "conversationId", session(guest.token()).getString("conversationId")));
            assertEquals(session(guest.token()).getString("conversationId"),
                    platform.forDeployment(Guest.DEPLOYMENT).orElseThrow().conversationIdOfMessage(messageId, CallPriority.FIRST_ATTEMPT));

            List<Map<String, Object>> tokens = Sandbox.platformRequests(since).stream()
                    .filter(r -> "token".equals(r.get("endpoint"))).toList();
            assertFalse(tokens.isEmpty(), "Carryover requested no token after a 401");
            tokens.forEach(r -> assertEquals(200, r.get("status"), "token request answered " + r));
        }
    }

    // ---- 2. and 3. responses Carryover reads, into the official models and into PlatformTypes

    @Test
    void tokenResponseIsTheOfficialAuthResponse() throws Exception {
        String body = given().auth().preemptive().basic(Sandbox.PLATFORM_CLIENT_ID, Sandbox.PLATFORM_CLIENT_SECRET)
                .contentType(ContentType.URLENC).formParam("grant_type", "client_credentials")
                .post(TOKEN_PATH).then().statusCode(200).contentType(ContentType.JSON).extract().asString();

        AuthResponse official = OFFICIAL.readValue(body, AuthResponse.class);
        PlatformTypes.TokenResponse own = appMapper.readValue(body, PlatformTypes.TokenResponse.class);
        assertNotNull(official.getAccess_token());
        assertEquals(official.getAccess_token(), own.accessToken());
        assertEquals(official.getToken_type(), own.tokenType());
        assertEquals(official.getExpires_in(), own.expiresIn());
        assertTrue(own.expiresIn() > 0);
    }

    @Test
    void detailsAndConversationAreTheOfficialModels() throws Exception {
        String token = Guest.newToken();
        String bearer = Sandbox.platformToken();
        try (Guest guest = Guest.direct(token)) {
            guest.configure(false);
            String inboundId = guest.say("where is my parcel?").path("id").asText();
            Sandbox.agent(token, "join");
            Sandbox.agentReply(token, "Let me check.");
            String outboundId = guest.awaitOutbound(b -> "Text".equals(b.path("type").asText())).path("id").asText();
            JsonPath session = session(token);
            String conversationId = session.getString("conversationId");
            String customerId = session.getString("customerParticipantId");

            for (String messageId : List.of(inboundId, outboundId)) {
                String body = ok(api(bearer).get(DETAILS, messageId));
                MessageData official = OFFICIAL.readValue(body, MessageData.class);
                PlatformTypes.MessageDetails own = appMapper.readValue(body, PlatformTypes.MessageDetails.class);
                assertEquals(messageId, official.getId());
                assertEquals(conversationId, official.getConversationId());
                assertNotNull(official.getTimestamp(), "timestamp did not parse with the SDK's date format");
                assertEquals(official.getId(), own.id());
                assertEquals(official.getConversationId(), own.conversationId());
            }

            String body = ok(api(bearer).get(CONVERSATION, conversationId));
            com.mypurecloud.sdk.v2.model.MessageConversation official =
                    OFFICIAL.readValue(body, com.mypurecloud.sdk.v2.model.MessageConversation.class);
            PlatformTypes.MessageConversation own = appMapper.readValue(body, PlatformTypes.MessageConversation.class);
            assertEquals(conversationId, official.getId());
            assertEquals(official.getId(), own.id());
            MessageMediaParticipant customer = official.getParticipants().stream()
                    .filter(p -> "customer".equals(p.getPurpose())).findFirst().orElseThrow();
            assertEquals(customerId, customer.getId());
            assertEquals(customer.getId(), own.customer().id());
            assertEquals(customer.getAuthenticated(), own.customer().authenticated());
            assertEquals(List.of(inboundId), customer.getMessages().stream().map(m -> m.getMessageId()).toList());
            assertEquals(official.getParticipants().size(), own.participants().size());
            assertTrue(official.getParticipants().stream().anyMatch(p -> "agent".equals(p.getPurpose())));
        }
    }

    @Test
    void usersMeAndOrganizationsMeAreTheOfficialModels() throws Exception {
        String agent = AgentTokens.token(AgentTokens.SAM);
        String body = ok(api(agent).queryParam("expand", "authorization,organization")
                .get("/sandbox/platform/api/v2/users/me"));
        com.mypurecloud.sdk.v2.model.UserMe official =
                OFFICIAL.readValue(body, com.mypurecloud.sdk.v2.model.UserMe.class);
        PlatformTypes.UserMe own = appMapper.readValue(body, PlatformTypes.UserMe.class);
        assertEquals(official.getId(), own.id());
        assertEquals(official.getName(), own.name());
        assertEquals(official.getOrganization().getId(), own.organization().id());
        assertEquals(official.getAuthorization().getRoles().stream().map(r -> r.getName()).toList(), own.roleNames());
        assertTrue(own.roleNames().contains("Carryover Supervisor"), own.roleNames().toString());

        String org = ok(api(Sandbox.platformToken()).get("/sandbox/platform/api/v2/organizations/me"));
        com.mypurecloud.sdk.v2.model.Organization officialOrg =
                OFFICIAL.readValue(org, com.mypurecloud.sdk.v2.model.Organization.class);
        assertEquals(officialOrg.getId(), appMapper.readValue(org, PlatformTypes.Organization.class).id());
        assertEquals(official.getOrganization().getId(), officialOrg.getId(), "the agent and Carryover share an org");

        // A client-credentials token has no user: Genesys refuses users/me.
        api(Sandbox.platformToken()).get("/sandbox/platform/api/v2/users/me").then().statusCode(400);
    }

    @Test
    void agentParticipantsCarryTheirUserAndTimesAsTheOfficialModel() throws Exception {
        Instant left = Instant.parse("2026-01-02T03:04:05.678Z");
        String gid = AgentTokens.conversation(new AgentTokens.Participation(AgentTokens.CAROL,
                left.minusSeconds(600), left));
        String body = ok(api(Sandbox.platformToken()).get(CONVERSATION, gid));
        MessageMediaParticipant official = OFFICIAL.readValue(body,
                com.mypurecloud.sdk.v2.model.MessageConversation.class).getParticipants().stream()
                .filter(p -> "agent".equals(p.getPurpose())).findFirst().orElseThrow();
        PlatformTypes.Participant own = appMapper.readValue(body, PlatformTypes.MessageConversation.class)
                .participants().stream().filter(p -> "agent".equals(p.purpose())).findFirst().orElseThrow();
        assertEquals(AgentTokens.CAROL_ID, official.getUser().getId());
        assertEquals(official.getUser().getId(), own.user().id());
        assertEquals(left, official.getEndTime().toInstant());
        assertEquals(left, own.endTime());
        assertEquals(official.getConnectedTime().toInstant(), own.connectedTime());
    }

    /** Enum values the official model does not know deserialise to OUTDATEDSDKVERSION instead of failing. */
    @Test
    void enumValuesAreKnownToTheOfficialModels() throws Exception {
        String token = Guest.newToken();
        String bearer = Sandbox.platformToken();
        try (Guest guest = Guest.direct(token)) {
            guest.configure(false);
            String inboundId = guest.say("enums").path("id").asText();
            Sandbox.agent(token, "join");
            Sandbox.agentReply(token, "Enums indeed.");
            String outboundId = guest.awaitOutbound(b -> "Text".equals(b.path("type").asText())).path("id").asText();
            String conversationId = session(token).getString("conversationId");

            List<String> unknown = new ArrayList<>();
            for (String messageId : List.of(inboundId, outboundId)) {
                String body = ok(api(bearer).get(DETAILS, messageId));
                MessageData data = OFFICIAL.readValue(body, MessageData.class);
                JsonNode raw = OFFICIAL.readTree(body);
                String where = "MessageData(" + raw.path("direction").asText() + ").";
                check(unknown, where + "direction", raw.path("direction"), data.getDirection());
                check(unknown, where + "messengerType", raw.path("messengerType"), data.getMessengerType());
                check(unknown, where + "status", raw.path("status"), data.getStatus());
            }
            String body = ok(api(bearer).get(CONVERSATION, conversationId));
            com.mypurecloud.sdk.v2.model.MessageConversation conversation =
                    OFFICIAL.readValue(body, com.mypurecloud.sdk.v2.model.MessageConversation.class);
            JsonNode raw = OFFICIAL.readTree(body).path("participants");
            for (int i = 0; i < conversation.getParticipants().size(); i++) {
                MessageMediaParticipant p = conversation.getParticipants().get(i);
                String where = "MessageMediaParticipant(" + p.getPurpose() + ").";
                check(unknown, where + "state", raw.path(i).path("state"), p.getState());
                check(unknown, where + "type", raw.path(i).path("type"), p.getType());
                check(unknown, where + "direction", raw.path(i).path("direction"), p.getDirection());
            }
            assertEquals(List.of(), unknown, "enum values the official models do not know");
        }
    }

    // ---- 4. error bodies

    @Test
    void notFoundIsTheOfficialErrorBody() throws Exception {
        String bearer = Sandbox.platformToken();
        Response response = api(bearer).get(DETAILS, "00000000-0000-4000-8000-000000000000");
        assertEquals(404, response.statusCode());
        ErrorBody error = OFFICIAL.readValue(response.asString(), ErrorBody.class);
        assertEquals(404, error.getStatus());
        assertEquals("not.found", error.getCode());
        assertNotNull(error.getMessage());
        assertNotNull(error.getContextId());
    }

    @Test
    void tooManyRequestsIsTheOfficialErrorBody() throws Exception {
        String bearer = Sandbox.platformToken();
        Sandbox.platformSettings(Map.of("requestsPerMinute", 1));
        api(bearer).get(DETAILS, "00000000-0000-4000-8000-000000000000").then().statusCode(404);
        Response response = api(bearer).get(DETAILS, "00000000-0000-4000-8000-000000000000");
        assertEquals(429, response.statusCode());
        assertNotNull(response.header("Retry-After"));
        ErrorBody error = OFFICIAL.readValue(response.asString(), ErrorBody.class);
        assertEquals(429, error.getStatus());
        assertEquals("too.many.requests", error.getCode());
        assertNotNull(error.getMessage());
    }

    // ---- helpers

    private static void check(List<String> unknown, String field, JsonNode raw, Object value) {
        boolean present = !raw.isMissingNode() && !raw.isNull();
        if (present && value instanceof Enum<?> e && e.name().equals("OUTDATEDSDKVERSION")) {
            unknown.add(field + "=" + raw.asText());
        }
    }

    private static io.restassured.specification.RequestSpecification api(String bearer) {
        return given().header("Authorization", "Bearer " + bearer);
    }

    private static String ok(Response response) {
        assertEquals(200, response.statusCode(), response.asString());
        return response.asString();
    }

    private static JsonPath session(String token) {
        return given().get("/sandbox/api/sessions/{token}", token).then().statusCode(200).extract().jsonPath();
    }
}
