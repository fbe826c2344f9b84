package io.carryover.history;

import static io.carryover.testing.HistoryApi.as;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.carryover.testing.Archive;
import io.carryover.testing.HistoryApi;
import io.carryover.testing.HistorySeed;
import io.carryover.testing.HistorySeed.Line;
import io.carryover.testing.PostgresTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
class ErasureTest {

    @Test
    void erasureLeavesNoRowMentioningTheCustomerInAnyTableOfTheCatalogue() {
        CustomerData alice = CustomerData.seed("erase-alice");
        CustomerData bob = CustomerData.seed("erase-bob");
        List<String> aliceMarks = marks(alice);
        Archive.awaitSearchIndexed(); // the indexer adds rows of its own meanwhile: bob's counts must hold still
        Map<String, Long> bobBefore = rowsMentioning(marks(bob));
        Map<String, Long> before = rowsMentioning(aliceMarks);
        assertTrue(Erasure.TABLES.stream().allMatch(table -> before.get(table) > 0),
                "the seed puts alice in every table: " + before);

        JsonPath receipt = as(HistoryApi.serviceToken("history.erase"))
                .delete("/api/v1/customers/{id}", alice.customerId()).then().statusCode(200)
                .body("customerId", equalTo(alice.customerId().toString()))
                .body("alreadyErased", equalTo(false))
                .body("genesysConversationsWithAttributes", contains(alice.genesysPatched()))
                .extract().jsonPath();
        assertEquals(Map.of("customer", 1, "guest_session", 1, "conversation", 3, "message", 5,
                "enrichment_job", 2, "conversation_summary", 1, "identity_link", 1), receipt.getMap("deleted"));

        Map<String, Long> left = rowsMentioning(aliceMarks);
        assertTrue(left.values().stream().allMatch(n -> n == 0), "rows left for alice: " + left);
        assertEquals(bobBefore, rowsMentioning(marks(bob)), "bob's rows are untouched");
        // The guest thread the link came from stays: anonymous, and no longer tied to alice.
        assertEquals(1, Archive.count("select count(*) from customer where id = ?", alice.guestId()));

        // The erasure is on record, with counts but without anything erased (not even the subject).
        String result = Archive.text("select result from audit_log where action = 'erase' and customer_id = ?",
                alice.customerId());
        assertTrue(result.startsWith("ok {") && result.contains("\"message\":5"), result);
        assertEquals(0, Archive.count("select count(*) from audit_log a where a::text like ?",
                "%" + alice.subject() + "%"));
    }

    @Test
    void erasingTwiceAnswersAReceiptWithZeroCountsAndUnknownIdsAreNotFound() {
        CustomerData carol = CustomerData.seed("erase-carol");
        String token = HistoryApi.serviceToken("history.erase");
        as(token).delete("/api/v1/customers/{id}", carol.customerId()).then().statusCode(200)
                .body("alreadyErased", equalTo(false));
        JsonPath again = as(token).delete("/api/v1/customers/{id}", carol.customerId()).then().statusCode(200)
                .body("alreadyErased", equalTo(true))
                .body("genesysConversationsWithAttributes.size()", equalTo(0))
                .extract().jsonPath();
        assertTrue(again.getMap("deleted", String.class, Integer.class).values().stream().allMatch(n -> n == 0));
        assertEquals(7, again.getMap("deleted").size());

        UUID unknown = UUID.randomUUID();
        as(token).delete("/api/v1/customers/{id}", unknown).then().statusCode(404)
                .contentType("application/problem+json").body("type", equalTo("urn:carryover:problem:not-found"));
        assertEquals(1, Archive.count("select count(*) from audit_log where action = 'erase' and customer_id = ?"
                + " and result = 'not-found'", unknown));
        as(token).delete("/api/v1/customers/{id}", "'; delete from customer; --").then().statusCode(404);
        // A caller limited to some deployments learns nothing of an erasure another caller made; its own retry
        // gets the receipt.
        as(HistoryApi.serviceToken(Map.of("roles", List.of("history.erase"), "deployments",
                List.of(HistorySeed.DEPLOYMENT), "sub", "another-team"))).delete("/api/v1/customers/{id}",
                        carol.customerId()).then().statusCode(404);
        CustomerData frank = CustomerData.seed("erase-frank");
        String scoped = HistoryApi.serviceToken(Map.of("roles", List.of("history.erase"), "deployments",
                List.of(HistorySeed.DEPLOYMENT), "sub", "scoped-team"));
        as(scoped).delete("/api/v1/customers/{id}", frank.customerId()).then().statusCode(200)
                .body("alreadyErased", equalTo(false));
        as(scoped).delete("/api/v1/customers/{id}", frank.customerId()).then().statusCode(200)
                .body("alreadyErased", equalTo(true));
    }

