package io.carryover.history;

import static io.carryover.testing.HistoryApi.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.carryover.testing.Archive;
import io.carryover.testing.HistoryApi;
import io.carryover.testing.HistorySeed;
import io.carryover.testing.HistorySeed.Line;
import io.carryover.testing.Sandbox;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

@QuarkusTest
class AuditResourceTest {

    private static final Instant BASE = Instant.parse("2031-03-01T10:00:00Z");

    /** Only {@link #filtersByCustomerAndTimeNewestFirst} writes rows at {@link #BASE}; the others here. */
    private static final Instant ELSEWHERE = Instant.parse("2032-06-01T10:00:00Z");

    /** Five audit rows of {@code customer}, one an hour from {@code base}, with results r0..r4. */
    private static void seedRows(UUID customer, Instant base) {
        for (int i = 0; i < 5; i++) {
            HistorySeed.execute("""
                    insert into audit_log (at, caller_issuer, caller_subject, action, customer_id, target, result)
                    values (?, 'https://issuer.example', 'seeded', 'read', ?, 'conversation x', ?)""",
                    Timestamp.from(base.plusSeconds(3600L * i)), customer, "r" + i);
        }
    }

    private static RequestSpecification auditor() {
        return as(HistoryApi.serviceToken("history.audit"));
    }

    @Test
    void onlyTheAuditRoleReadsTheLog() {
        given().get("/api/v1/audit").then().statusCode(401).contentType("application/problem+json");
        as(HistoryApi.serviceToken("history.read", "history.search", "history.search-all", "history.export",
                "history.erase")).get("/api/v1/audit").then().statusCode(403)
                .body("type", equalTo("urn:carryover:problem:forbidden"));
        as(HistoryApi.customerToken("audit-self")).get("/api/v1/audit").then().statusCode(403);
        auditor().get("/api/v1/audit").then().statusCode(200).contentType("application/json");
    }

    @Test
    void filtersByCustomerAndTimeNewestFirst() {
        UUID customer = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        seedRows(customer, BASE);
        seedRows(other, BASE);
        JsonPath all = auditor().queryParam("customerId", customer.toString()).get("/api/v1/audit").then()
                .statusCode(200).extract().jsonPath();
        assertEquals(List.of("r4", "r3", "r2", "r1", "r0"), all.getList("items.result"));
        assertEquals(customer.toString(), all.getString("items[0].customerId"));
        assertEquals(BASE.plusSeconds(4 * 3600).toString(), all.getString("items[0].at"));
        assertEquals("https://issuer.example", all.getString("items[0].callerIssuer"));
        assertEquals("seeded", all.getString("items[0].callerSubject"));
        assertEquals("read", all.getString("items[0].action"));
        assertEquals("conversation x", all.getString("items[0].target"));
        // from inclusive, to exclusive, offsets other than Z.
        auditor().queryParam("customerId", customer.toString())
                .queryParam("from", "2031-03-01T12:00:00+01:00").queryParam("to", "2031-03-01T13:00:00Z")
                .get("/api/v1/audit").then().statusCode(200).body("items.result", equalTo(List.of("r2", "r1")));
        auditor().queryParam("from", "2031-03-01T14:00:00Z").queryParam("to", "2031-03-01T14:00:01Z")
                .get("/api/v1/audit").then().statusCode(200).body("items.size()", equalTo(2));
    }

