package io.carryover.history;

import static io.carryover.testing.HistoryApi.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.carryover.testing.Archive;
import io.carryover.testing.HistoryApi;
import io.carryover.testing.HistorySeed;
import io.carryover.testing.HistorySeed.Line;
import io.carryover.testing.Sandbox;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

@QuarkusTest
class SearchResourceTest {

    private static final Random RANDOM = new Random();

    /** A word no other test wrote: letters only, so every parser keeps it one lexeme. */
    private static String word() {
        StringBuilder out = new StringBuilder("w");
        for (int i = 0; i < 10; i++) {
            out.append((char) ('a' + RANDOM.nextInt(26)));
        }
        return out.toString();
    }

    private static UUID customer() {
        return HistorySeed.customer(Sandbox.ISSUER, "search-" + UUID.randomUUID());
    }

    private static UUID conversation(UUID customer, String deployment, String... customerLines) {
        return HistorySeed.conversation(customer, deployment, Instant.now().minusSeconds(600), null,
                java.util.Arrays.stream(customerLines).map(Line::customer).toList());
    }

    private static Response search(String token, UUID customer, String q) {
        return as(token).queryParam("q", q).get("/api/v1/customers/{id}/search", customer);
    }

    @Test
    void ranksTwoMatchesAboveOneAndNeverShowsAnotherCustomersMessages() {
        String term = word();
        UUID alice = customer();
        UUID bob = customer();
        UUID conversation = conversation(alice, HistorySeed.DEPLOYMENT, "my " + term + " was declined",
                term + " again, second " + term + " today", "nothing to see here");
        conversation(bob, HistorySeed.DEPLOYMENT, term + " " + term + " " + term + " " + term);
        JsonPath hits = search(HistoryApi.serviceToken("history.search"), alice, term).then().statusCode(200)
                .extract().jsonPath();
        List<Map<String, Object>> items = hits.getList("items");
        assertEquals(2, items.size(), "alice's two matching messages only: " + items);
        assertTrue(hits.getFloat("items[0].rank") > hits.getFloat("items[1].rank"), "twice ranks above once");
        assertTrue(hits.getString("items[0].snippet").startsWith("<mark>" + term + "</mark> again"));
        assertEquals(alice.toString(), hits.getString("items[0].customerId"));
        assertEquals(alice.toString(), hits.getString("items[1].customerId"));
        assertEquals(conversation.toString(), hits.getString("items[1].conversationId"));
        assertEquals("/api/v1/conversations/" + conversation, hits.getString("items[1].conversationUrl"));
        assertEquals("Inbound", hits.getString("items[1].direction"));
        assertNotNull(hits.getString("items[1].genesysMessageId"));
        assertNotNull(hits.getString("items[1].channelTime"));
        assertNull(hits.getString("nextCursor"));
        long messageId = hits.getLong("items[1].messageId");
        assertEquals(conversation.toString(), Archive.text("select conversation_id::text from message where id = ?",
                messageId), "messageId is the archived message's id");
    }

    private static void assertNull(Object value) {
        org.junit.jupiter.api.Assertions.assertNull(value);
    }

    @Test
    void snippetsAreEscapedHtmlWithMarksAroundMatches() {
        String term = word();
        UUID customer = customer();
        conversation(customer, HistorySeed.DEPLOYMENT,
                "<img src=x onerror=alert(1)> \"quoted\" & 'single' " + term + " \u0002fake\u0003 a < b > c");
        String snippet = search(HistoryApi.serviceToken("history.search"), customer, term).then().statusCode(200)
                .extract().path("items[0].snippet");
        assertTrue(snippet.contains("<mark>" + term + "</mark>"), snippet);
        String outsideMarks = snippet.replace("<mark>", "").replace("</mark>", "");
        assertTrue(!outsideMarks.contains("<") && !outsideMarks.contains(">") && !outsideMarks.contains("\"")
                && !outsideMarks.contains("'") && !outsideMarks.contains("\u0002"), snippet);
        assertTrue(snippet.contains("&quot;quoted&quot; &amp; &#39;single&#39;"), snippet);
        assertTrue(snippet.contains("a &lt; b &gt; c"), snippet);
        assertEquals(1, snippet.split("<mark>", -1).length - 1, "the message's own control characters mark nothing");
    }

