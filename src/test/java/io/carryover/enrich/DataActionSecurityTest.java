package io.carryover.enrich;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.carryover.testing.HistoryApi;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** The data action is secured by Quarkus (Basic, embedded users, role data-action), with problem+json errors. */
@QuarkusTest
class DataActionSecurityTest {

    private static final Map<String, String> BODY = Map.of("conversationId", "c", "sub", "s");

    @Test
    void withoutCredentialsTheChallengeIsBasic() {
        given().contentType(ContentType.JSON).body(BODY).post("/architect/summary").then().statusCode(401)
                .header("WWW-Authenticate", startsWith("Basic"))
                .contentType("application/problem+json")
                .body("type", equalTo("urn:carryover:problem:unauthorized"));
    }

    @Test
    void aUserWithoutTheDataActionRoleIsForbidden() {
        given().auth().preemptive().basic("no-role", "no-role-secret").contentType(ContentType.JSON).body(BODY)
                .post("/architect/summary").then().statusCode(403)
                .body("type", equalTo("urn:carryover:problem:forbidden"));
    }

    @Test
    void aHistoryBearerTokenDoesNotOpenTheDataAction() {
        HistoryApi.as(HistoryApi.serviceToken("history.read")).contentType(ContentType.JSON).body(BODY)
                .post("/architect/summary").then().statusCode(401);
    }

    @Test
    void theDataActionUserCannotReadTheHistoryApi() {
        given().auth().preemptive().basic("architect", "test-secret").queryParam("issuer", "i").queryParam("sub", "s")
                .get("/api/v1/customers").then().statusCode(401).header("WWW-Authenticate", startsWith("Bearer"));
    }
}
