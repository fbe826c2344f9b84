package io.carryover.history;

import static io.carryover.testing.HistoryApi.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.carryover.testing.DatabaseLink;
import io.carryover.testing.HistoryApi;
import io.carryover.testing.Sandbox;
import io.quarkus.test.junit.QuarkusTest;

/** Without PostgreSQL the History API says so as a problem, without a stack trace or the request's text. */
@QuarkusTest
class HistoryOutageTest {

    @AfterEach
    void restore() {
        DatabaseLink.restoreDatabase();
    }

    @Test
    void afterTheOutageTheApiAnswersAgainAtOnce() {
        String read = HistoryApi.serviceToken("history.read");
        as(read).queryParam("issuer", Sandbox.ISSUER).queryParam("sub", "before").get("/api/v1/customers")
                .then().statusCode(404);
        DatabaseLink.cutDatabase();
        as(read).queryParam("issuer", Sandbox.ISSUER).queryParam("sub", "during").get("/api/v1/customers")
                .then().statusCode(503);
        DatabaseLink.restoreDatabase();
        for (int i = 0; i < 20; i++) {
            as(read).queryParam("issuer", Sandbox.ISSUER).queryParam("sub", "after-" + i).get("/api/v1/customers")
                    .then().statusCode(404);
        }
    }

    @Test
    void aDatabaseOutageIsA503Problem() {
        String read = HistoryApi.serviceToken("history.read");
        String search = HistoryApi.serviceToken("history.search-all");
        DatabaseLink.cutDatabase();
        as(read).queryParam("issuer", Sandbox.ISSUER).queryParam("sub", "outage")
                .get("/api/v1/customers").then().statusCode(503)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:carryover:problem:database-unavailable"));
        as(search).queryParam("q", "secret-words-of-a-customer").get("/api/v1/search").then().statusCode(503)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:carryover:problem:database-unavailable"))
                .body(not(containsString("secret-words"))).body(not(containsString("Exception")));
    }
}