    @Test
    void phrasesOrAndExclusionFollowWebSearchSyntax() {
        String a = word();
        String b = word();
        UUID customer = customer();
        conversation(customer, HistorySeed.DEPLOYMENT, a + " " + b + " first", b + " " + a + " second");
        String token = HistoryApi.serviceToken("history.search");
        search(token, customer, "\"" + a + " " + b + "\"").then().statusCode(200)
                .body("items.size()", equalTo(1)).body("items[0].snippet", containsString("first"));
        search(token, customer, a + " " + b).then().statusCode(200).body("items.size()", equalTo(2));
        search(token, customer, a + " -first").then().statusCode(200)
                .body("items.size()", equalTo(1)).body("items[0].snippet", containsString("second"));
        search(token, customer, "nosuchword or " + a).then().statusCode(200).body("items.size()", equalTo(2));
    }

    @Test
    void anyInputIsAnOkOrAProblemNeverAServerErrorAndTheTableSurvives() {
        UUID customer = customer();
        conversation(customer, HistorySeed.DEPLOYMENT, "please drop table message now", "emoji 🎉 party");
        String token = HistoryApi.serviceToken("history.search");
        long messages = Archive.count("select count(*) from message");
        List<String> inputs = List.of("'; drop table message; --", "\"; drop table message; --", "\"unbalanced",
                "a & b | !c <-> d:*", "!", "&|", "<->", ":*", "(((", "''''", "\\", "\\\\'", "x\\'; select 1; --",
                "🎉", "\uD83C\uDF89 party", "-", "or", "\"\"", "%", "_", "$1", "null", "\u0000", "card\u0000x",
                "\t\n", "\u200B", "ÄÖÜ straße", "a".repeat(500), "a ".repeat(250), "x".repeat(10 * 1024),
                "'".repeat(10 * 1024), "🎉".repeat(2600));
        for (String q : inputs) {
            Response response = search(token, customer, q);
            int status = response.statusCode();
            assertTrue(status == 200 || status == 400, "q=" + q.substring(0, Math.min(q.length(), 40)) + " -> "
                    + status + " " + response.asString());
            if (status == 400) {
                response.then().contentType("application/problem+json")
                        .body("type", org.hamcrest.Matchers.oneOf("urn:carryover:problem:invalid-query",
                                "urn:carryover:problem:query-too-long"));
            } else {
                response.then().body("items", org.hamcrest.Matchers.notNullValue());
            }
        }
        assertEquals(messages, Archive.count("select count(*) from message"));
        // SQL-shaped text is words to search for, not SQL.
        search(token, customer, "'; drop table message; --").then().statusCode(200)
                .body("items.size()", equalTo(1)).body("items[0].snippet", containsString("<mark>drop</mark>"));
        // An emoji is not a word to the parser: alone it finds nothing, beside a word the word finds the message.
        search(token, customer, "🎉").then().statusCode(200).body("items", empty());
        search(token, customer, "🎉party").then().statusCode(200).body("items.size()", equalTo(1));
    }

    @Test
    void queryStringsThatDoNotDecodeAreNotServerErrors() throws Exception {
        UUID customer = customer();
        conversation(customer, HistorySeed.DEPLOYMENT, "something");
        String token = HistoryApi.serviceToken("history.search");
        for (String raw : List.of("%zz", "%", "%FF%FE", "%C0%80", "%ED%A0%80", "%E2%80%AEabc", "a%00b", "%u0041",
                "+++", "a;b", "a&q=b", "q&q")) {
            // HTTP clients refuse to send a malformed URI: write the request line by hand.
            String response = rawGet("/api/v1/customers/" + customer + "/search?q=" + raw, token);
            String statusLine = response.substring(0, response.indexOf('\r'));
            assertTrue(statusLine.contains(" 200 ") || statusLine.contains(" 400 "), "q=" + raw + " -> " + response);
            // A broken %-escape is refused by the HTTP server before routing (400, empty body, see README); every
            // other input reaches the API, whose 400s are problems.
            boolean brokenEscape = List.of("%zz", "%", "%u0041").contains(raw);
            if (statusLine.contains(" 400 ") && !brokenEscape) {
                assertTrue(response.toLowerCase(java.util.Locale.ROOT)
                        .contains("content-type: application/problem+json"), "q=" + raw + " -> " + response);
            }
        }
        assertEquals(1L, Archive.count("select count(*) from message where conversation_id in"
                + " (select id from conversation where customer_id = ?)", customer));
    }

