package io.carryover.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.carryover.testing.Guest;
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

    @Test
    void verifiedCustomersAndGuestsStillChat() throws Exception {
        try (Guest guest = Guest.viaRelay(Guest.newToken(), Sandbox.mint("carol"))) {
            assertTrue(guest.configureAuthenticated(false).path("body").path("connected").asBoolean());
        }
        try (Guest guest = Guest.viaRelay(Guest.newToken())) {
            assertTrue(guest.configure(false).path("body").path("connected").asBoolean());
        }
    }
}
