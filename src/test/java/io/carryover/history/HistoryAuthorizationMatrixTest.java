package io.carryover.history;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.carryover.testing.HistoryApi;
import io.carryover.testing.HistorySeed;
import io.carryover.testing.HistorySeed.Line;
import io.carryover.testing.Sandbox;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;

/**
 * Every History API route × every kind of caller. Each cell seeds its own customer (so destructive routes such as
 * erase can be rows too), calls the route once, asserts the status and, wherever the caller must not see the
 * customer, that the answer carries none of its text or ids.
 * <p>
 * To add a route, add one line to {@link #ROUTES}: {@link Route#service} for a role-protected route,
 * {@link Route#self} for customer self-service. Path placeholders: {@code {customerId}}, {@code {conversationId}},
 * {@code {genesysConversationId}}, {@code {issuer}}, {@code {sub}}, {@code {word}} (a word only its text holds), all
 * of the cell's seeded customer.
 */
@QuarkusTest
class HistoryAuthorizationMatrixTest {

    /**
     * A route. {@code ok}: status for a caller allowed to see the seeded customer. {@code scopedOut}: for a service
     * caller with the role but limited to other deployments. {@code otherCustomer}: for self-service called with
     * another customer's token (404 where the path names the seeded customer's ids, else 200 with the caller's own,
     * empty, data).
     */
    record Route(String method, String template, String role, int ok, int scopedOut, int otherCustomer) {

        static Route service(String method, String template, String role) {
            return new Route(method, template, role, 200, 404, 403);
        }

        static Route self(String method, String template) {
            return new Route(method, template, null, 200, 403, template.contains("{") ? 404 : 200);
        }

        Route scopedOut(int status) {
            return new Route(method, template, role, ok, status, otherCustomer);
        }

        boolean isSelf() {
            return role == null;
        }

        @Override
        public String toString() {
            return method + " " + template;
        }
    }

    static final List<Route> ROUTES = List.of(
            Route.service("GET", "/api/v1/customers?issuer={issuer}&sub={sub}", Roles.READ),
            Route.service("GET", "/api/v1/customers/{customerId}/conversations", Roles.READ),
            Route.service("GET", "/api/v1/conversations/{conversationId}", Roles.READ),
            Route.service("GET", "/api/v1/conversations/by-genesys-id/{genesysConversationId}", Roles.READ),
            Route.service("GET", "/api/v1/customers/{customerId}/summary", Roles.READ),
            Route.self("GET", "/api/v1/me/conversations"),
            Route.self("GET", "/api/v1/me/conversations/{conversationId}"),
            Route.self("GET", "/api/v1/me/summary"),
            Route.service("GET", "/api/v1/customers/{customerId}/export", Roles.EXPORT),
            Route.self("GET", "/api/v1/me/export"),
            Route.service("DELETE", "/api/v1/customers/{customerId}", Roles.ERASE),
            Route.service("GET", "/api/v1/customers/{customerId}/search?q={word}", Roles.SEARCH),
            // Across customers: a scoped-out caller gets an empty page (of nothing it may see), not a 404.
            Route.service("GET", "/api/v1/search?q={word}", Roles.SEARCH_ALL).scopedOut(200),
            Route.service("GET", "/api/v1/audit?customerId={customerId}", Roles.AUDIT).scopedOut(200)
    );

    /** Who calls. The first group never gets past authentication. */
    enum Caller {
        NO_TOKEN, EXPIRED, SIGNATURE_ALTERED, ALG_NONE, SIGNED_BY_ANOTHER_KEY, WRONG_AUDIENCE, UNTRUSTED_ISSUER,
        SERVICE_WITHOUT_ROLES, SERVICE_WITH_EVERY_OTHER_ROLE, SERVICE_WITH_THE_ROLE, SERVICE_SCOPED_IN,
        SERVICE_SCOPED_OUT, CUSTOMER_OWN, CUSTOMER_OTHER;

