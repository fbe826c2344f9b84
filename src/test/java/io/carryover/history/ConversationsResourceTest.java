package io.carryover.history;

import static io.carryover.testing.HistoryApi.as;
import static org.hamcrest.Matchers.anything;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.carryover.testing.Archive;
import io.carryover.testing.HistoryApi;
import io.carryover.testing.HistorySeed;
import io.carryover.testing.HistorySeed.Line;
import io.carryover.testing.PostgresTestResource;
import io.carryover.testing.Sandbox;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
class ConversationsResourceTest {

    private static String reader() {
        return HistoryApi.serviceToken("history.read");
    }

    @Test
    void listShowsNewestFirstWithCountsAgentsRedactedOpeningLineAndEnrichment() {
        UUID customer = newCustomer();
        Instant t = Instant.now().minus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        UUID older = HistorySeed.conversation(customer, HistorySeed.DEPLOYMENT, t, "g-older-" + customer,
                List.of(Line.customer("hello"), Line.agent("hi, how can I help?")));
        UUID newer = HistorySeed.conversation(customer, HistorySeed.DEPLOYMENT, t.plusSeconds(3600), null, List.of(
                Line.customer("   "), // blank: not an opening line
                Line.customer("My card 4111 1111 1111 1111 was declined,\nmail me at jo@example.com"),
                new Line("Outbound", "Let me check", "Ann"), new Line("Outbound", "Fixed", "Bob"),
                new Line("Outbound", "Anything else?", "Ann")));
        message(newer, "Outbound", "Text", "I am a bot", "Helper Bot", "Bot", t.plusSeconds(3700));
        message(newer, "Outbound", "Event", null, "Ann Event", "Human", t.plusSeconds(3701));
        job(older, "DONE", "patched");

        JsonPath page = as(reader()).get("/api/v1/customers/{id}/conversations", customer).then().statusCode(200)
                .extract().jsonPath();
        assertEquals(List.of(newer.toString(), older.toString()), page.getList("items.conversationId"));
        assertNull(page.get("nextCursor"));
        assertEquals(7, page.getInt("items[0].messageCount"));
        assertEquals(List.of("Ann", "Bob"), page.getList("items[0].agents"));
        assertEquals("My card [card] was declined, mail me at [email]", page.getString("items[0].openingLine"));
        assertNull(page.get("items[0].enrichment"));
        assertEquals(HistorySeed.DEPLOYMENT, page.getString("items[0].deploymentId"));
        assertEquals("CLOSED", page.getString("items[0].state"));
        assertEquals("g-older-" + customer, page.getString("items[1].genesysConversationId"));
        assertEquals("hello", page.getString("items[1].openingLine"));
        assertEquals(List.of("Agent Smith"), page.getList("items[1].agents"));
        assertEquals("patched", page.getString("items[1].enrichment.value"));
        assertEquals(1, page.getInt("items[1].enrichment.attempts"));
        assertEquals(t.toString(), page.getString("items[1].startedAt"));
        assertEquals(1L, Archive.count("select count(*) from audit_log where action = 'list' and customer_id = ?"
                + " and result = 'ok' and caller_subject = 'crm-service'", customer));
    }

