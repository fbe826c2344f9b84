package io.carryover.agent;

import static io.carryover.testing.AgentTokens.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.carryover.testing.AgentTokens;
import io.carryover.testing.AgentTokens.Participation;
import io.carryover.testing.Guest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** The page's headers, the public sign-in bootstrap, and routes that must not open by tricks on the path. */
@QuarkusTest
class AgentPageSecurityTest {

    private static Map<String, String> directives(String policy) {
        return Arrays.stream(policy.split(";")).map(String::trim).filter(d -> !d.isEmpty())
                .collect(Collectors.toMap(d -> d.split(" ", 2)[0], d -> d.contains(" ") ? d.split(" ", 2)[1] : ""));
    }

    @Test
    void everythingUnderAgentCarriesTheSecurityHeaders() {
        for (String path : List.of("/agent/", "/agent/api/sign-in", "/agent/api/conversations/x/context",
                "/agent/no-such-file.js")) {
            Response response = given().redirects().follow(false).get(path);
            String policy = response.header("Content-Security-Policy");
            assertTrue(policy != null, path + " has no CSP");
            Map<String, String> csp = directives(policy);
            assertEquals("'self'", csp.get("frame-ancestors"), path);
            assertEquals("'none'", csp.get("default-src"), path);
            assertEquals("'self'", csp.get("script-src"), path);
            assertEquals("'none'", csp.get("base-uri"), path);
            assertEquals("nosniff", response.header("X-Content-Type-Options"), path);
            assertEquals("no-referrer", response.header("Referrer-Policy"), path);
        }
        given().get("/agent/api/sign-in").then().header("Cache-Control", "no-store");
    }

    @Test
    void signInNamesTheRegionsLoginAndClientWhateverTheHostClaims() {
        for (String host : new String[] { null, "https://apps.mypurecloud.com", "https://evil.example" }) {
            var request = given();
            if (host != null) {
                request.queryParam("hostOrigin", host);
            }
            request.get("/agent/api/sign-in").then().statusCode(200)
                    .body("clientId", equalTo("carryover-agent-page"))
                    .body("authorizeUrl", equalTo("http://localhost:" + Guest.PORT
                            + "/sandbox/platform/login/oauth/authorize"))
                    .body("tokenUrl", equalTo("http://localhost:" + Guest.PORT + "/sandbox/platform/login/oauth/token"));
        }
    }

    @Test
    void pathTricksDoNotGetPastAuthentication() {
        String gid = AgentTokens.conversation(Participation.now(AgentTokens.BOB));
        for (String path : List.of("/agent/api;x/conversations/" + gid + "/context",
                "/agent/api/conversations;x/" + gid + "/context",
                "/agent/api/conversations/" + gid + ";x/context",
                "/agent//api/conversations/" + gid + "/context",
                "//agent/api/conversations/" + gid + "/context",
                "/agent/api/./conversations/" + gid + "/context",
                "/agent/x/../api/conversations/" + gid + "/context",
                "/agent%2Fapi/conversations/" + gid + "/context",
                "/agent/api%2Fconversations/" + gid + "/context",
                "/AGENT/api/conversations/" + gid + "/context",
                "/agent/API/conversations/" + gid + "/context")) {
            int status = given().urlEncodingEnabled(false).get(path).statusCode();
            assertTrue(status == 401 || status == 404 || status == 400, path + " answered " + status);
        }
        // The same without a token but a History API service token: never through.
        String history = io.carryover.testing.HistoryApi.serviceToken("history.read", "history.search");
        int status = as(history).urlEncodingEnabled(false).get("/agent/api;x/conversations/" + gid + "/context")
                .statusCode();
        assertTrue(status == 401 || status == 404 || status == 400, "answered " + status);
    }

    @Test
    void theOpenApiDocumentNamesTheAgentTokenScheme() {
        var doc = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().jsonPath();
        for (String path : List.of("/agent/api/conversations/{gid}/context",
                "/agent/api/conversations/{gid}/conversations/{id}/messages", "/agent/api/conversations/{gid}/search")) {
            assertEquals(List.of("genesys-agent"),
                    List.copyOf(doc.getMap("paths.'" + path + "'.get.security[0]").keySet()), path);
        }
        assertNull(doc.get("paths.'/agent/api/sign-in'.get.security"));
    }
}