    private static String rawGet(String pathAndQuery, String token) throws java.io.IOException {
        int port = io.carryover.testing.Guest.PORT;
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + token + "\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void blankQueriesNulAndOverlongQueriesAreProblemsAndOperatorOnlyQueriesAnEmptyPage() {
        UUID customer = customer();
        conversation(customer, HistorySeed.DEPLOYMENT, "something");
        String token = HistoryApi.serviceToken("history.search");
        as(token).get("/api/v1/customers/{id}/search", customer).then().statusCode(400)
                .contentType("application/problem+json").body("type", equalTo("urn:carryover:problem:invalid-query"));
        search(token, customer, "   ").then().statusCode(400)
                .body("type", equalTo("urn:carryover:problem:invalid-query"));
        search(token, customer, "some\u0000thing").then().statusCode(400)
                .body("type", equalTo("urn:carryover:problem:invalid-query"));
        search(token, customer, "x".repeat(501)).then().statusCode(400)
                .body("type", equalTo("urn:carryover:problem:query-too-long"));
        search(token, customer, "x".repeat(10 * 1024)).then().statusCode(400)
                .body("type", equalTo("urn:carryover:problem:query-too-long"));
        search(token, customer, "x".repeat(500)).then().statusCode(200).body("items", empty());
        search(token, customer, "!!! & | <->").then().statusCode(200).body("items", empty())
                .body("nextCursor", nullValue());
        as(token).queryParam("q", "something").queryParam("limit", 101)
                .get("/api/v1/customers/{id}/search", customer).then().statusCode(400)
                .body("type", equalTo("urn:carryover:problem:invalid-request")).body("errors[0].field", equalTo("limit"));
        as(token).queryParam("q", "something").queryParam("limit", 0)
                .get("/api/v1/customers/{id}/search", customer).then().statusCode(400);
    }

