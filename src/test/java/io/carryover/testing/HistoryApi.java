package io.carryover.testing;

import static io.restassured.RestAssured.given;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Tokens and requests for the History API (/api/v1), minted by the sandbox issuer. */
public final class HistoryApi {

    /** Audience of service tokens in the test configuration. */
    public static final String SERVICE_AUDIENCE = "carryover-history";

    private HistoryApi() {
    }

    /** A service token with these roles, for every deployment. */
    public static String serviceToken(String... roles) {
        return serviceToken(Map.of("roles", List.of(roles)));
    }

    /** A service token; {@code claims} may set roles, deployments, clientId, expiresInSeconds, aud, issuer, sub. */
    public static String serviceToken(Map<String, Object> claims) {
        Map<String, Object> body = new HashMap<>();
        body.put("sub", "crm-service");
        body.put("aud", SERVICE_AUDIENCE);
        body.putAll(claims);
        return given().contentType(ContentType.JSON).body(body).post("/sandbox/oidc/token")
                .then().statusCode(200).extract().path("access_token");
    }

    /** A customer's own token (the relay's audience): self-service under /api/v1/me. */
    public static String customerToken(String subject) {
        return Sandbox.mint(subject);
    }

    public static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token);
    }
}
