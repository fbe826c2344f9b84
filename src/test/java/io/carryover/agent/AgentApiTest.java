package io.carryover.agent;

import static io.carryover.testing.AgentTokens.as;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.carryover.testing.AgentTokens;
import io.carryover.testing.AgentTokens.Participation;
import io.carryover.testing.Archive;
import io.carryover.testing.HistorySeed;
import io.carryover.testing.HistorySeed.Line;
import io.carryover.testing.Sandbox;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * The agent API over real HTTP, with agent tokens of the sandbox's emulated Genesys and conversations whose agent
 * participants the sandbox reports: who may look, what they see (redacted), and what the audit log keeps.
 */
@QuarkusTest
class AgentApiTest {

    /** A verified customer with two prior conversations and a current one Genesys knows as the returned gid. */
    private record Customer(UUID id, UUID older, UUID newer, UUID current, String gid) {
    }

    @AfterEach
    void reset() {
        Sandbox.platformReset();
    }

    private static Customer customerServedBy(Participation... agents) {
        String gid = AgentTokens.conversation(agents);
        UUID customer = HistorySeed.customer("https://idp.example", "agent-api-" + UUID.randomUUID());
        Instant now = Instant.now();
        UUID older = HistorySeed.conversation(customer, HistorySeed.DEPLOYMENT, now.minus(Duration.ofDays(9)), null,
                List.of(Line.customer("My parcel never arrived, tracking says delivered"),
                        Line.agent("Sorry about that, I will check back with you on Friday")));
        UUID newer = HistorySeed.conversation(customer, HistorySeed.DEPLOYMENT, now.minus(Duration.ofDays(2)), null,
                List.of(Line.customer("Please refund to 4111 1111 1111 1111 or write to jane.doe@example.com"),
                        Line.customer("Is \"x < y && y > z\" a parcel name?"),
                        Line.agent("The refund for your parcel is on its way")));
        UUID current = HistorySeed.conversation(customer, HistorySeed.DEPLOYMENT, now.minusSeconds(30), gid,
                List.of(Line.customer("Hello again about my parcel")));
        return new Customer(customer, older, newer, current, gid);
    }

    private static JsonPath context(String token, String gid) {
        return as(token).get("/agent/api/conversations/{gid}/context", gid)
                .then().statusCode(200).extract().jsonPath();
    }

    @Test
    void theAgentOnTheConversationSeesSummaryTimelineTranscriptAndSearch() {
        Customer c = customerServedBy(Participation.now(AgentTokens.BOB));
        String bob = AgentTokens.token(AgentTokens.BOB);

        JsonPath context = context(bob, c.gid());
        assertEquals("ready", context.getString("state"));
        assertEquals(AgentTokens.BOB_ID, context.getString("agent.id"));
        assertFalse(context.getBoolean("agent.supervisor"));
        assertEquals(c.gid(), context.getString("current.genesysConversationId"));
        assertEquals(List.of(c.newer().toString(), c.older().toString()), context.getList("conversations.id"));
        assertEquals(3, context.getInt("conversations[0].messageCount"));
        assertEquals(List.of("Agent Smith"), context.getList("conversations[0].agents"));
        assertNotNull(context.getString("summary.headline"));
        assertFalse(context.getList("summary.lines").isEmpty());
        String everything = context.prettify();
        assertFalse(everything.contains("4111"), everything);
        assertFalse(everything.contains("jane.doe"), everything);

        JsonPath transcript = as(bob).get("/agent/api/conversations/{gid}/conversations/{id}/messages", c.gid(),
                c.newer()).then().statusCode(200).extract().jsonPath();
        assertEquals(c.newer().toString(), transcript.getString("id"));
        assertEquals(List.of("customer", "customer", "agent"), transcript.getList("messages.from"));
        assertEquals("Please refund to [card] or write to [email]", transcript.getString("messages[0].text"));

        JsonPath search = as(bob).queryParam("q", "parcel").get("/agent/api/conversations/{gid}/search", c.gid())
                .then().statusCode(200).extract().jsonPath();
        List<String> conversations = search.getList("hits.conversationId");
        assertTrue(conversations.contains(c.older().toString()) && conversations.contains(c.newer().toString()),
                conversations.toString());
        assertFalse(conversations.contains(c.current().toString()), "the current conversation is not prior history");
        assertTrue(search.getList("hits.snippet", String.class).stream().allMatch(s -> s.contains("<mark>parcel</mark>")));
    }