        boolean unauthenticated() {
            return ordinal() <= UNTRUSTED_ISSUER.ordinal();
        }
    }

    static int expected(Route route, Caller caller) {
        if (caller.unauthenticated()) {
            return 401;
        }
        return switch (caller) {
            case SERVICE_WITHOUT_ROLES, SERVICE_WITH_EVERY_OTHER_ROLE -> 403;
            case SERVICE_WITH_THE_ROLE, SERVICE_SCOPED_IN -> route.isSelf() ? 403 : route.ok();
            case SERVICE_SCOPED_OUT -> route.isSelf() ? 403 : route.scopedOut();
            case CUSTOMER_OWN -> route.isSelf() ? route.ok() : 403;
            case CUSTOMER_OTHER -> route.isSelf() ? route.otherCustomer() : 403;
            default -> throw new IllegalArgumentException(caller.name());
        };
    }

    static Stream<Arguments> cells() {
        List<Arguments> cells = new ArrayList<>();
        for (Route route : ROUTES) {
            for (Caller caller : Caller.values()) {
                cells.add(Arguments.of(route, caller));
            }
        }
        return cells.stream();
    }

    private static final String DEPLOYMENT = "matrix-deployment";
    private static final Set<String> SERVICE_ROLES = Set.of(Roles.READ, Roles.SEARCH, Roles.SEARCH_ALL, Roles.EXPORT,
            Roles.ERASE, Roles.AUDIT);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One cell's customer: everything the answer must not show to a caller who may not see it. */
    record Seeded(String sub, UUID customerId, UUID conversationId, String genesysConversationId, String word,
            String text) {

        /** Also an earlier audit row about the customer, so the audit route has something to show. */
        static Seeded create() {
            String sub = "matrix-" + UUID.randomUUID();
            UUID customer = HistorySeed.customer(Sandbox.ISSUER, sub);
            String genesysId = UUID.randomUUID().toString();
            String word = "w" + UUID.randomUUID().toString().replace("-", "");
            String text = "matrix secret " + word;
            UUID conversation = HistorySeed.conversation(customer, DEPLOYMENT, Instant.now().minusSeconds(3600),
                    genesysId, List.of(Line.customer(text), Line.agent("agent answer " + sub)));
            HistorySeed.execute("""
                    insert into audit_log (at, caller_issuer, caller_subject, action, customer_id, result)
                    values (now(), 'matrix', 'matrix', 'read', ?, 'ok')""", customer);
            return new Seeded(sub, customer, conversation, genesysId, word, text);
        }

        List<String> secrets() {
            return List.of(sub, customerId.toString(), conversationId.toString(), genesysConversationId, text);
        }

        String path(String template) {
            return template.replace("{customerId}", customerId.toString())
                    .replace("{conversationId}", conversationId.toString())
                    .replace("{genesysConversationId}", genesysConversationId)
                    .replace("{issuer}", java.net.URLEncoder.encode(Sandbox.ISSUER, StandardCharsets.UTF_8))
                    .replace("{sub}", sub)
                    .replace("{word}", word);
        }
    }

    @ParameterizedTest(name = "{0} × {1}")
    @MethodSource("cells")
    void cell(Route route, Caller caller) throws Exception {
        Seeded seeded = Seeded.create();
        String path = seeded.path(route.template());
        RequestSpecification request = given().urlEncodingEnabled(false);
        String token = token(route, caller, seeded);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        Response response = request.request(route.method(), path);
        String body = response.asString();
        int status = response.statusCode();
        assertEquals(expected(route, caller), status, route + " × " + caller + ": " + body);

        boolean mayShow = status < 300 && (caller == Caller.CUSTOMER_OWN || caller == Caller.SERVICE_WITH_THE_ROLE
                || caller == Caller.SERVICE_SCOPED_IN);
        if (mayShow) {
            assertTrue(body.contains(seeded.customerId().toString())
                    || body.contains(seeded.conversationId().toString()), "shows the seeded customer: " + body);
            return;
        }
        if (status >= 400) {
            assertEquals("application/problem+json", response.contentType().split(";")[0], body);
            assertTrue(JSON.readTree(body).path("type").asText().startsWith("urn:carryover:problem:"), body);
        }
        // The problem's "instance" repeats the path the caller sent; everything else must be free of the customer.
        String answer = body.isEmpty() ? "" : withoutInstance(body);
        for (String secret : seeded.secrets()) {
            assertFalse(answer.contains(secret), route + " × " + caller + " shows " + secret + ": " + body);
        }
    }

