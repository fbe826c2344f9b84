package io.carryover.history;

import static io.carryover.testing.HistoryApi.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
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
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** The configured text-search configuration reaches both the search index (Flyway placeholder) and the queries. */
@QuarkusTest
@TestProfile(SearchConfigurationTest.English.class)
class SearchConfigurationTest {

    public static class English implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("carryover.history.search-configuration", "english");
        }
    }

    @Test
    void theIndexIsBuiltWithTheConfiguredConfiguration() {
        assertEquals("english", Archive.text("select configuration::text from search_index where ?", true));
    }

    @Test
    void englishStemsWordsAndDropsStopWords() {
        UUID customer = HistorySeed.customer(Sandbox.ISSUER, "english-" + UUID.randomUUID());
        HistorySeed.conversation(customer, HistorySeed.DEPLOYMENT, Instant.now().minusSeconds(60), null,
                List.of(Line.customer("My payments were declined twice"), Line.agent("The card is fine now")));
        String token = HistoryApi.serviceToken("history.search");
        as(token).queryParam("q", "payment decline").get("/api/v1/customers/{id}/search", customer).then()
                .statusCode(200).body("items.size()", equalTo(1))
                .body("items[0].snippet", containsString("<mark>payments</mark> were <mark>declined</mark>"));
        as(token).queryParam("q", "\"payment declined\"").get("/api/v1/customers/{id}/search", customer).then()
                .statusCode(200).body("items", empty());
        as(token).queryParam("q", "\"payments were declined\"").get("/api/v1/customers/{id}/search", customer)
                .then().statusCode(200).body("items.size()", equalTo(1));
        // Only stop words: no lexeme left, an empty page rather than an error.
        as(token).queryParam("q", "the is were").get("/api/v1/customers/{id}/search", customer).then()
                .statusCode(200).body("items", empty());
    }
}