    @Test
    void anAgentWhoIsNotOnTheConversationIsDeniedBeforeTheArchiveIsRead() {
        Customer c = customerServedBy(Participation.now(AgentTokens.BOB));
        String carol = AgentTokens.token(AgentTokens.CAROL);
        String denials = "select count(*) from audit_log where action = 'agent.context' and caller_subject = ?"
                + " and result = 'agent-access-denied' and customer_id is null and target like ?";
        long before = Archive.count(denials, "agent:" + AgentTokens.CAROL_ID, "%" + c.gid() + "%");

        JsonPath problem = as(carol).get("/agent/api/conversations/{gid}/context", c.gid())
                .then().statusCode(403).extract().jsonPath();
        assertEquals("urn:carryover:problem:agent-access-denied", problem.getString("type"));
        assertFalse(problem.prettify().contains(c.id().toString()));
        as(carol).get("/agent/api/conversations/{gid}/conversations/{id}/messages", c.gid(), c.newer())
                .then().statusCode(403);
        as(carol).queryParam("q", "parcel").get("/agent/api/conversations/{gid}/search", c.gid())
                .then().statusCode(403);

        // Audited, but without the customer: access was decided before the archive was read.
        assertEquals(before + 1, Archive.count(denials, "agent:" + AgentTokens.CAROL_ID, "%" + c.gid() + "%"));
    }

    @Test
    void anAgentMayLookForTheGracePeriodAfterLeavingAndNotAfter() {
        Instant now = Instant.now();
        Customer recent = customerServedBy(new Participation(AgentTokens.CAROL, now.minus(Duration.ofHours(5)),
                now.minus(Duration.ofHours(4))));
        Customer old = customerServedBy(new Participation(AgentTokens.CAROL, now.minus(Duration.ofHours(30)),
                now.minus(Duration.ofHours(25))));
        String carol = AgentTokens.token(AgentTokens.CAROL);

        assertEquals("ready", context(carol, recent.gid()).getString("state"));
        as(carol).get("/agent/api/conversations/{gid}/context", old.gid()).then().statusCode(403);
    }

    @Test
    void aSupervisorSeesAnyConversationOfTheOrgButNotAnotherOrgs() {
        Customer c = customerServedBy(Participation.now(AgentTokens.BOB));

        JsonPath context = context(AgentTokens.token(AgentTokens.SAM), c.gid());
        assertEquals("ready", context.getString("state"));
        assertTrue(context.getBoolean("agent.supervisor"));

        // Olga holds the same role name in another org.
        as(AgentTokens.token(AgentTokens.OLGA)).get("/agent/api/conversations/{gid}/context", c.gid())
                .then().statusCode(403);
    }

    @Test
    void statesOfCustomersWithoutHistory() {
        String bob = AgentTokens.token(AgentTokens.BOB);

        String uncorrelated = AgentTokens.conversation(Participation.now(AgentTokens.BOB));
        JsonPath none = context(bob, uncorrelated);
        assertEquals("not-correlated", none.getString("state"));
        assertNull(none.get("summary"));
        assertEquals(List.of(), none.getList("conversations"));

        String first = AgentTokens.conversation(Participation.now(AgentTokens.BOB));
        UUID newcomer = HistorySeed.customer("https://idp.example", "first-" + UUID.randomUUID());
        HistorySeed.conversation(newcomer, HistorySeed.DEPLOYMENT, Instant.now(), first,
                List.of(Line.customer("hi, first time here")));
        assertEquals("first-contact", context(bob, first).getString("state"));

        String guestGid = AgentTokens.conversation(Participation.now(AgentTokens.BOB));
        UUID guest = HistorySeed.customer("urn:carryover:guest", "ab".repeat(32));
        HistorySeed.conversation(guest, HistorySeed.DEPLOYMENT, Instant.now().minus(Duration.ofDays(1)), null,
                List.of(Line.customer("an earlier guest chat")));
        HistorySeed.conversation(guest, HistorySeed.DEPLOYMENT, Instant.now(), guestGid,
                List.of(Line.customer("guest again")));
        JsonPath guestContext = context(bob, guestGid);
        assertEquals("guest", guestContext.getString("state"));
        assertEquals(List.of(), guestContext.getList("conversations"));
    }

