package io.carryover.history;

import static io.carryover.testing.HistoryApi.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.carryover.sandbox.SandboxOidcIssuer;
import io.carryover.testing.Archive;
import io.carryover.testing.HistoryApi;
import io.carryover.testing.HistorySeed;
import io.carryover.testing.HistorySeed.Line;
import io.carryover.testing.Sandbox;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.junit.QuarkusTest;

/**
 * An attacker's inputs that once gave a 500, a wrong problem type, or more access than the token grants. Each test
 * failed before its fix.
 */
@QuarkusTest
class HistoryAttackTest {

    private static final String PROBLEM = "application/problem+json";

    @Inject
    SandboxOidcIssuer issuer;

    private record Seeded(String sub, UUID customerId, UUID conversationId) {
    }

    private static Seeded seed() {
        String sub = "attack-" + UUID.randomUUID();
        UUID customer = HistorySeed.customer(Sandbox.ISSUER, sub);
        UUID conversation = HistorySeed.conversation(customer, HistorySeed.DEPLOYMENT, Instant.now().minusSeconds(600),
                "g-" + sub, List.of(Line.customer("hello attack"), Line.agent("hi"), Line.customer("thanks")));
        return new Seeded(sub, customer, conversation);
    }

    /** A token of the sandbox issuer with exactly this payload (the sandbox's mint endpoint cannot say null). */
    private String signed(String payloadJson) throws Exception {
        var field = SandboxOidcIssuer.class.getDeclaredField("keyPair");
        field.setAccessible(true);
        KeyPair keys = (KeyPair) field.get(ClientProxy.unwrap(issuer));
        var b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString(("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + issuer.keyId() + "\"}")
                .getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(keys.getPrivate());
        rsa.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
        return header + "." + payload + "." + b64.encodeToString(rsa.sign());
    }

    private static String uniqueServiceToken(String subject, String... roles) {
        return HistoryApi.serviceToken(Map.of("roles", List.of(roles), "sub", subject));
    }

    @Test
    void aLimitThatIsNotAWholeNumberIsA400NamingTheFieldOnEveryList() {
        Seeded s = seed();
        String read = HistoryApi.serviceToken("history.read");
        for (String limit : List.of("1e1", "1.5", "50.0", "abc", "1e9")) {
            as(read).queryParam("limit", limit).get("/api/v1/customers/{id}/conversations", s.customerId())
                    .then().statusCode(400).contentType(PROBLEM)
                    .body("type", equalTo("urn:carryover:problem:invalid-request"))
                    .body("errors.field", org.hamcrest.Matchers.hasItem("limit"));
            as(read).queryParam("limit", limit).get("/api/v1/conversations/{id}", s.conversationId())
                    .then().statusCode(400).contentType(PROBLEM)
                    .body("type", equalTo("urn:carryover:problem:invalid-request"));
            as(HistoryApi.customerToken(s.sub())).queryParam("limit", limit).get("/api/v1/me/conversations")
                    .then().statusCode(400).contentType(PROBLEM)
                    .body("type", equalTo("urn:carryover:problem:invalid-request"));
            as(HistoryApi.serviceToken("history.search-all")).queryParam("q", "hello").queryParam("limit", limit)
                    .get("/api/v1/search").then().statusCode(400).contentType(PROBLEM)
                    .body("type", equalTo("urn:carryover:problem:invalid-request"))
                    .body("errors.field", org.hamcrest.Matchers.hasItem("limit"));
            as(HistoryApi.serviceToken("history.search")).queryParam("q", "hello").queryParam("limit", limit)
                    .get("/api/v1/customers/{id}/search", s.customerId()).then().statusCode(400).contentType(PROBLEM)
                    .body("type", equalTo("urn:carryover:problem:invalid-request"));
            as(HistoryApi.serviceToken("history.audit")).queryParam("limit", limit)
                    .get("/api/v1/audit").then().statusCode(400).contentType(PROBLEM)
                    .body("type", equalTo("urn:carryover:problem:invalid-request"));
        }
    }

    @Test
    void anInvalidLimitOnSearchAndAuditStillLeavesItsAuditRow() {
        Seeded s = seed();
        String subject = "attack-auditor-" + UUID.randomUUID();
        as(uniqueServiceToken(subject, "history.search-all")).queryParam("q", "hello").queryParam("limit", "0")
                .get("/api/v1/search").then().statusCode(400);
        as(uniqueServiceToken(subject, "history.search")).queryParam("q", "hello").queryParam("limit", "101")
                .get("/api/v1/customers/{id}/search", s.customerId()).then().statusCode(400);
        as(uniqueServiceToken(subject, "history.audit")).queryParam("limit", "x").get("/api/v1/audit")
                .then().statusCode(400);
        assertEquals(3L, Archive.count("select count(*) from audit_log where caller_subject = ?"
                + " and result = 'invalid-request' and action in ('search-all', 'search', 'audit')", subject));
    }

    @Test
    void instantsOutsideWhatPostgresqlStoresAreA400NotAServerError() {
        Seeded s = seed();
        String read = HistoryApi.serviceToken("history.read");
        for (String time : List.of("+300000-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z",
                "-999999999-01-01T00:00:00Z", "-5000-01-01T00:00:00Z")) {
            for (String param : List.of("from", "to")) {
                as(read).queryParam(param, time).get("/api/v1/customers/{id}/conversations", s.customerId())
                        .then().statusCode(400).contentType(PROBLEM)
                        .body("type", equalTo("urn:carryover:problem:invalid-request"));
                as(HistoryApi.serviceToken("history.audit")).queryParam(param, time).get("/api/v1/audit")
                        .then().statusCode(400).contentType(PROBLEM)
                        .body("type", equalTo("urn:carryover:problem:invalid-request"));
            }
        }
        // Still inside the range: an early year is a valid (empty) window.
        as(read).queryParam("to", "0001-01-01T00:00:00Z").get("/api/v1/customers/{id}/conversations", s.customerId())
                .then().statusCode(200).body("items", hasSize(0));
    }

    @Test
    void aForgedCursorWithAnInstantPostgresqlCannotStoreIsAnInvalidCursor() {
        Seeded s = seed();
        var b64 = Base64.getUrlEncoder().withoutPadding();
        String far = "+300000-01-01T00:00:00Z";
        String conversations = b64.encodeToString(("{\"list\":\"conversations:" + s.customerId() + "\",\"key\":[\""
                + far + "\",\"" + UUID.randomUUID() + "\"]}").getBytes(StandardCharsets.UTF_8));
        as(HistoryApi.serviceToken("history.read")).queryParam("cursor", conversations)
                .get("/api/v1/customers/{id}/conversations", s.customerId())
                .then().statusCode(400).contentType(PROBLEM).body("type", equalTo("urn:carryover:problem:invalid-cursor"));
        String messages = b64.encodeToString(("{\"list\":\"messages:" + s.conversationId() + "\",\"key\":[\"" + far
                + "\",\"1\"]}").getBytes(StandardCharsets.UTF_8));
        as(HistoryApi.serviceToken("history.read")).queryParam("cursor", messages)
                .get("/api/v1/conversations/{id}", s.conversationId())
                .then().statusCode(400).contentType(PROBLEM).body("type", equalTo("urn:carryover:problem:invalid-cursor"));
        String audit = b64.encodeToString(("{\"list\":\"audit:null:null:null\",\"key\":[\"" + far + "\",\"1\"]}")
                .getBytes(StandardCharsets.UTF_8));
        as(HistoryApi.serviceToken("history.audit")).queryParam("cursor", audit).get("/api/v1/audit")
                .then().statusCode(400).contentType(PROBLEM).body("type", equalTo("urn:carryover:problem:invalid-cursor"));
    }

    @Test
    void aNulCharacterInATokenClaimOrAGenesysIdIsNotAServerError() {
        Seeded s = seed();
        String subject = "crm\u0000service-" + UUID.randomUUID();
        as(HistoryApi.serviceToken(Map.of("roles", List.of("history.read"), "sub", subject)))
                .get("/api/v1/customers/{id}/conversations", s.customerId()).then().statusCode(200);
        as(HistoryApi.serviceToken(Map.of("roles", List.of("history.read"), "clientId", "crm\u0000")))
                .get("/api/v1/customers/{id}/conversations", s.customerId()).then().statusCode(200);
        as(HistoryApi.customerToken("me\u0000" + s.sub())).get("/api/v1/me/conversations")
                .then().statusCode(200).body("items", hasSize(0));
        as(HistoryApi.serviceToken("history.read")).urlEncodingEnabled(false)
                .get("/api/v1/conversations/by-genesys-id/g-%00x").then().statusCode(404).contentType(PROBLEM)
                .body("type", equalTo("urn:carryover:problem:not-found"));
        // The audit row is kept, readable, with the NUL replaced.
        assertEquals(1L, Archive.count("select count(*) from audit_log where caller_subject = ? and result = 'ok'",
                subject.replace('\u0000', '\uFFFD')));
    }

    @Test
    void aDeploymentsClaimThatIsNullSeesNothingLikeAnyClaimThatIsNotAList() throws Exception {
        Seeded s = seed();
        long now = Instant.now().getEpochSecond();
        String token = signed("{\"iss\":\"" + Sandbox.ISSUER + "\",\"sub\":\"crm-null-scope\",\"aud\":\""
                + HistoryApi.SERVICE_AUDIENCE + "\",\"roles\":[\"history.read\",\"history.search-all\"],"
                + "\"carryover_deployments\":null,\"iat\":" + now + ",\"exp\":" + (now + 600) + "}");
        as(token).get("/api/v1/customers/{id}/conversations", s.customerId()).then().statusCode(404)
                .body("type", equalTo("urn:carryover:problem:not-found"));
        as(token).queryParam("q", "attack").get("/api/v1/search").then().statusCode(200).body("items", hasSize(0));
        // Absent claim: every deployment (unchanged).
        String unscoped = signed("{\"iss\":\"" + Sandbox.ISSUER + "\",\"sub\":\"crm-no-scope\",\"aud\":\""
                + HistoryApi.SERVICE_AUDIENCE + "\",\"roles\":[\"history.read\"],\"iat\":" + now + ",\"exp\":"
                + (now + 600) + "}");
        as(unscoped).get("/api/v1/customers/{id}/conversations", s.customerId()).then().statusCode(200)
                .body("items", hasSize(1));
    }

    @Test
    void aWrongMethodOrAnUnacceptableMediaTypeIsAProblem() {
        Seeded s = seed();
        String read = HistoryApi.serviceToken("history.read");
        as(read).post("/api/v1/customers/{id}/conversations", s.customerId()).then().statusCode(405)
                .contentType(PROBLEM).body("type", equalTo("urn:carryover:problem:method-not-allowed"));
        as(read).accept("application/xml").get("/api/v1/customers/{id}/conversations", s.customerId())
                .then().statusCode(406).contentType(PROBLEM).body("type", equalTo("urn:carryover:problem:not-acceptable"));
    }

    @Test
    void erasureLeavesNoAuditRowNamingTheCustomerAsTheCaller() {
        Seeded s = seed();
        String mine = HistoryApi.customerToken(s.sub());
        as(mine).get("/api/v1/me/conversations").then().statusCode(200).body("items", hasSize(1));
        as(mine).get("/api/v1/me/summary").then().statusCode(200);
        assertEquals(2L, Archive.count("select count(*) from audit_log where caller_subject = ?", s.sub()));
        as(HistoryApi.serviceToken("history.erase")).delete("/api/v1/customers/{id}", s.customerId())
                .then().statusCode(200);
        // The rows of the customer's own calls stay (who did what, when), without the subject that names them.
        assertEquals(0L, Archive.count("select count(*) from audit_log a where a::text like ?", "%" + s.sub() + "%"));
        assertEquals(3L, Archive.count("select count(*) from audit_log where customer_id = ?", s.customerId()));
    }

    @Test
    void aTokenWithABlankSubjectIsRefusedAsTheRelayRefusesIt() throws Exception {
        long now = Instant.now().getEpochSecond();
        for (String subject : List.of("", " ")) {
            String customer = signed("{\"iss\":\"" + Sandbox.ISSUER + "\",\"sub\":\"" + subject
                    + "\",\"aud\":\"carryover\",\"iat\":" + now + ",\"exp\":" + (now + 600) + "}");
            as(customer).get("/api/v1/me/conversations").then().statusCode(401).contentType(PROBLEM)
                    .body("type", equalTo("urn:carryover:problem:unauthorized"));
            String service = signed("{\"iss\":\"" + Sandbox.ISSUER + "\",\"sub\":\"" + subject + "\",\"aud\":\""
                    + HistoryApi.SERVICE_AUDIENCE + "\",\"roles\":[\"history.audit\"],\"iat\":" + now
                    + ",\"exp\":" + (now + 600) + "}");
            as(service).get("/api/v1/audit").then().statusCode(401).contentType(PROBLEM)
                    .body("type", equalTo("urn:carryover:problem:unauthorized"));
        }
    }
}
