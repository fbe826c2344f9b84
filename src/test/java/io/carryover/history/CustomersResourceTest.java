package io.carryover.history;

import static io.carryover.testing.HistoryApi.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.carryover.testing.Archive;
import io.carryover.testing.HistoryApi;
import io.carryover.testing.HistorySeed;
import io.carryover.testing.HistorySeed.Line;
import io.carryover.testing.Sandbox;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class CustomersResourceTest {

    @Test
    void lookupNeedsABearerTokenWithTheReadRole() {
        given().queryParam("issuer", Sandbox.ISSUER).queryParam("sub", "nobody")
                .get("/api/v1/customers").then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("type", equalTo("urn:carryover:problem:unauthorized"));
        as(HistoryApi.serviceToken("history.search")).queryParam("issuer", Sandbox.ISSUER).queryParam("sub", "x")
                .get("/api/v1/customers").then().statusCode(403)
                .body("type", equalTo("urn:carryover:problem:forbidden"));
        // A customer token never carries service roles, whatever it claims.
        as(HistoryApi.customerToken("someone")).queryParam("issuer", Sandbox.ISSUER).queryParam("sub", "someone")
                .get("/api/v1/customers").then().statusCode(403);
    }

    @Test
    void lookupFindsAnArchivedCustomerAndAuditsIt() throws Exception {
        String sub = "lookup-" + System.nanoTime();
        String customerId = HistorySeed.customer(Sandbox.ISSUER, sub).toString();
        HistorySeed.conversation(UUID.fromString(customerId), HistorySeed.DEPLOYMENT, Instant.now().minusSeconds(60),
                null, List.of(Line.customer("hello"), Line.agent("how can I help?")));
        as(HistoryApi.serviceToken(Map.of("roles", List.of("history.read"), "clientId", "crm")))
                .queryParam("issuer", Sandbox.ISSUER).queryParam("sub", sub)
                .get("/api/v1/customers").then().statusCode(200)
                .body("customerId", equalTo(customerId))
                .body("conversations", equalTo(1))
                .body("messages", equalTo(2))
                .body("firstSeen", notNullValue());
        as(HistoryApi.serviceToken("history.read")).queryParam("issuer", Sandbox.ISSUER).queryParam("sub", sub + "x")
                .get("/api/v1/customers").then().statusCode(404)
                .body("type", equalTo("urn:carryover:problem:not-found"));
        assertEquals(1L, Archive.count("select count(*) from audit_log where action = 'lookup' and customer_id = ?"
                + " and caller_subject = 'crm-service (client crm)' and result = 'ok'", UUID.fromString(customerId)));
    }

    @Test
    void missingParametersAreAProblemNotAServerError() {
        as(HistoryApi.serviceToken("history.read")).queryParam("issuer", Sandbox.ISSUER)
                .get("/api/v1/customers").then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:carryover:problem:invalid-request"))
                .body("errors[0].field", equalTo("sub"));
    }
}
