package io.carryover.history;

import static io.carryover.testing.HistoryApi.as;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.carryover.archive.SearchIndexer;
import io.carryover.testing.Archive;
import io.carryover.testing.HistoryApi;
import io.carryover.testing.HistorySeed;
import io.carryover.testing.HistorySeed.Line;
import io.carryover.testing.Sandbox;
import io.carryover.testing.SearchIndexedByHand;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * A search is the same whether its messages have their vectors yet or are still queued for the index (V9), and
 * erasing a customer erases the vectors made from their words.
 */
@QuarkusTest
@TestProfile(SearchIndexedByHand.class)
class SearchIndexTest {

    @Inject
    SearchIndexer indexer;

    private static JsonPath search(UUID customer, String q) {
        return as(HistoryApi.serviceToken("history.search")).queryParam("q", q)
                .get("/api/v1/customers/{id}/search", customer).then().statusCode(200).extract().jsonPath();
    }

    private void indexEverything() throws SQLException {
        while (indexer.indexNext()) {
            // chunk after chunk
        }
    }

    /** A new customer with one conversation of one line, its vector stored. */
    private UUID indexedCustomerSaying(String text) throws SQLException {
        UUID customer = HistorySeed.customer(Sandbox.ISSUER, "search-index-" + UUID.randomUUID());
        HistorySeed.conversation(customer, HistorySeed.DEPLOYMENT, Instant.now().minusSeconds(60), null,
                List.of(Line.customer(text)));
        indexEverything();
        return customer;
    }

    @Test
    void queuedAndIndexedMessagesAreFoundAlikeAndOnce() throws SQLException {
        UUID customer = HistorySeed.customer(Sandbox.ISSUER, "search-index-" + UUID.randomUUID());
        HistorySeed.conversation(customer, HistorySeed.DEPLOYMENT, Instant.now().minusSeconds(600), null,
                List.of(Line.customer("my parcel is lost, the parcel number is gone"),
                        Line.agent("Which parcel do you mean?"), Line.customer("nothing to see here")));
        JsonPath queued = search(customer, "parcel");
        assertEquals(2, queued.getList("items").size());

        indexEverything();
        JsonPath indexed = search(customer, "parcel");
        assertEquals(queued.getList("items"), indexed.getList("items"), "same hits, ranks and snippets");

        // Half indexed, half queued: one page holds both parts in rank order, each message once.
        HistorySeed.conversation(customer, HistorySeed.DEPLOYMENT, Instant.now().minusSeconds(60), null,
                List.of(Line.customer("parcel parcel parcel")));
        // The indexed messages' range queued again, as an overlapping range of another transaction would be.
        HistorySeed.execute("insert into search_backlog (after_id, through_id) select min(m.id) - 1, max(m.id)"
                + " from message m join conversation c on c.id = m.conversation_id where c.customer_id = ?", customer);
        JsonPath mixed = search(customer, "parcel");
        assertEquals(3, mixed.getList("items").size());
        assertEquals(mixed.getList("items.messageId").stream().distinct().count(), 3L);
        assertTrue(mixed.getFloat("items[0].rank") >= mixed.getFloat("items[1].rank"));
        assertEquals("<mark>parcel</mark> <mark>parcel</mark> <mark>parcel</mark>", mixed.getString("items[0].snippet"));

        // Page by page across both parts: every hit once.
        String token = HistoryApi.serviceToken("history.search");
        String cursor = as(token).queryParam("q", "parcel").queryParam("limit", 2)
                .get("/api/v1/customers/{id}/search", customer).then().statusCode(200)
                .body("items.size()", equalTo(2)).extract().path("nextCursor");
        as(token).queryParam("q", "parcel").queryParam("limit", 2).queryParam("cursor", cursor)
                .get("/api/v1/customers/{id}/search", customer).then().statusCode(200)
                .body("items.size()", equalTo(1))
                .body("items[0].messageId", equalTo(mixed.getInt("items[2].messageId")));
    }

    @Test
    void withAnotherConfigurationThanTheVectorsEveryMessageIsParsed() throws SQLException {
        UUID customer = indexedCustomerSaying("the payments were declined");
        // As if the vectors had been made with english: they hold 'payment', not 'payments'.
        HistorySeed.execute("update search_index set configuration = 'english'");
        HistorySeed.execute("update message_search s set vector = to_tsvector('english', m.text) from message m"
                + " join conversation c on c.id = m.conversation_id where m.id = s.message_id and c.customer_id = ?",
                customer);
        try {
            // The simple configuration must not use them: it parses the text itself.
            assertEquals(1, search(customer, "payments").getList("items").size());
            assertEquals(0, search(customer, "payment").getList("items").size());
        } finally {
            HistorySeed.execute("update search_index set configuration = 'simple'");
        }
    }

    @Test
    void erasingACustomerErasesTheVectorsOfTheirWords() throws SQLException {
        UUID customer = indexedCustomerSaying("my maiden name is Zanzibarova");
        assertEquals(1L, Archive.count("select count(*) from message_search where vector @@ 'zanzibarova'::tsquery"));

        as(HistoryApi.serviceToken("history.erase")).delete("/api/v1/customers/{id}", customer).then().statusCode(200);

        assertEquals(0L, Archive.count("select count(*) from message_search where vector @@ 'zanzibarova'::tsquery"));
    }
}