    @Test
    void pagesStayStableWhileConversationsAreAdded() {
        UUID customer = newCustomer();
        Instant base = Instant.now().minus(10, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS);
        List<UUID> present = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            // Pairs share a start time: the id breaks the tie, so a page boundary can fall inside a pair.
            present.add(conversationAt(customer, base.plusSeconds(60L * (i / 2)), HistorySeed.DEPLOYMENT));
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = as(reader()).queryParam("limit", 4);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.get("/api/v1/customers/{id}/conversations", customer).then().statusCode(200)
                    .extract().jsonPath();
            List<String> ids = page.getList("items.conversationId");
            assertTrue(ids.size() <= 4);
            seen.addAll(ids);
            cursor = page.get("nextCursor");
            // Between pages: a newer one, an older one, and one at the same start time as the page's last item.
            conversationAt(customer, Instant.now(), HistorySeed.DEPLOYMENT);
            conversationAt(customer, base.minusSeconds(3600L * ++pages), HistorySeed.DEPLOYMENT);
            if (!ids.isEmpty()) {
                Instant lastStarted = Instant.parse(page.getString("items[-1].startedAt"));
                conversationAt(customer, lastStarted, HistorySeed.DEPLOYMENT);
            }
        } while (cursor != null && pages < 50);
        assertEquals(seen.size(), new HashSet<>(seen).size(), "no conversation twice: " + seen);
        assertTrue(seen.containsAll(present.stream().map(UUID::toString).toList()),
                "none of those present at the start skipped");
        // Every page continued strictly after the one before: start times never go back up.
        List<Instant> starts = new ArrayList<>();
        for (String id : seen) {
            starts.add(Instant.parse(Archive.text("select to_char(started_at at time zone 'UTC',"
                    + " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') from conversation where id = ?", UUID.fromString(id))));
        }
        for (int i = 1; i < starts.size(); i++) {
            assertFalse(starts.get(i).isAfter(starts.get(i - 1)), "newest first at " + i);
        }
    }

    @Test
    void filtersByStartTimeAndState() {
        UUID customer = newCustomer();
        Instant t = Instant.parse("2026-03-01T10:00:00Z");
        UUID first = conversationAt(customer, t, HistorySeed.DEPLOYMENT);
        UUID second = conversationAt(customer, t.plusSeconds(3600), HistorySeed.DEPLOYMENT);
        UUID third = conversationAt(customer, t.plusSeconds(7200), HistorySeed.DEPLOYMENT);
        HistorySeed.execute("update conversation set state = 'READ_ONLY' where id = ?", second);

        assertEquals(List.of(second.toString(), first.toString()), ids(as(reader())
                .queryParam("from", "2026-03-01T10:00:00Z").queryParam("to", "2026-03-01T12:00:00Z")
                .get("/api/v1/customers/{id}/conversations", customer).then().statusCode(200).extract().jsonPath()));
        // Offsets are instants too: 12:30+01:00 is 11:30Z.
        assertEquals(List.of(second.toString(), first.toString()), ids(as(reader())
                .queryParam("to", "2026-03-01T12:30:00+01:00")
                .get("/api/v1/customers/{id}/conversations", customer).then().statusCode(200).extract().jsonPath()));
        assertEquals(List.of(second.toString()), ids(as(reader()).queryParam("state", "READ_ONLY")
                .get("/api/v1/customers/{id}/conversations", customer).then().statusCode(200).extract().jsonPath()));
        assertEquals(List.of(third.toString(), first.toString()), ids(as(reader()).queryParam("state", "CLOSED")
                .get("/api/v1/customers/{id}/conversations", customer).then().statusCode(200).extract().jsonPath()));
    }

    @Test
    void badParametersAreProblemsNamingTheFieldAndAreAudited() {
        UUID customer = newCustomer();
        conversationAt(customer, Instant.now().minusSeconds(60), HistorySeed.DEPLOYMENT);
        Map<String, String> bad = Map.of("from", "yesterday", "to", "2026-13-01T00:00:00Z", "state", "OPEN",
                "limit", "101");
        bad.forEach((field, value) -> as(reader()).queryParam(field, value)
                .get("/api/v1/customers/{id}/conversations", customer).then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:carryover:problem:invalid-request"))
                .body("errors.field", hasItem(field)));
        for (String limit : List.of("0", "-1", "abc", "1e3", "99999999999999999999")) {
            as(reader()).queryParam("limit", limit).get("/api/v1/customers/{id}/conversations", customer).then()
                    .statusCode(400).body("errors[0].field", equalTo("limit"));
        }
        as(reader()).queryParam("state", "closed' or 1=1 --").get("/api/v1/customers/{id}/conversations", customer)
                .then().statusCode(400).body("errors[0].field", equalTo("state"));
        assertEquals(10L, Archive.count("select count(*) from audit_log where action = 'list' and customer_id = ?"
                + " and result = 'invalid-request'", customer));
    }

    @Test
    void cursorsThatThisListDidNotReturnAreRefused() {
        UUID customer = newCustomer();
        UUID other = newCustomer();
        for (int i = 0; i < 3; i++) {
            conversationAt(customer, Instant.now().minusSeconds(600 - i), HistorySeed.DEPLOYMENT);
            conversationAt(other, Instant.now().minusSeconds(600 - i), HistorySeed.DEPLOYMENT);
        }
        String othersCursor = as(reader()).queryParam("limit", 1).get("/api/v1/customers/{id}/conversations", other)
                .then().statusCode(200).extract().path("nextCursor");
        assertNotNull(othersCursor);
        String forged = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"list\":\"conversations:" + customer + "\",\"key\":[\"not a time\",\"x\"]}").getBytes());
        for (String cursor : List.of(othersCursor, "%%%", "bm90IGpzb24", forged, "x".repeat(2000))) {
            as(reader()).queryParam("cursor", cursor).get("/api/v1/customers/{id}/conversations", customer).then()
                    .statusCode(400).contentType("application/problem+json")
                    .body("type", cursor.length() > 1024 ? equalTo("urn:carryover:problem:invalid-request")
                            : equalTo("urn:carryover:problem:invalid-cursor"));
        }
    }

    @Test
    void conversationShowsItsMessagesInChannelTimeOrderPageByPage() {
        UUID customer = newCustomer();
        Instant t = Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        UUID conversation = HistorySeed.conversation(customer, HistorySeed.DEPLOYMENT, t, "g-" + customer,
                List.of(Line.customer("one"), Line.agent("two"), Line.customer("three")));
        // Archived last but sent first (a replay after a reconnect): channel.time decides the order, not the id.
        message(conversation, "Inbound", "Text", "zero", null, null, t.minusSeconds(30));
        message(conversation, "Outbound", "Event", null, null, "System", null); // no channel time: last

        List<String> texts = new ArrayList<>();
        List<Object> types = new ArrayList<>();
        String cursor = null;
        do {
            var request = as(reader()).queryParam("limit", 2);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath body = request.get("/api/v1/conversations/{id}", conversation).then().statusCode(200)
                    .body("conversationId", equalTo(conversation.toString()))
                    .body("customerId", equalTo(customer.toString()))
                    .body("genesysConversationId", equalTo("g-" + customer))
                    .body("messageCount", equalTo(5))
                    .body("openingLine", equalTo("zero"))
                    .extract().jsonPath();
            texts.addAll(body.getList("messages.items.text"));
            types.addAll(body.getList("messages.items.type"));
            cursor = body.get("messages.nextCursor");
        } while (cursor != null);
        assertEquals(java.util.Arrays.asList("zero", "one", "two", "three", null), texts);
        assertEquals(List.of("Text", "Text", "Text", "Text", "Event"), types);

        JsonPath one = as(reader()).queryParam("limit", 1).get("/api/v1/conversations/{id}", conversation).then()
                .statusCode(200).extract().jsonPath();
        assertEquals("Inbound", one.getString("messages.items[0].direction"));
        assertNotNull(one.get("messages.items[0].messageId"));
        assertNotNull(one.get("messages.items[0].genesysMessageId"));
        assertNotNull(one.get("messages.items[0].receivedAt"));
        assertEquals(t.minusSeconds(30).toString(), one.getString("messages.items[0].channelTime"));

        as(reader()).queryParam("limit", 1).get("/api/v1/conversations/by-genesys-id/{id}", "g-" + customer).then()
                .statusCode(200).body("conversationId", equalTo(conversation.toString()))
                .body("messages.items[0].text", equalTo("zero"));
        // One row per request: three pages, one single page, one by Genesys id.
        assertEquals(5L, Archive.count("select count(*) from audit_log where action = 'read' and customer_id = ?"
                + " and target = '" + conversation + "' and result = 'ok'", customer));
    }

    @Test
    void unknownOrMalformedIdsAreNotFoundProblems() {
        UUID customer = newCustomer();
        UUID conversation = HistorySeed.conversation(customer, HistorySeed.DEPLOYMENT, Instant.now().minusSeconds(60),
                null, List.of(Line.customer("words nobody else may read")));
        for (String path : List.of("/api/v1/conversations/" + UUID.randomUUID(), "/api/v1/conversations/not-a-uuid",
                "/api/v1/conversations/1-1-1-1-1", "/api/v1/conversations/" + conversation + "x",
                "/api/v1/conversations/by-genesys-id/nope-" + customer, "/api/v1/conversations/by-genesys-id",
                "/api/v1/customers/" + UUID.randomUUID() + "/conversations", "/api/v1/customers/x'--/conversations",
                "/api/v1/customers/" + UUID.randomUUID() + "/summary", "/api/v1/customers/%20/summary",
                "/api/v1/conversations/" + conversation + "%2F..%2F" + UUID.randomUUID(),
                "/api/v1/customers/" + customer + "/conversations/..%2F..%2Fconversations%2F" + conversation)) {
            as(reader()).urlEncodingEnabled(false).get(path).then().statusCode(404)
                    .contentType("application/problem+json")
                    .body("type", equalTo("urn:carryover:problem:not-found"))
                    .body(not(containsString("nobody else")))
                    .body(path.contains(customer.toString()) ? anything() : not(containsString(customer.toString())));
        }
        assertEquals(1L, Archive.count("select count(*) from audit_log where action = 'read' and target = ?"
                + " and result = 'not-found' and customer_id is null", "genesys:nope-" + customer));
    }

    @Test
    void summaryIsTheDeliveredOneWhenThereIsOneElseWhatWouldBeAttachedNow() {
        UUID customer = newCustomer();
        Instant t = Instant.now().minus(2, ChronoUnit.DAYS);
        UUID first = HistorySeed.conversation(customer, HistorySeed.DEPLOYMENT, t, null,
                List.of(Line.customer("Card 4111 1111 1111 1111 declined, call +44 20 7946 0958"),
                        Line.agent("I will get back to you")));
        List<Long> firstIds = messageIds(first);

        // Nothing delivered yet: what a conversation starting now would get, redacted, citing archived ids.
        JsonPath computed = as(reader()).get("/api/v1/customers/{id}/summary", customer).then().statusCode(200)
                .extract().jsonPath();
        assertEquals(customer.toString(), computed.getString("customerId"));
        assertFalse(computed.getBoolean("attached"));
        assertNull(computed.get("conversationId"));
        assertTrue(computed.getString("headline").startsWith("1 prior conversation"), computed.getString("headline"));
        String all = computed.prettify();
        assertFalse(all.contains("4111"), all);
        assertFalse(all.contains("7946"), all);
        assertTrue(all.contains("[card]"), all);
        assertEquals("CONVERSATION", computed.getString("lines[0].kind"));
        for (Object id : computed.getList("lines.messageIds.flatten()")) {
            assertTrue(firstIds.contains(((Number) id).longValue()), "cites an archived message: " + id);
        }

        // The second conversation got a summary, but its PATCH has not gone through: still not "attached".
        UUID second = conversationAt(customer, t.plusSeconds(3600), HistorySeed.DEPLOYMENT);
        storedSummary(second, "stored headline", "[{\"kind\":\"OUTCOME\",\"text\":\"stored [card]\","
                + "\"sourceMessageIds\":[" + firstIds.get(1) + "]}]");
        job(second, "PENDING", null);
        as(reader()).get("/api/v1/customers/{id}/summary", customer).then().statusCode(200)
                .body("attached", equalTo(false));

        HistorySeed.execute("update enrichment_job set state = 'DONE', outcome = 'patched' where conversation_id = ?",
                second);
        as(reader()).get("/api/v1/customers/{id}/summary", customer).then().statusCode(200)
                .body("attached", equalTo(true))
                .body("conversationId", equalTo(second.toString()))
                .body("headline", equalTo("stored headline"))
                .body("lines[0].kind", equalTo("OUTCOME"))
                .body("lines[0].text", equalTo("stored [card]"))
                .body("lines[0].messageIds", equalTo(List.of(firstIds.get(1).intValue())));
        assertEquals(1L, Archive.count("select count(*) from audit_log where action = 'summary' and customer_id = ?"
                + " and target = '" + second + "' and result = 'ok'", customer));
    }

    @Test
    void scopedCallersSeeOnlyTheirDeployments() {
        UUID customer = newCustomer();
        Instant t = Instant.now().minus(1, ChronoUnit.DAYS);
        UUID mine = HistorySeed.conversation(customer, "dep-a", t, "g-a-" + customer,
                List.of(Line.customer("about A")));
        UUID theirs = HistorySeed.conversation(customer, "dep-b", t.plusSeconds(60), "g-b-" + customer,
                List.of(Line.customer("secret about B")));
        UUID later = conversationAt(customer, t.plusSeconds(120), "dep-b");
        storedSummary(later, "B headline", "[{\"kind\":\"OPENING_REQUEST\",\"text\":\"secret about B\","
                + "\"sourceMessageIds\":" + messageIds(theirs) + "}]");
        job(later, "DONE", "patched");
        String scopedA = HistoryApi.serviceToken(Map.of("roles", List.of("history.read"),
                "deployments", List.of("dep-a")));
        String scopedC = HistoryApi.serviceToken(Map.of("roles", List.of("history.read"),
                "deployments", List.of("dep-c")));

        assertEquals(List.of(mine.toString()), ids(as(scopedA).get("/api/v1/customers/{id}/conversations", customer)
                .then().statusCode(200).extract().jsonPath()));
        as(scopedA).get("/api/v1/conversations/{id}", mine).then().statusCode(200);
        as(scopedA).get("/api/v1/conversations/{id}", theirs).then().statusCode(404)
                .body(not(containsString("secret")));
        as(scopedA).get("/api/v1/conversations/by-genesys-id/{id}", "g-b-" + customer).then().statusCode(404);
        // The delivered summary was made from B as well: a dep-a caller gets what dep-a alone would give.
        as(scopedA).get("/api/v1/customers/{id}/summary", customer).then().statusCode(200)
                .body("attached", equalTo(false))
                .body("headline", startsWith("1 prior conversation"))
                .body(not(containsString("secret")))
                .body(not(containsString("B headline")));
        String scopedAB = HistoryApi.serviceToken(Map.of("roles", List.of("history.read"),
                "deployments", List.of("dep-a", "dep-b")));
        as(scopedAB).get("/api/v1/customers/{id}/summary", customer).then().statusCode(200)
                .body("attached", equalTo(true)).body("headline", equalTo("B headline"));
        // A deployments claim that lists nothing limits to nothing (fail closed), it does not mean "all".
        String scopedNone = HistoryApi.serviceToken(Map.of("roles", List.of("history.read"),
                "deployments", List.of()));
        as(scopedNone).get("/api/v1/conversations/{id}", mine).then().statusCode(404);
        for (String path : List.of("/api/v1/customers/{id}/conversations", "/api/v1/customers/{id}/summary")) {
            as(scopedNone).get(path, customer).then().statusCode(404);
            as(scopedC).get(path, customer).then().statusCode(404)
                    .body("detail", equalTo("customer was not found")).body(not(containsString("about")));
        }
        as(reader()).get("/api/v1/customers/{id}/summary", customer).then().statusCode(200)
                .body("attached", equalTo(true)).body("headline", equalTo("B headline"));
    }

    @Test
    void customersReadOnlyTheirOwnConversations() {
        String sub = "me-" + UUID.randomUUID();
        UUID me = HistorySeed.customer(Sandbox.ISSUER, sub);
        UUID other = newCustomer();
        Instant t = Instant.now().minus(1, ChronoUnit.DAYS);
        UUID mine = HistorySeed.conversation(me, HistorySeed.DEPLOYMENT, t, "g-me-" + me,
                List.of(Line.customer("my own words"), Line.agent("reply to me")));
        UUID othersConversation = HistorySeed.conversation(other, HistorySeed.DEPLOYMENT, t, "g-other-" + other,
                List.of(Line.customer("the other customer's words")));
        String token = HistoryApi.customerToken(sub);

        assertEquals(List.of(mine.toString()), ids(as(token).get("/api/v1/me/conversations").then().statusCode(200)
                .extract().jsonPath()));
        as(token).get("/api/v1/me/conversations/{id}", mine).then().statusCode(200)
                .body("messages.items.text", equalTo(List.of("my own words", "reply to me")));
        as(token).get("/api/v1/me/conversations/{id}", othersConversation).then().statusCode(404)
                .body("type", equalTo("urn:carryover:problem:not-found"))
                .body(not(containsString("other customer")))
                .body(not(containsString(other.toString())));
        as(token).get("/api/v1/me/summary").then().statusCode(200)
                .body("customerId", equalTo(me.toString()))
                .body("attached", equalTo(false))
                .body(not(containsString("other customer")));
        // The service routes are not for customers, even for their own ids.
        as(token).get("/api/v1/customers/{id}/conversations", me).then().statusCode(403);
        as(token).get("/api/v1/conversations/{id}", mine).then().statusCode(403);
        // A customer who never chatted has an empty history, not an error.
        as(HistoryApi.customerToken("never-" + UUID.randomUUID())).get("/api/v1/me/conversations").then()
                .statusCode(200).body("items", equalTo(List.of())).body("nextCursor", nullValue());
        assertEquals(1L, Archive.count("select count(*) from audit_log where action = 'read' and customer_id = ?"
                + " and target = '" + othersConversation + "' and result = 'not-found'", me));
    }

    // ---- seeding

    static UUID newCustomer() {
        return HistorySeed.customer(Sandbox.ISSUER, "conv-" + UUID.randomUUID());
    }

    static UUID conversationAt(UUID customer, Instant startedAt, String deployment) {
        return HistorySeed.conversation(customer, deployment, startedAt, null, List.of(Line.customer("hi")));
    }

    static List<String> ids(JsonPath page) {
        return page.getList("items.conversationId");
    }

    static void message(UUID conversation, String direction, String type, String text, String sender,
            String entity, Instant channelTime) {
        HistorySeed.execute("""
                insert into message (genesys_message_id, conversation_id, direction, message_type, event_type, text,
                                     sender_name, originating_entity, channel_time, received_at, original)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, now(), '{}'::jsonb)""", UUID.randomUUID().toString(), conversation,
                direction, type, "Event".equals(type) ? "Presence:Join" : null, text, sender, entity,
                channelTime == null ? null : Timestamp.from(channelTime));
    }

    static void job(UUID conversation, String state, String outcome) {
        HistorySeed.execute("""
                insert into enrichment_job (conversation_id, first_message_id, first_echo_at, state, outcome, attempts,
                                            next_attempt_at, deadline_at, created_at, completed_at)
                values (?, ?, now(), ?, ?, 1, now(), now() + interval '10 minutes', now(),
                        case when ? = 'PENDING' then null else now() end)""",
                conversation, UUID.randomUUID().toString(), state, outcome, state);
    }

    static void storedSummary(UUID conversation, String headline, String linesJson) {
        HistorySeed.execute("""
                insert into conversation_summary (conversation_id, headline, lines, attributes, created_at)
                values (?, ?, ?::jsonb, '{}'::jsonb, now())""", conversation, headline, linesJson);
    }

    static List<Long> messageIds(UUID conversation) {
        try (Connection c = PostgresTestResource.directConnection(); PreparedStatement ps = c.prepareStatement(
                "select id from message where conversation_id = ? order by channel_time, id")) {
            ps.setObject(1, conversation);
            List<Long> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            return ids;
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    static Set<String> set(List<String> values) {
        return new LinkedHashSet<>(values);
    }
}
