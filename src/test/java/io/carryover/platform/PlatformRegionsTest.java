package io.carryover.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.carryover.testing.Archive;
import io.carryover.testing.Guest;
import io.carryover.testing.Metrics;
import io.carryover.testing.PostgresTestResource;
import io.carryover.testing.Sandbox;
import io.carryover.testing.TestSocket;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Platform calls go to the deployment's own region with that region's OAuth client. Here the default region has no
 * client at all; the test deployment is in region {@code other.example}, whose client the sandbox knows and whose
 * URLs point at the sandbox; a third deployment is in {@code nowhere.example}, which has no client.
 */
@QuarkusTest
@TestProfile(PlatformRegionsTest.Regions.class)
class PlatformRegionsTest {

    static final String OTHER_CLIENT = "other-region-client";
    static final String UNSERVED_DEPLOYMENT = "5c0e5e5a-0000-4000-8000-00000000dead";

    public static class Regions implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            String region = "carryover.platform.regions.\"other.example\".";
            return Map.of(
                    "carryover.platform.client-id", "",
                    "carryover.platform.client-secret", "",
                    region + "client-id", OTHER_CLIENT,
                    region + "client-secret", "other-secret",
                    region + "api-url", Sandbox.PLATFORM_API,
                    region + "login-url", Sandbox.PLATFORM_LOGIN,
                    "carryover.sandbox.platform.additional-clients." + OTHER_CLIENT, "other-secret",
                    "carryover.relay.deployment-domains.\"" + Guest.DEPLOYMENT + "\"", "other.example",
                    "carryover.relay.deployment-domains.\"" + UNSERVED_DEPLOYMENT + "\"", "nowhere.example");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    PlatformClient platforms;

    @AfterEach
    void reset() {
        Sandbox.platformReset();
    }

    @Test
    void aDeploymentsCallsGoToItsRegionWithThatRegionsClient() throws Exception {
        long since = System.currentTimeMillis();
        double before = Metrics.value("carryover_platform_requests_seconds_count", "region=\"other.example\"",
                "endpoint=\"message-details\"", "status=\"200\"");
        String token = Guest.newToken();
        String messageId;
        try (Guest guest = Guest.viaRelay(token)) {
            guest.configure(false);
            messageId = guest.say("Which region am I in?").path("id").asText();
        }
        // Enrichment runs although the default region has no client: one region with a client is enough.
        awaitOutcome(token, "guest");

        List<Map<String, Object>> details = Sandbox.platformRequests(since).stream()
                .filter(r -> String.valueOf(r.get("path")).contains(messageId)).toList();
        assertFalse(details.isEmpty(), "the message was looked up");
        // Only other.example's URLs lead to the sandbox, and only its client's tokens carry this client id.
        details.forEach(r -> assertEquals(OTHER_CLIENT, r.get("clientId"), r.toString()));
        assertEquals(before + 1, Metrics.value("carryover_platform_requests_seconds_count",
                "region=\"other.example\"", "endpoint=\"message-details\"", "status=\"200\""));
        assertEquals("other.example", platforms.forDeployment(Guest.DEPLOYMENT).orElseThrow().domain());
    }

    @Test
    void aDeploymentWhoseRegionHasNoClientIsNotCorrelatedAndCostsNoPlatformRequest() throws Exception {
        long since = System.currentTimeMillis();
        String token = Guest.newToken();
        try (TestSocket socket = TestSocket.connect(
                URI.create(Guest.RELAY + "?deploymentId=" + UNSERVED_DEPLOYMENT + "&application=tests"))) {
            socket.send(request(token, "configureSession").put("deploymentId", UNSERVED_DEPLOYMENT)
                    .put("startNew", false).toString());
            awaitFrame(socket, f -> "SessionResponse".equals(f.path("class").asText()));
            ObjectNode say = request(token, "onMessage");
            say.putObject("message").put("type", "Text").put("text", "Is anyone correlating me?");
            socket.send(say.toString());
            awaitFrame(socket, f -> "Inbound".equals(f.path("body").path("direction").asText()));
        }
        awaitOutcome(token, "no-platform");
        assertEquals("DONE", jobColumn(token, "state"));
        assertEquals("1", jobColumn(token, "attempts"), "finished at once, never retried");
        assertEquals(List.of(), Sandbox.platformRequests(since), "no Platform request at all");
        assertTrue(platforms.forDeployment(UNSERVED_DEPLOYMENT).isEmpty());
        assertTrue(platforms.forDeployment("a-deployment-of-the-default-region").isEmpty());
    }

    private static ObjectNode request(String token, String action) {
        return JSON.createObjectNode().put("action", action).put("token", token)
                .put("tracingId", java.util.UUID.randomUUID().toString());
    }

    private static void awaitFrame(TestSocket socket, java.util.function.Predicate<JsonNode> wanted) {
        long deadline = System.nanoTime() + Guest.WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode frame = Guest.parse(socket.next(Guest.WAIT));
            if (wanted.test(frame)) {
                return;
            }
        }
        throw new AssertionError("no matching frame within " + Guest.WAIT);
    }

    private static void awaitOutcome(String token, String outcome) {
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> outcome.equals(jobColumn(token, "outcome")));
    }

    /** A column of the enrichment job of the guest's (only) conversation. */
    private static String jobColumn(String token, String column) throws Exception {
        try (Connection c = PostgresTestResource.directConnection(); PreparedStatement ps = c.prepareStatement(
                "select j." + column + " from enrichment_job j join conversation c on c.id = j.conversation_id"
                        + " where c.customer_id = ?")) {
            ps.setObject(1, Archive.guestOf(token));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
