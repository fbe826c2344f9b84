package io.carryover.sandbox;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;

/** The test OIDC issuer: discovery, JWKS, and tokens that verify against that JWKS. */
@QuarkusTest
class SandboxOidcTest {


    @Inject
    SandboxOidcIssuer issuer;

    @Test
    void discoveryPointsAtTheJwks() {
        given().get("/sandbox/oidc/.well-known/openid-configuration").then().statusCode(200)
                .body("issuer", equalTo(issuer()))
                .body("jwks_uri", equalTo(issuer() + "/jwks"));
    }

    @Test
    void jwksPublishesOneRsaSigningKey() {
        JsonPath jwks = given().get("/sandbox/oidc/jwks").then().statusCode(200)
                .body("keys", hasSize(1)).extract().jsonPath();
        assertEquals("RSA", jwks.getString("keys[0].kty"));
        assertEquals("sig", jwks.getString("keys[0].use"));
        assertEquals("RS256", jwks.getString("keys[0].alg"));
        assertEquals(issuer.keyId(), jwks.getString("keys[0].kid"));
        assertEquals("AQAB", jwks.getString("keys[0].e"));
        assertEquals(342, jwks.getString("keys[0].n").length()); // 256 bytes, base64url without padding
    }

    @Test
    void tokenFromTheEndpointVerifiesWithTheJwks() throws Exception {
        JsonPath response = given().contentType(ContentType.JSON)
                .body("{\"sub\":\"alice\",\"email\":\"alice@example.com\",\"name\":\"Alice\",\"expiresInSeconds\":120}")
                .post("/sandbox/oidc/token").then().statusCode(200)
                .body("token_type", equalTo("Bearer"))
                .body("expires_in", equalTo(120))
                .extract().jsonPath();

        JsonWebToken jwt = jwksParser().parse(response.getString("access_token"));
        assertEquals("alice", jwt.getSubject());
        assertEquals(issuer(), jwt.getIssuer());
        assertTrue(jwt.getAudience().contains("carryover"));
        assertEquals("alice@example.com", jwt.getClaim("email"));
        assertEquals("Alice", (String) jwt.getClaim("name"));
        assertEquals(120, jwt.getExpirationTime() - jwt.getIssuedAtTime());
    }

    @Test
    void mintedTokenVerifiesWithThePublicKey() throws Exception {
        JsonWebToken jwt = new DefaultJWTParser().verify(issuer.mint("bob"), issuer.publicKey());
        assertEquals("bob", jwt.getSubject());
        assertEquals(300, jwt.getExpirationTime() - jwt.getIssuedAtTime());
    }

    @Test
    void negativeLifetimeGivesAnExpiredToken() {
        String token = given().contentType(ContentType.JSON).body("{\"sub\":\"carol\",\"expiresInSeconds\":-60}")
                .post("/sandbox/oidc/token").then().statusCode(200)
                .body("expires_in", equalTo(0))
                .extract().jsonPath().getString("access_token");
        assertThrows(ParseException.class, () -> jwksParser().parse(token));
    }

    @Test
    void audienceAndIssuerCanBeOverridden() throws Exception {
        String token = given().contentType(ContentType.JSON)
                .body("{\"sub\":\"dave\",\"aud\":\"someone-else\",\"issuer\":\"https://evil.example\"}")
                .post("/sandbox/oidc/token").then().statusCode(200)
                .extract().jsonPath().getString("access_token");
        JsonWebToken jwt = new DefaultJWTParser().verify(token, issuer.publicKey());
        assertEquals("https://evil.example", jwt.getIssuer());
        assertTrue(jwt.getAudience().contains("someone-else"));
        // A verifier that expects the sandbox issuer refuses it.
        assertThrows(ParseException.class, () -> jwksParser().parse(token));
    }

    @Test
    void subIsRequired() {
        given().contentType(ContentType.JSON).body("{}").post("/sandbox/oidc/token")
                .then().statusCode(400).body("error", equalTo("sub is required"));
    }

    /** carryover.sandbox.base-url follows the test port. */
    private static String issuer() {
        return "http://localhost:" + RestAssured.port + "/sandbox/oidc";
    }

    /** Verifies the way a resource server configured with jwks_uri and issuer does. */
    private static DefaultJWTParser jwksParser() {
        JWTAuthContextInfo context = new JWTAuthContextInfo(issuer() + "/jwks", issuer());
        context.setExpectedAudience(java.util.Set.of("carryover"));
        return new DefaultJWTParser(context);
    }
}
