package io.carryover.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.carryover.testing.Guest;
import io.carryover.testing.Metrics;
import io.carryover.testing.RawSocket;
import io.carryover.testing.Sandbox;
import io.carryover.testing.TestSocket;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** Deployments that require archiving: an authenticated session without a verified identity is refused. */
@QuarkusTest
@TestProfile(RejectPolicyTest.Reject.class)
class RejectPolicyTest {

    public static class Reject implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("carryover.identity.policy", "reject");
        }
    }

    @Test
    void authenticatedSessionWithoutIdentityIsClosedWith1008() throws Exception {
        try (Guest guest = Guest.viaRelay(Guest.newToken())) {
            guest.send(guest.request("configureAuthenticatedSession").put("deploymentId", Guest.DEPLOYMENT)
                    .set("data", Guest.parse("{\"code\":\"genesys-jwt\"}")));
            TestSocket.CloseStatus status = guest.socket().closeStatus(Guest.WAIT);
            assertEquals(1008, status.code());
            assertEquals("identity required", status.reason());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { PolicyFrames.ESCAPED, PolicyFrames.WHITESPACE })
    void theActionIsReadAsAJsonParserReadsIt(String template) throws Exception {
        try (Guest guest = Guest.viaRelay(Guest.newToken())) {
            guest.socket().send(template.formatted(guest.token()));
            TestSocket.CloseStatus status = guest.socket().closeStatus(Guest.WAIT);
            assertEquals(1008, status.code());
            assertEquals("identity required", status.reason());
        }
    }

    @Test
    void framesWithDuplicateKeysAreNeverForwarded() throws Exception {
        double before = Metrics.value("carryover_relay_closed_total", "reason=\"identity-unreadable\"");
        try (Guest guest = Guest.viaRelay(Guest.newToken())) {
            guest.socket().send(PolicyFrames.DUPLICATE.formatted(guest.token()));
            assertEquals(1008, guest.socket().closeStatus(Guest.WAIT).code());
        }
        assertEquals(before + 1, Metrics.value("carryover_relay_closed_total", "reason=\"identity-unreadable\""));
    }

    /**
     * Valid UTF-8 that only an encoding-sniffing reader makes JSON of (UTF-16 zero bytes, a BOM): as text it is not
     * JSON, so we cannot know how Genesys reads it and it is not forwarded.
     */
    @ParameterizedTest
    @ValueSource(strings = { "UTF-16BE", "BOM" })
    void framesReadableOnlyInAnotherEncodingAreNeverForwarded(String encoding) throws Exception {
        String json = "{\"action\":\"echo\",\"text\":\"a\\nb\"}";
        byte[] frame = encoding.equals("BOM") ? ("\uFEFF" + json).getBytes(StandardCharsets.UTF_8)
                : json.getBytes(java.nio.charset.Charset.forName(encoding));
        double before = Metrics.value("carryover_relay_closed_total", "reason=\"identity-unreadable\"");
        try (RawSocket guest = RawSocket.connect(Guest.PORT,
                "/v1?deploymentId=" + Guest.DEPLOYMENT + "&application=tests")) {
            guest.send(RawSocket.TEXT, true, frame);
            RawSocket.Frame first = guest.next(Guest.WAIT);
            assertEquals(RawSocket.CLOSE, first.opcode(), "refused, not forwarded: " + first.text());
            assertEquals(1008, first.closeCode());
        }
        assertEquals(before + 1, Metrics.value("carryover_relay_closed_total", "reason=\"identity-unreadable\""));
    }

    @Test
    void aStepUpLaterOnTheSameSocketIsCheckedToo() throws Exception {
        try (Guest guest = Guest.viaRelay(Guest.newToken())) {
            assertTrue(guest.configure(false).path("body").path("connected").asBoolean());
            guest.say("first as a guest");
            guest.socket().send(PolicyFrames.ESCAPED.formatted(guest.token()));
            assertEquals(1008, guest.socket().closeStatus(Guest.WAIT).code());
        }
    }

    @Test
    void chatTextNamingTheActionIsJustText() throws Exception {
        try (Guest guest = Guest.viaRelay(Guest.newToken())) {
            assertTrue(guest.configure(false).path("body").path("connected").asBoolean());
            assertEquals("configureAuthenticatedSession", guest.say("configureAuthenticatedSession").path("text").asText());
            assertEquals("\"action\":\"configureAuthenticatedSession\" C:\\temp",
                    guest.say("\"action\":\"configureAuthenticatedSession\" C:\\temp").path("text").asText());
            assertTrue(guest.socket().isOpen());
        }
    }

    @Test
    void verifiedCustomersAndGuestsStillChat() throws Exception {
        try (Guest guest = Guest.viaRelay(Guest.newToken(), Sandbox.mint("carol"))) {
            assertTrue(guest.configureAuthenticated(false).path("body").path("connected").asBoolean());
        }
        try (Guest guest = Guest.viaRelay(Guest.newToken())) {
            assertTrue(guest.configure(false).path("body").path("connected").asBoolean());
        }
    }

    @Test
    void aVerifiedCustomerMaySendAnyFrame() throws Exception {
        try (Guest guest = Guest.viaRelay(Guest.newToken(), Sandbox.mint("dave"))) {
            guest.socket().send(PolicyFrames.ESCAPED.formatted(guest.token()));
            assertTrue(guest.expect("SessionResponse").path("body").path("connected").asBoolean());
        }
    }
}
