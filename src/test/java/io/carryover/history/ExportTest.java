package io.carryover.history;

import static io.carryover.testing.HistoryApi.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.carryover.testing.Archive;
import io.carryover.testing.Guest;
import io.carryover.testing.HistoryApi;
import io.carryover.testing.HistorySeed;
import io.carryover.testing.HistorySeed.Line;
import io.carryover.testing.PostgresTestResource;
import io.carryover.testing.Sandbox;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ExportTest {

    @Test
    void exportHoldsEveryRowOfTheCustomerExactlyOnceAndNothingOfAnother() {
        CustomerData alice = CustomerData.seed("export-alice");
        CustomerData bob = CustomerData.seed("export-bob");
        String body = as(HistoryApi.serviceToken("history.export"))
                .get("/api/v1/customers/{id}/export", alice.customerId()).then().statusCode(200)
                .contentType(startsWith("application/x-ndjson"))
                .header("Content-Disposition", startsWith("attachment;"))
                .extract().asString();
        List<JsonNode> lines = lines(body);

        assertEquals("customer", lines.get(0).path("kind").asText());
        assertEquals(alice.customerId().toString(), lines.get(0).path("customerId").asText());
        assertEquals(alice.subject(), lines.get(0).path("subject").asText());
        JsonNode end = lines.get(lines.size() - 1);
        assertEquals("end", end.path("kind").asText());

        // Every archived message exactly once, with its text and the original frame as JSON.
        List<Long> exported = lines.stream().filter(l -> l.path("kind").asText().equals("message"))
                .map(l -> l.path("messageId").asLong()).toList();
        assertEquals(Set.copyOf(ids("""
                select m.id from message m join conversation c on c.id = m.conversation_id
                where c.customer_id = ?""", alice.customerId())), Set.copyOf(exported));
        assertEquals(new HashSet<>(exported).size(), exported.size(), "no message twice");
        assertTrue(lines.stream().anyMatch(l -> CustomerData.SECRET_TEXT.equals(l.path("text").asText())),
                "text survives quotes, newlines and accents");
        assertTrue(lines.stream().filter(l -> l.path("kind").asText().equals("message"))
                .allMatch(l -> l.path("original").isObject()));

        // The counts line agrees with the lines and with the database.
        Map<String, Long> database = Map.of(
                "customer", 1L,
                "session", count("select count(*) from guest_session where customer_id = ?", alice.customerId()),
                "conversation", count("select count(*) from conversation where customer_id = ?", alice.customerId()),
                "message", (long) exported.size(),
                "summary", count("""
                        select count(*) from conversation_summary s join conversation c on c.id = s.conversation_id
                        where c.customer_id = ?""", alice.customerId()),
                "enrichment-job", count("""
                        select count(*) from enrichment_job j join conversation c on c.id = j.conversation_id
                        where c.customer_id = ?""", alice.customerId()),
                "link", count("select count(*) from identity_link where to_customer_id = ?", alice.customerId()));
        for (Map.Entry<String, Long> kind : database.entrySet()) {
            long lineCount = lines.stream().filter(l -> l.path("kind").asText().equals(kind.getKey())).count();
            assertEquals(kind.getValue(), lineCount, kind.getKey() + " lines");
            assertEquals(kind.getValue(), end.path("counts").path(kind.getKey()).asLong(), kind.getKey() + " count");
        }
        assertEquals(3, database.get("conversation"));
        assertEquals(2, database.get("enrichment-job"));
        assertEquals(1, database.get("link"));
        JsonNode link = lines.stream().filter(l -> l.path("kind").asText().equals("link")).findFirst().orElseThrow();
        assertEquals(alice.guestId().toString(), link.path("fromCustomerId").asText());
        assertEquals(alice.linkedConversation().toString(), link.path("conversationId").asText());
        assertTrue(lines.stream().filter(l -> l.path("kind").asText().equals("summary"))
                .allMatch(l -> l.path("lines").isArray() && l.path("attributes").isObject()));

        // Nothing of bob: not his ids, not his words.
        assertFalse(body.contains(bob.customerId().toString()));
        bob.conversations().forEach(id -> assertFalse(body.contains(id.toString())));
        assertFalse(body.contains(bob.subject()));
        assertFalse(body.contains(bob.guestId().toString()));

        // One audit row, completed with the counts.
        String result = Archive.text("""
                select result from audit_log where action = 'export' and customer_id = ? order by id desc""",
                alice.customerId());
        assertTrue(result.startsWith("ok {") && result.contains("\"message\":" + exported.size()), result);
    }

    @Test
    void aCustomerExportsOnlyItsOwnDataAndNeverReachesAnothersByTheServiceRoute() {
        CustomerData carol = CustomerData.seed("export-carol");
        CustomerData dave = CustomerData.seed("export-dave");
        String token = HistoryApi.customerToken(carol.subject());
        String body = as(token).get("/api/v1/me/export").then().statusCode(200)
                .contentType(startsWith("application/x-ndjson")).extract().asString();
        List<JsonNode> lines = lines(body);
        assertEquals(carol.customerId().toString(), lines.get(0).path("customerId").asText());
        assertEquals(3, lines.stream().filter(l -> l.path("kind").asText().equals("conversation")).count());
        assertFalse(body.contains(dave.customerId().toString()));
        // The audit rows of carol's own data are hers to see (who read it); none of dave's.
        assertTrue(lines.stream().anyMatch(l -> l.path("kind").asText().equals("audit")
                && l.path("action").asText().equals("export") && l.path("result").asText().equals("started")));

        as(token).get("/api/v1/customers/{id}/export", dave.customerId()).then().statusCode(403)
                .contentType("application/problem+json");
        as(token).get("/api/v1/customers/{id}/export", carol.customerId()).then().statusCode(403);
        as(HistoryApi.customerToken("nobody-" + UUID.randomUUID())).get("/api/v1/me/export").then()
                .statusCode(404).body("type", equalTo("urn:carryover:problem:not-found"));
    }

    @Test
    void unknownIdsAndMissingRolesAreProblemsAndAudited() {
        UUID unknown = UUID.randomUUID();
        as(HistoryApi.serviceToken("history.export")).get("/api/v1/customers/{id}/export", unknown).then()
                .statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("urn:carryover:problem:not-found"));
        assertEquals(1, count("select count(*) from audit_log where action = 'export' and customer_id = ?"
                + " and result = 'not-found'", unknown));
        as(HistoryApi.serviceToken("history.export")).get("/api/v1/customers/{id}/export", "not-a-uuid").then()
                .statusCode(404).body("type", equalTo("urn:carryover:problem:not-found"));
        as(HistoryApi.serviceToken("history.read")).get("/api/v1/customers/{id}/export", unknown).then()
                .statusCode(403).body("type", equalTo("urn:carryover:problem:forbidden"));
        io.restassured.RestAssured.given().get("/api/v1/customers/{id}/export", unknown).then().statusCode(401);
        io.restassured.RestAssured.given().get("/api/v1/me/export").then().statusCode(401);
    }

    @Test
    void aScopedCallerExportsOnlyItsDeployments() {
        CustomerData erin = CustomerData.seed("export-erin");
        UUID elsewhere = HistorySeed.conversation(erin.customerId(), "other-deployment", Instant.now(), null,
                List.of(Line.customer("said elsewhere " + erin.subject())));
        String scoped = HistoryApi.serviceToken(Map.of("roles", List.of("history.export"),
                "deployments", List.of("other-deployment")));
        String body = as(scoped).get("/api/v1/customers/{id}/export", erin.customerId()).then().statusCode(200)
                .extract().asString();
        List<JsonNode> lines = lines(body);
        assertEquals(List.of(elsewhere.toString()), lines.stream()
                .filter(l -> l.path("kind").asText().equals("conversation"))
                .map(l -> l.path("conversationId").asText()).toList());
        assertFalse(body.contains(CustomerData.SECRET_TEXT.substring(0, 10)));
        assertTrue(lines.stream().noneMatch(l -> l.path("kind").asText().equals("audit")));
        assertTrue(lines.stream().noneMatch(l -> l.path("kind").asText().equals("link")));

        String elsewhereOnly = HistoryApi.serviceToken(Map.of("roles", List.of("history.export"),
                "deployments", List.of("a-third-deployment")));
        as(elsewhereOnly).get("/api/v1/customers/{id}/export", erin.customerId()).then().statusCode(404);
    }

    /**
     * 5,000 messages of 2 KB: far more than the socket buffers hold. The client reads the first line and stops; the
     * export's database snapshot must still be open then (the server is producing while the client reads), and the
     * answer is chunked rather than built and measured first.
     */
    @Test
    void aLargeHistoryStreams() throws Exception {
        UUID customerId = largeHistory("export-large-");
        String token = HistoryApi.serviceToken("history.export");
        HttpURLConnection http = (HttpURLConnection) URI.create("http://localhost:" + Guest.PORT
                + "/api/v1/customers/" + customerId + "/export").toURL().openConnection();
        http.setRequestProperty("Authorization", "Bearer " + token);
        assertEquals(200, http.getResponseCode());
        assertEquals("chunked", http.getHeaderField("Transfer-Encoding"));
        assertNull(http.getHeaderField("Content-Length"));
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(http.getInputStream(),
                StandardCharsets.UTF_8), 256)) {
            assertTrue(reader.readLine().contains("\"kind\":\"customer\""));
            Archive.eventually(() -> exportsOpen() == 1);
            int messages = 0;
            String last = null;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.contains("\"kind\":\"message\"")) {
                    messages++;
                }
                last = line;
            }
            assertEquals(5000, messages);
            assertNotNull(last);
            assertTrue(last.contains("\"message\":5000"), last);
        }
        Archive.eventually(() -> exportsOpen() == 0);
    }

    /** The database goes away mid-export: the stream ends without its end line, and the audit row says it was cut. */
    @Test
    void aStreamCutMidwayHasNoEndLine() throws Exception {
        UUID customerId = largeHistory("export-cut-");
        HttpURLConnection http = (HttpURLConnection) URI.create("http://localhost:" + Guest.PORT
                + "/api/v1/customers/" + customerId + "/export").toURL().openConnection();
        http.setRequestProperty("Authorization", "Bearer " + HistoryApi.serviceToken("history.export"));
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(http.getInputStream(),
                StandardCharsets.UTF_8), 256)) {
            lines.add(reader.readLine());
            Archive.eventually(() -> exportsOpen() == 1);
            assertEquals(1, count("select count(pg_terminate_backend(pid)) from pg_stat_activity"
                    + " where application_name = ?", Exporter.APPLICATION_NAME));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(line);
            }
        } catch (java.io.IOException e) {
            // the server may end the chunked answer abruptly: as cut as a missing end line
        }
        assertTrue(lines.get(0).contains("\"kind\":\"customer\""));
        assertTrue(lines.stream().noneMatch(l -> l.contains("\"kind\":\"end\"")), "no end line");
        assertTrue(lines.size() < 5000, "cut before the end: " + lines.size());
        Archive.eventually(() -> {
            String result = Archive.text("select result from audit_log where action = 'export' and customer_id = ?",
                    customerId);
            return result != null && result.startsWith("cut ");
        });
    }

    private static UUID largeHistory(String label) {
        UUID customerId = HistorySeed.customer(Sandbox.ISSUER, label + UUID.randomUUID());
        for (int c = 0; c < 10; c++) {
            UUID conversation = HistorySeed.conversation(customerId, HistorySeed.DEPLOYMENT,
                    Instant.now().minusSeconds(100_000 - c * 1000L), null, List.of());
            HistorySeed.execute("""
                    insert into message (genesys_message_id, conversation_id, direction, message_type, text,
                                         channel_time, received_at, original)
                    select gen_random_uuid()::text, ?, 'Inbound', 'Text', repeat('x', 2000) || i,
                           now() + make_interval(secs => i), now(), jsonb_build_object('i', i)
                    from generate_series(1, 500) i""", conversation);
        }
        return customerId;
    }

    /** Export transactions open right now (the application name is set for the export's snapshot only). */
    private static long exportsOpen() {
        return count("select count(*) from pg_stat_activity where application_name = ?", Exporter.APPLICATION_NAME);
    }

    static List<JsonNode> lines(String body) {
        assertTrue(body.endsWith("\n"), "every line ends with a newline");
        List<JsonNode> out = new ArrayList<>();
        for (String line : body.split("\n")) {
            out.add(Guest.parse(line));
        }
        return out;
    }

    static long count(String sql, Object param) {
        return Archive.count(sql, param);
    }

    static List<Long> ids(String sql, Object param) {
        List<Long> out = new ArrayList<>();
        try (Connection c = PostgresTestResource.directConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
        return out;
    }

}
