package io.carryover.history;

import static io.carryover.testing.HistoryApi.as;
import static org.hamcrest.Matchers.equalTo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.carryover.testing.HistoryApi;
import io.carryover.testing.HistorySeed;
import io.carryover.testing.HistorySeed.Line;
import io.carryover.testing.Sandbox;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** A search PostgreSQL cannot finish in time is cancelled there and answered as a problem, not left running. */
@QuarkusTest
@TestProfile(SearchTimeoutTest.OneMillisecond.class)
class SearchTimeoutTest {

    public static class OneMillisecond implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("carryover.history.search-timeout", "1ms");
        }
    }

    @Test
    void aSearchOverItsTimeoutIsA503Problem() {
        var customer = HistorySeed.customer(Sandbox.ISSUER, "timeout-" + System.nanoTime());
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            lines.add(Line.customer("parcel number " + i + " is late again, where is my parcel today"));
        }
        for (int c = 0; c < 10; c++) {
            HistorySeed.conversation(customer, HistorySeed.DEPLOYMENT, Instant.now().minusSeconds(3600L * (c + 1)),
                    null, lines);
        }
        as(HistoryApi.serviceToken("history.search-all")).queryParam("q", "parcel late")
                .get("/api/v1/search").then().statusCode(503)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:carryover:problem:search-timeout"));
    }
}
