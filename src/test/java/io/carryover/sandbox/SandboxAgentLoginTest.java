package io.carryover.sandbox;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.carryover.testing.AgentTokens;
import io.carryover.testing.Guest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** The emulated Genesys agent login: authorization code with PKCE, as PROTOCOL.md 10.2 describes it. */
@QuarkusTest
class SandboxAgentLoginTest {

    private static final String AUTHORIZE = "/sandbox/platform/login/oauth/authorize";
    private static final String TOKEN = "/sandbox/platform/login/oauth/token";
    private static final String CLIENT = "carryover-agent-page";
    private static final String REDIRECT = "http://localhost:" + Guest.PORT + "/agent/";

    private static String verifier() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String challenge(String verifier) throws Exception {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    }

    private static Map<String, String> query(String location) {
        Map<String, String> out = new HashMap<>();
        for (String pair : URI.create(location).getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            out.put(kv[0], java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return out;
    }

    /** The code the login page's form gives for this user. */
    private static String code(String user, String challenge) {
        Response chosen = given().redirects().follow(false).contentType(ContentType.URLENC)
                .formParam("client_id", CLIENT).formParam("redirect_uri", REDIRECT)
                .formParam("code_challenge", challenge).formParam("state", "s-1").formParam("user", user)
                .post(AUTHORIZE);
        assertEquals(303, chosen.statusCode());
        String location = chosen.header("Location");
        assertEquals(REDIRECT, location.substring(0, location.indexOf('?')));
        Map<String, String> params = query(location);
        assertEquals("s-1", params.get("state"));
        return params.get("code");
    }

    private static Response exchange(String code, String verifier, String redirect) {
        return given().contentType(ContentType.URLENC).header("Origin", "http://localhost:" + Guest.PORT)
                .formParam("grant_type", "authorization_code").formParam("code", code)
                .formParam("redirect_uri", redirect).formParam("client_id", CLIENT)
                .formParam("code_verifier", verifier).post(TOKEN);
    }

    @Test
    void theLoginPageListsUsersAndRefusesToBeFramed() throws Exception {
        given().queryParam("client_id", CLIENT).queryParam("response_type", "code")
                .queryParam("redirect_uri", REDIRECT).queryParam("code_challenge", challenge(verifier()))
                .queryParam("code_challenge_method", "S256").queryParam("state", "s")
                .get(AUTHORIZE).then().statusCode(200)
                .header("X-Frame-Options", "DENY")
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                .body(containsString("Sign in to Genesys Cloud (sandbox)"))
                .body(containsString("value=\"bob\"")).body(containsString("value=\"carol\""))
                .body(containsString("value=\"sam\""));
    }

    @Test
    void badRequestsAreShownOrSentBackAsOAuthErrors() throws Exception {
        String challenge = challenge(verifier());
        given().queryParam("client_id", "nobody").queryParam("response_type", "code")
                .queryParam("redirect_uri", REDIRECT).queryParam("code_challenge", challenge)
                .queryParam("code_challenge_method", "S256").get(AUTHORIZE).then().statusCode(400);
        given().queryParam("client_id", CLIENT).queryParam("response_type", "code")
                .queryParam("redirect_uri", "https://evil.example/agent/").queryParam("code_challenge", challenge)
                .queryParam("code_challenge_method", "S256").get(AUTHORIZE).then().statusCode(400);
        Response plain = given().redirects().follow(false).queryParam("client_id", CLIENT)
                .queryParam("response_type", "code").queryParam("redirect_uri", REDIRECT)
                .queryParam("code_challenge", challenge).queryParam("code_challenge_method", "plain")
                .queryParam("state", "st").get(AUTHORIZE);
        assertEquals(303, plain.statusCode());
        assertEquals("invalid_request", query(plain.header("Location")).get("error"));
        Response implicit = given().redirects().follow(false).queryParam("client_id", CLIENT)
                .queryParam("response_type", "token").queryParam("redirect_uri", REDIRECT)
                .queryParam("code_challenge", challenge).queryParam("code_challenge_method", "S256")
                .get(AUTHORIZE);
        assertEquals("unsupported_response_type", query(implicit.header("Location")).get("error"));
    }

    @Test
    void theCodeBuysTheUsersTokenOnceWithTheRightVerifier() throws Exception {
        String verifier = verifier();
        String code = code("carol", challenge(verifier));

        exchange(code, verifier, REDIRECT).then().statusCode(200)
                .header("Access-Control-Allow-Origin", "http://localhost:" + Guest.PORT);
        // Single use.
        exchange(code, verifier, REDIRECT).then().statusCode(400).body("error", equalTo("invalid_grant"));

        String token = exchange(code("carol", challenge(verifier)), verifier, REDIRECT).then().statusCode(200)
                .extract().path("access_token");
        assertNotNull(token);
        AgentTokens.as(token).get("/sandbox/platform/api/v2/users/me").then().statusCode(200)
                .body("id", equalTo(AgentTokens.CAROL_ID)).body("name", equalTo("Carol Agent"));

        exchange(code("carol", challenge(verifier)), verifier(), REDIRECT).then().statusCode(400)
                .body("error", equalTo("invalid_grant"));
        exchange(code("carol", challenge(verifier)), verifier, REDIRECT + "x").then().statusCode(400)
                .body("error", equalTo("invalid_grant"));
        AgentTokens.as("made-up").get("/sandbox/platform/api/v2/users/me").then().statusCode(401);
    }
}