    @Test
    void cursorWalksEveryHitOnceInRankOrderWhileMessagesArrive() {
        String term = word();
        UUID customer = customer();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            // 1 to 4 occurrences: many ties, broken by message id.
            lines.add((term + " ").repeat(1 + i % 4) + "line " + i);
        }
        UUID conversation = conversation(customer, HistorySeed.DEPLOYMENT, lines.toArray(String[]::new));
        Set<Long> original = new HashSet<>();
        original.addAll(idsOf(conversation));
        String token = HistoryApi.serviceToken("history.search");
        Set<Long> seen = new HashSet<>();
        float lastRank = Float.MAX_VALUE;
        long lastId = 0;
        String cursor = null;
        int pages = 0;
        do {
            var request = as(token).queryParam("q", term).queryParam("limit", 5);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.get("/api/v1/customers/{id}/search", customer).then().statusCode(200)
                    .extract().jsonPath();
            for (int i = 0; i < page.getList("items").size(); i++) {
                long id = page.getLong("items[" + i + "].messageId");
                float rank = page.getFloat("items[" + i + "].rank");
                assertTrue(seen.add(id), "hit " + id + " came twice");
                assertTrue(rank < lastRank || (rank == lastRank && id > lastId), "order (rank desc, id)");
                lastRank = rank;
                lastId = id;
            }
            cursor = page.getString("nextCursor");
            // New matches arrive between pages: best and worst ranked.
            conversation(customer, HistorySeed.DEPLOYMENT, (term + " ").repeat(6), term + " and many other words");
            pages++;
        } while (cursor != null && pages < 50);
        assertTrue(seen.containsAll(original), "every hit that existed at the start was returned");
        assertTrue(pages >= 5, "paginated: " + pages);
    }

    private static List<Long> idsOf(UUID conversation) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            ids.add(Long.parseLong(Archive.text(
                    "select id::text from message where conversation_id = ? order by id offset " + i + " limit 1",
                    conversation)));
        }
        return ids;
    }

    @Test
    void cursorsOfAnotherListOrGarbageAreProblems() {
        String term = word();
        UUID customer = customer();
        UUID other = customer();
        conversation(customer, HistorySeed.DEPLOYMENT, term, term + " " + term);
        conversation(other, HistorySeed.DEPLOYMENT, term, term + " " + term);
        String token = HistoryApi.serviceToken("history.search");
        String cursor = as(token).queryParam("q", term).queryParam("limit", 1)
                .get("/api/v1/customers/{id}/search", customer).then().statusCode(200)
                .extract().path("nextCursor");
        assertNotNull(cursor);
        as(token).queryParam("q", term).queryParam("limit", 1).queryParam("cursor", cursor)
                .get("/api/v1/customers/{id}/search", customer).then().statusCode(200)
                .body("items.size()", equalTo(1));
        for (String bad : List.of("garbage", "%%%", "eyJsaXN0IjoiYXVkaXQiLCJrZXkiOlsieCJdfQ", "x".repeat(2000),
                java.util.Base64.getUrlEncoder().encodeToString(
                        ("{\"list\":\"search:" + customer + ":x\",\"key\":[\"NaN\",\"1\"]}").getBytes()))) {
            as(token).queryParam("q", term).queryParam("cursor", bad)
                    .get("/api/v1/customers/{id}/search", customer).then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("type", equalTo("urn:carryover:problem:invalid-cursor"));
        }
        // Another customer's list, or another query's.
        as(token).queryParam("q", term).queryParam("cursor", cursor)
                .get("/api/v1/customers/{id}/search", other).then().statusCode(400)
                .body("type", equalTo("urn:carryover:problem:invalid-cursor"));
        as(token).queryParam("q", term + " x").queryParam("cursor", cursor)
                .get("/api/v1/customers/{id}/search", customer).then().statusCode(400)
                .body("type", equalTo("urn:carryover:problem:invalid-cursor"));
    }

    @Test
    void customerSearchNeedsTheSearchRoleAndHonoursScope() {
        String term = word();
        UUID customer = customer();
        conversation(customer, "deployment-a", term + " in a");
        conversation(customer, "deployment-b", term + " in b");
        given().queryParam("q", term).get("/api/v1/customers/{id}/search", customer).then().statusCode(401)
                .contentType("application/problem+json");
        search(HistoryApi.serviceToken("history.read"), customer, term).then().statusCode(403)
                .body("type", equalTo("urn:carryover:problem:forbidden"));
        search(HistoryApi.serviceToken("history.search-all"), customer, term).then().statusCode(403);
        search(HistoryApi.customerToken("search-self"), customer, term).then().statusCode(403);
        search(HistoryApi.serviceToken(Map.of("roles", List.of("history.search"), "expiresInSeconds", -120)),
                customer, term).then().statusCode(401);
        String scopedToA = HistoryApi.serviceToken(Map.of("roles", List.of("history.search"),
                "deployments", List.of("deployment-a")));
        search(scopedToA, customer, term).then().statusCode(200)
                .body("items.size()", equalTo(1)).body("items[0].snippet", containsString("in a"));
        String scopedElsewhere = HistoryApi.serviceToken(Map.of("roles", List.of("history.search"),
                "deployments", List.of("deployment-z")));
        search(scopedElsewhere, customer, term).then().statusCode(404)
                .body("type", equalTo("urn:carryover:problem:not-found"));
        search(HistoryApi.serviceToken("history.search"), UUID.randomUUID(), term).then().statusCode(404)
                .body("type", equalTo("urn:carryover:problem:not-found"));
        as(HistoryApi.serviceToken("history.search")).queryParam("q", term)
                .get("/api/v1/customers/not-a-uuid/search").then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void searchAllIsForTheSearchAllRoleAndLimitedToTheTokensDeployments() {
        String term = word();
        UUID alice = customer();
        UUID bob = customer();
        conversation(alice, "deployment-a", term + " alice");
        conversation(bob, "deployment-b", term + " bob");
        given().queryParam("q", term).get("/api/v1/search").then().statusCode(401);
        as(HistoryApi.serviceToken("history.search")).queryParam("q", term).get("/api/v1/search").then()
                .statusCode(403).body("type", equalTo("urn:carryover:problem:forbidden"));
        as(HistoryApi.customerToken("search-all-self")).queryParam("q", term).get("/api/v1/search").then()
                .statusCode(403);
        JsonPath all = as(HistoryApi.serviceToken("history.search-all")).queryParam("q", term)
                .get("/api/v1/search").then().statusCode(200).extract().jsonPath();
        assertEquals(Set.of(alice.toString(), bob.toString()), new HashSet<>(all.getList("items.customerId")));
        String scoped = HistoryApi.serviceToken(Map.of("roles", List.of("history.search-all"),
                "deployments", List.of("deployment-b")));
        as(scoped).queryParam("q", term).get("/api/v1/search").then().statusCode(200)
                .body("items.size()", equalTo(1)).body("items[0].customerId", equalTo(bob.toString()));
        String scopedToNothing = HistoryApi.serviceToken(Map.of("roles", List.of("history.search-all"),
                "deployments", List.of()));
        as(scopedToNothing).queryParam("q", term).get("/api/v1/search").then().statusCode(200)
                .body("items", empty());
        as(HistoryApi.serviceToken("history.search-all")).queryParam("q", " ").get("/api/v1/search").then()
                .statusCode(400).body("type", equalTo("urn:carryover:problem:invalid-query"));
    }

    @Test
    void searchesAreAuditedWithTheQueryLengthAndHitsNeverTheQuery() {
        String secret = word();
        UUID customer = customer();
        conversation(customer, HistorySeed.DEPLOYMENT, secret + " is my maiden name");
        String query = secret + " maiden";
        as(HistoryApi.serviceToken(Map.of("roles", List.of("history.search"), "sub", "auditor-" + secret)))
                .queryParam("q", query).get("/api/v1/customers/{id}/search", customer).then().statusCode(200);
        as(HistoryApi.serviceToken(Map.of("roles", List.of("history.search-all"), "sub", "auditor-" + secret)))
                .queryParam("q", query).get("/api/v1/search").then().statusCode(200);
        as(HistoryApi.serviceToken(Map.of("roles", List.of("history.search"), "sub", "auditor-" + secret)))
                .queryParam("q", secret + "x".repeat(600)).get("/api/v1/customers/{id}/search", customer).then()
                .statusCode(400);
        assertEquals(1L, Archive.count("select count(*) from audit_log where action = 'search' and customer_id = ?"
                + " and result = 'ok' and target = 'queryLength=" + query.length() + " hits=1'", customer));
        assertEquals(1L, Archive.count("select count(*) from audit_log where action = 'search-all'"
                + " and customer_id is null and result = 'ok' and caller_subject = ? and target = 'queryLength="
                + query.length() + " hits=1'", "auditor-" + secret));
        assertEquals(1L, Archive.count("select count(*) from audit_log where action = 'search' and customer_id = ?"
                + " and result = 'query-too-long' and target = 'queryLength=" + (secret.length() + 600) + "'",
                customer));
        // Only the caller's subject (chosen by this test to contain the word) may hold it; no column holds the query.
        assertEquals(0L, Archive.count("select count(*) from audit_log a where (a.target || a.result || a.action)"
                + " like ?", "%" + secret + "%"));
        assertEquals(0L, Archive.count("select count(*) from audit_log a where a::text like ?", "%maiden%"));
    }

    @Test
    void theIndexIsUsedWithTheConfiguredConfiguration() {
        assertEquals("simple", Archive.text("select configuration::text from search_index where ?", true));
    }
}