    private static String withoutInstance(String body) throws Exception {
        var tree = JSON.readTree(body);
        if (tree instanceof ObjectNode object) {
            object.remove("instance");
        }
        return tree.toString();
    }

    private static String token(Route route, Caller caller, Seeded seeded) throws Exception {
        List<String> right = route.isSelf() ? List.of() : List.of(route.role());
        return switch (caller) {
            case NO_TOKEN -> null;
            case EXPIRED -> valid(route, seeded, Map.of("expiresInSeconds", -3600));
            case SIGNATURE_ALTERED -> alterSignature(valid(route, seeded, Map.of()));
            case ALG_NONE -> algNone(valid(route, seeded, Map.of()));
            case SIGNED_BY_ANOTHER_KEY -> signedByAnotherKey(valid(route, seeded, Map.of()));
            case WRONG_AUDIENCE -> valid(route, seeded, Map.of("aud", "someone-else"));
            case UNTRUSTED_ISSUER -> valid(route, seeded, Map.of("issuer", "https://untrusted.example/oidc"));
            case SERVICE_WITHOUT_ROLES -> HistoryApi.serviceToken(Map.of("roles", List.of()));
            case SERVICE_WITH_EVERY_OTHER_ROLE -> HistoryApi.serviceToken(Map.of("roles",
                    SERVICE_ROLES.stream().filter(r -> !right.contains(r)).toList()));
            case SERVICE_WITH_THE_ROLE -> HistoryApi.serviceToken(Map.of("roles", right));
            case SERVICE_SCOPED_IN -> HistoryApi.serviceToken(Map.of("roles", right,
                    "deployments", List.of("elsewhere", DEPLOYMENT)));
            case SERVICE_SCOPED_OUT -> HistoryApi.serviceToken(Map.of("roles", right,
                    "deployments", List.of("elsewhere")));
            case CUSTOMER_OWN -> HistoryApi.customerToken(seeded.sub());
            case CUSTOMER_OTHER -> HistoryApi.customerToken(Seeded.create().sub());
        };
    }

    /** The token this route would accept (its role, or the customer's own), with claims changed. */
    private static String valid(Route route, Seeded seeded, Map<String, Object> claims) {
        if (route.isSelf()) {
            return Sandbox.mint(seeded.sub(), claims);
        }
        Map<String, Object> all = new HashMap<>(claims);
        all.put("roles", List.of(route.role()));
        return HistoryApi.serviceToken(all);
    }

    private static String alterSignature(String token) {
        String[] parts = token.split("\\.");
        byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
        signature[signature.length / 2] ^= 0x01;
        return parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
    }

    private static String algNone(String token) {
        String header = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        return header + "." + token.split("\\.")[1] + ".";
    }

    /** Same claims and key id as the genuine token, signed with a key the issuer never published. */
    private static String signedByAnotherKey(String token) throws Exception {
        String[] parts = token.split("\\.");
        var header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
        @SuppressWarnings("unchecked")
        Map<String, Object> claims = JSON.readValue(Base64.getUrlDecoder().decode(parts[1]), Map.class);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        RSAPrivateKey other = (RSAPrivateKey) generator.generateKeyPair().getPrivate();
        return Jwt.claims(claims).jws().keyId(header.path("kid").asText()).sign(other);
    }
}