    @Test
    void erasureNeedsTheEraseRole() {
        CustomerData dave = CustomerData.seed("erase-dave");
        as(HistoryApi.serviceToken("history.read", "history.export")).delete("/api/v1/customers/{id}",
                dave.customerId()).then().statusCode(403).body("type", equalTo("urn:carryover:problem:forbidden"));
        as(HistoryApi.customerToken(dave.subject())).delete("/api/v1/customers/{id}", dave.customerId()).then()
                .statusCode(403);
        io.restassured.RestAssured.given().delete("/api/v1/customers/{id}", dave.customerId()).then()
                .statusCode(401);
        assertEquals(1, Archive.count("select count(*) from customer where id = ?", dave.customerId()));
    }

    @Test
    void aScopedCallerErasesOnlyCustomersWhollyInItsDeployments() {
        CustomerData erin = CustomerData.seed("erase-erin");
        HistorySeed.conversation(erin.customerId(), "other-deployment", Instant.now(), null,
                List.of(Line.customer("elsewhere")));
        String scoped = HistoryApi.serviceToken(Map.of("roles", List.of("history.erase"), "deployments",
                List.of(HistorySeed.DEPLOYMENT)));
        as(scoped).delete("/api/v1/customers/{id}", erin.customerId()).then().statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:carryover:problem:erase-out-of-scope"));
        assertEquals(4, Archive.count("select count(*) from conversation where customer_id = ?", erin.customerId()));
        as(HistoryApi.serviceToken(Map.of("roles", List.of("history.erase"), "deployments",
                List.of("a-third-deployment")))).delete("/api/v1/customers/{id}", erin.customerId()).then()
                .statusCode(404);
        as(HistoryApi.serviceToken(Map.of("roles", List.of("history.erase"), "deployments",
                List.of(HistorySeed.DEPLOYMENT, "other-deployment")))).delete("/api/v1/customers/{id}",
                        erin.customerId()).then().statusCode(200).body("deleted.conversation", equalTo(4));
    }

    /** Everything that identifies alice's data: her ids, her subject (also in her messages), Genesys ids. */
    private static List<String> marks(CustomerData data) {
        List<String> marks = new ArrayList<>();
        marks.add(data.customerId().toString());
        marks.add(data.subject());
        marks.add(data.genesysPatched());
        data.conversations().forEach(id -> marks.add(id.toString()));
        marks.addAll(strings("select id::text from guest_session where customer_id = ?", data.customerId()));
        marks.addAll(strings("""
                select m.genesys_message_id from message m join conversation c on c.id = m.conversation_id
                where c.customer_id = ?""", data.customerId()));
        marks.addAll(strings("""
                select j.first_message_id from enrichment_job j join conversation c on c.id = j.conversation_id
                where c.customer_id = ?""", data.customerId()));
        return marks;
    }

    /**
     * Per table of the public schema (from the catalogue, so a table added later is checked too), the rows whose
     * text form contains any of the marks; the audit log and Flyway's history are the only tables left out.
     */
    static Map<String, Long> rowsMentioning(List<String> marks) {
        List<String> tables = strings("""
                select table_name from information_schema.tables
                where table_schema = 'public' and table_type = 'BASE TABLE'
                  and table_name not in ('audit_log', 'flyway_schema_history') and ? is not null
                order by table_name""", "catalogue");
        assertTrue(tables.containsAll(List.of("customer", "guest_session", "conversation", "message",
                "enrichment_job", "conversation_summary", "identity_link")), "catalogue: " + tables);
        String[] patterns = marks.stream().map(m -> "%" + m + "%").toArray(String[]::new);
        Map<String, Long> rows = new LinkedHashMap<>();
        try (Connection c = PostgresTestResource.directConnection()) {
            for (String table : tables) {
                try (PreparedStatement ps = c.prepareStatement(
                        "select count(*) from \"" + table + "\" t where t::text like any (?)")) {
                    ps.setArray(1, c.createArrayOf("text", patterns));
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        rows.put(table, rs.getLong(1));
                    }
                }
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        assertFalse(rows.isEmpty());
        return rows;
    }

    private static List<String> strings(String sql, Object param) {
        List<String> out = new ArrayList<>();
        try (Connection c = PostgresTestResource.directConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        return out;
    }
}