    @Test
    void tokensGenesysRefusesAre401AndNeverCached() {
        Customer c = customerServedBy(Participation.now(AgentTokens.BOB));
        given().get("/agent/api/conversations/{gid}/context", c.gid()).then().statusCode(401)
                .header("WWW-Authenticate", "Bearer");
        as("not-a-genesys-token").get("/agent/api/conversations/{gid}/context", c.gid()).then().statusCode(401)
                .header("WWW-Authenticate", "Bearer");

        // An outage is no verdict on the token: 503, and the same token works once Genesys answers again.
        String bob = AgentTokens.token(AgentTokens.BOB);
        Sandbox.platformFault(Map.of("status", 503, "count", 10, "endpoint", "users"));
        as(bob).get("/agent/api/conversations/{gid}/context", c.gid()).then().statusCode(503)
                .header("Retry-After", org.hamcrest.Matchers.notNullValue());
        Sandbox.platformReset();
        assertEquals("ready", context(bob, c.gid()).getString("state"));

        // A 401 is not remembered either: the next call asks Genesys again.
        String refusedOnce = AgentTokens.token(AgentTokens.BOB);
        Sandbox.platformFault(Map.of("status", 401, "count", 1, "endpoint", "users"));
        as(refusedOnce).get("/agent/api/conversations/{gid}/context", c.gid()).then().statusCode(401);
        assertEquals("ready", context(refusedOnce, c.gid()).getString("state"));

        // Expired at Genesys: 401.
        Sandbox.platformSettings(Map.of("tokenLifetimeSeconds", 0));
        String expired = AgentTokens.token(AgentTokens.BOB);
        as(expired).get("/agent/api/conversations/{gid}/context", c.gid()).then().statusCode(401);
    }

    @Test
    void tokensDoNotCrossBetweenTheAgentApiAndTheHistoryApi() {
        Customer c = customerServedBy(Participation.now(AgentTokens.BOB));
        String bob = AgentTokens.token(AgentTokens.BOB);
        as(bob).get("/api/v1/customers/{id}/conversations", c.id()).then().statusCode(401);
        as(bob).get("/api/v1/conversations/{id}", c.newer()).then().statusCode(401);

        String history = io.carryover.testing.HistoryApi.serviceToken("history.read", "history.search");
        as(history).get("/agent/api/conversations/{gid}/context", c.gid()).then().statusCode(401);
    }

    @Test
    void aTranscriptIsOnlyOneOfThisCustomersPriorConversations() {
        Customer c = customerServedBy(Participation.now(AgentTokens.BOB));
        Customer other = customerServedBy(Participation.now(AgentTokens.BOB));
        String bob = AgentTokens.token(AgentTokens.BOB);
        String route = "/agent/api/conversations/{gid}/conversations/{id}/messages";

        as(bob).get(route, c.gid(), c.older()).then().statusCode(200);
        for (Object id : List.of(other.older(), c.current(), UUID.randomUUID(), "not-a-uuid", "..%2F..")) {
            JsonPath problem = as(bob).get(route, c.gid(), id).then().statusCode(404).extract().jsonPath();
            assertEquals("urn:carryover:problem:not-found", problem.getString("type"), String.valueOf(id));
        }
        // Not a Genesys conversation id at all.
        as(bob).get("/agent/api/conversations/{gid}/context", "12345").then().statusCode(404);
    }