    @Test
    void pagesWithACursorAndRejectsBadParameters() {
        UUID customer = UUID.randomUUID();
        seedRows(customer, ELSEWHERE);
        List<String> results = new ArrayList<>();
        String cursor = null;
        do {
            // Within the seeded hours: the audit route's own rows (written now) stay out.
            RequestSpecification request = auditor().queryParam("customerId", customer.toString())
                    .queryParam("from", ELSEWHERE.toString()).queryParam("to", ELSEWHERE.plusSeconds(86400).toString())
                    .queryParam("limit", 2);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.get("/api/v1/audit").then().statusCode(200).extract().jsonPath();
            results.addAll(page.getList("items.result"));
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        assertEquals(List.of("r4", "r3", "r2", "r1", "r0"), results);

        String first = auditor().queryParam("customerId", customer.toString()).queryParam("limit", 2)
                .get("/api/v1/audit").then().extract().path("nextCursor");
        assertNotNull(first);
        // The cursor continues the same filters only.
        auditor().queryParam("cursor", first).get("/api/v1/audit").then().statusCode(400)
                .contentType("application/problem+json").body("type", equalTo("urn:carryover:problem:invalid-cursor"));
        auditor().queryParam("cursor", "not-a-cursor").get("/api/v1/audit").then().statusCode(400)
                .body("type", equalTo("urn:carryover:problem:invalid-cursor"));
        for (Map<String, String> bad : List.of(Map.of("customerId", "not-a-uuid"), Map.of("from", "yesterday"),
                Map.of("to", "2031-03-01T10:00:00"), Map.of("from", "2031-03-02T00:00:00Z", "to",
                        "2031-03-01T00:00:00Z"), Map.of("from", "'; drop table audit_log; --"))) {
            auditor().queryParams(bad).get("/api/v1/audit").then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("type", equalTo("urn:carryover:problem:invalid-request"));
        }
        auditor().queryParam("limit", 101).get("/api/v1/audit").then().statusCode(400)
                .body("errors[0].field", equalTo("limit"));
        assertEquals(5L, Archive.count("select count(*) from audit_log where customer_id = ? and action = 'read'",
                customer));
    }

    @Test
    void readingTheLogIsItselfAudited() {
        UUID customer = UUID.randomUUID();
        seedRows(customer, Instant.parse("2020-01-01T00:00:00Z"));
        String subject = "auditor-" + UUID.randomUUID();
        as(HistoryApi.serviceToken(Map.of("roles", List.of("history.audit"), "sub", subject)))
                .queryParam("customerId", customer.toString()).queryParam("limit", 3)
                .get("/api/v1/audit").then().statusCode(200).body("items.size()", equalTo(3));
        as(HistoryApi.serviceToken(Map.of("roles", List.of("history.audit"), "sub", subject)))
                .queryParam("from", "nonsense").get("/api/v1/audit").then().statusCode(400);
        assertEquals(1L, Archive.count("select count(*) from audit_log where action = 'audit' and customer_id = ?"
                + " and target = 'items=3' and result = 'ok' and caller_subject = '" + subject + "'", customer));
        assertEquals(1L, Archive.count("select count(*) from audit_log where action = 'audit'"
                + " and customer_id is null and result = 'invalid-request' and caller_subject = ?", subject));
        // The row is written after the page is read: the next read shows it first.
        as(HistoryApi.serviceToken(Map.of("roles", List.of("history.audit"), "sub", subject)))
                .queryParam("customerId", customer.toString()).queryParam("limit", 1)
                .get("/api/v1/audit").then().statusCode(200)
                .body("items[0].action", equalTo("audit")).body("items[0].callerSubject", equalTo(subject));
    }

    @Test
    void aScopedAuditorSeesOnlyRowsAboutCustomersInItsDeployments() {
        UUID inScope = HistorySeed.customer(Sandbox.ISSUER, "audit-scope-" + UUID.randomUUID());
        UUID outOfScope = HistorySeed.customer(Sandbox.ISSUER, "audit-scope-" + UUID.randomUUID());
        HistorySeed.conversation(inScope, "audit-deployment-a", Instant.now(), null, List.of(Line.customer("hi")));
        HistorySeed.conversation(outOfScope, "audit-deployment-b", Instant.now(), null, List.of(Line.customer("hi")));
        seedRows(inScope, ELSEWHERE);
        seedRows(outOfScope, ELSEWHERE);
        String scoped = HistoryApi.serviceToken(Map.of("roles", List.of("history.audit"),
                "deployments", List.of("audit-deployment-a")));
        as(scoped).queryParam("from", ELSEWHERE.toString()).queryParam("to", ELSEWHERE.plusSeconds(86400).toString())
                .get("/api/v1/audit").then().statusCode(200)
                .body("items.size()", equalTo(5)).body("items.customerId.unique()", equalTo(List.of(inScope.toString())));
        as(scoped).queryParam("customerId", outOfScope.toString()).get("/api/v1/audit").then().statusCode(200)
                .body("items", empty()).body("nextCursor", nullValue());
        as(HistoryApi.serviceToken(Map.of("roles", List.of("history.audit"), "deployments", List.of())))
                .get("/api/v1/audit").then().statusCode(200).body("items", empty());
    }
}
