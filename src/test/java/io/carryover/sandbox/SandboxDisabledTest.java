package io.carryover.sandbox;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.http.WebSocketHandshakeException;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.carryover.testing.Guest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** With the sandbox disabled, nothing under /sandbox answers. Own profile, so Quarkus restarts once for it. */
@QuarkusTest
@TestProfile(SandboxDisabledTest.Disabled.class)
class SandboxDisabledTest {

    public static class Disabled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("carryover.sandbox.enabled", "false");
        }
    }

    @Test
    void everySandboxPathIs404() {
        given().get("/sandbox/api/sessions/x").then().statusCode(404);
        given().post("/sandbox/api/sessions/x/agent/join").then().statusCode(404);
        given().get("/sandbox/oidc/jwks").then().statusCode(404);
        given().formParam("grant_type", "client_credentials").post("/sandbox/platform/login/oauth/token")
                .then().statusCode(404);
        given().get("/sandbox/platform/api/v2/conversations/messages/x/details").then().statusCode(404);
        given().get("/sandbox/api/platform/requests").then().statusCode(404);
        given().body("{\"status\":503}").post("/sandbox/api/platform/faults").then().statusCode(404);
        WebSocketHandshakeException refused = assertThrows(WebSocketHandshakeException.class,
                () -> Guest.direct(Guest.newToken(), "deploymentId=d"));
        assertEquals(404, refused.getResponse().statusCode());
    }
}