    @Test
    void searchMatchesOnlyWhatRedactionLeftAndEscapesSnippets() {
        Customer c = customerServedBy(Participation.now(AgentTokens.BOB));
        String bob = AgentTokens.token(AgentTokens.BOB);
        // The redacted values, and the placeholders that stand for them.
        for (String q : List.of("4111", "4111 1111 1111 1111", "jane.doe@example.com", "jane", "example.com",
                "card", "email", "[card]", "redacted")) {
            JsonPath search = as(bob).queryParam("q", q).get("/agent/api/conversations/{gid}/search", c.gid())
                    .then().statusCode(200).extract().jsonPath();
            assertEquals(List.of(), search.getList("hits"), "q=" + q + " found " + search.prettify());
        }
        JsonPath refund = as(bob).queryParam("q", "refund").get("/agent/api/conversations/{gid}/search", c.gid())
                .then().statusCode(200).extract().jsonPath();
        List<String> snippets = refund.getList("hits.snippet", String.class);
        assertEquals(2, snippets.size(), snippets.toString());
        assertTrue(snippets.stream().anyMatch(s -> s.contains("[card]") && s.contains("[email]")), snippets.toString());

        JsonPath markup = as(bob).queryParam("q", "name").get("/agent/api/conversations/{gid}/search", c.gid())
                .then().statusCode(200).extract().jsonPath();
        String snippet = markup.getString("hits[0].snippet");
        assertTrue(snippet.contains("&quot;x &lt; y &amp;&amp; y &gt; z&quot;"), snippet);
        assertTrue(snippet.contains("<mark>name</mark>"), snippet);
        assertFalse(snippet.replace("<mark>", "").replace("</mark>", "").contains("<"), snippet);

        as(bob).queryParam("q", " ").get("/agent/api/conversations/{gid}/search", c.gid()).then().statusCode(400)
                .body("type", org.hamcrest.Matchers.equalTo("urn:carryover:problem:invalid-query"));
        as(bob).queryParam("q", "x".repeat(501)).get("/agent/api/conversations/{gid}/search", c.gid())
                .then().statusCode(400)
                .body("type", org.hamcrest.Matchers.equalTo("urn:carryover:problem:query-too-long"));
        as(bob).queryParam("q", "refund").queryParam("limit", "51")
                .get("/agent/api/conversations/{gid}/search", c.gid()).then().statusCode(400);
    }

    @Test
    void everyViewIsAuditedWithIdsAndCountsButNoQueryText() {
        Customer c = customerServedBy(Participation.now(AgentTokens.BOB));
        String bob = AgentTokens.token(AgentTokens.BOB);
        context(bob, c.gid());
        as(bob).get("/agent/api/conversations/{gid}/conversations/{id}/messages", c.gid(), c.older())
                .then().statusCode(200);
        as(bob).queryParam("q", "secretword parcel").get("/agent/api/conversations/{gid}/search", c.gid())
                .then().statusCode(200);

        for (String action : List.of("agent.context", "agent.transcript", "agent.search")) {
            assertEquals(1, Archive.count("select count(*) from audit_log where action = ? and customer_id = ?"
                    + " and caller_subject = ? and result = 'ok'", action, c.id(), "agent:" + AgentTokens.BOB_ID),
                    action);
        }
        assertEquals(0, Archive.count("select count(*) from audit_log where customer_id = ?"
                + " and (target like '%secretword%' or target like '%parcel%')", c.id()));
        assertEquals(1, Archive.count("select count(*) from audit_log where customer_id = ? and action = 'agent.search'"
                + " and target like '%queryLength=17%'", c.id()));
    }

    @Test
    void platformDownIs503WithRetryAfter() {
        Customer c = customerServedBy(Participation.now(AgentTokens.BOB));
        String bob = AgentTokens.token(AgentTokens.BOB);
        Sandbox.platformFault(Map.of("status", 503, "count", 20, "endpoint", "conversation",
                "conversationId", c.gid()));
        as(bob).get("/agent/api/conversations/{gid}/context", c.gid()).then().statusCode(503)
                .header("Retry-After", org.hamcrest.Matchers.notNullValue())
                .body("type", org.hamcrest.Matchers.equalTo("urn:carryover:problem:platform-unavailable"));
        Sandbox.platformReset();
        assertEquals("ready", context(bob, c.gid()).getString("state"));
    }

    @Test
    void genesysIsAskedOnceAboutAValidTokenAndAConversationWithinTheirCacheTimes() {
        Customer c = customerServedBy(Participation.now(AgentTokens.BOB));
        String bob = AgentTokens.token(AgentTokens.BOB);
        long since = System.currentTimeMillis();
        context(bob, c.gid());
        context(bob, c.gid());
        as(bob).queryParam("q", "parcel").get("/agent/api/conversations/{gid}/search", c.gid()).then().statusCode(200);
        List<Object> endpoints = Sandbox.platformRequests(since).stream().map(r -> r.get("endpoint")).toList();
        assertEquals(1, endpoints.stream().filter("users"::equals).count(), endpoints.toString());
        assertEquals(1, endpoints.stream().filter("conversation"::equals).count(), endpoints.toString());
    }
}
