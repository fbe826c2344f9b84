package io.carryover.archive;

import static io.carryover.testing.Archive.conversations;
import static io.carryover.testing.Archive.eventually;
import static io.carryover.testing.Archive.guestOf;
import static io.carryover.testing.Archive.messages;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.carryover.testing.Archive.StoredMessage;
import io.carryover.testing.DatabaseLink;
import io.carryover.testing.Guest;
import io.quarkus.test.junit.QuarkusTest;

/** PostgreSQL goes away mid-conversation: the chat goes on, and everything is stored once it is back. */
@QuarkusTest
class DatabaseOutageTest {

    @AfterEach
    void restore() {
        DatabaseLink.restoreDatabase();
    }

    @Test
    void nothingIsLostWhileTheDatabaseIsDown() throws Exception {
        String token = Guest.newToken();
        try (Guest guest = Guest.viaRelay(token)) {
            guest.configure(false);
            guest.say("before the outage");
            eventually(() -> conversations(guestOf(token)).size() == 1);

            DatabaseLink.cutDatabase();
            guest.say("during the outage 1");
            guest.say("during the outage 2");
            eventually(() -> given().get("/q/health/ready").then().extract().asString()
                    .contains("unreachable, buffering"));
            given().get("/q/health/ready").then().statusCode(200).body(containsString("\"status\": \"UP\""));

            DatabaseLink.restoreDatabase();
            guest.say("after the outage");
        }
        eventually(() -> messages(conversations(guestOf(token)).get(0).id()).size() == 4);
        List<String> texts = messages(conversations(guestOf(token)).get(0).id()).stream()
                .map(StoredMessage::text).toList();
        assertEquals(List.of("before the outage", "during the outage 1", "during the outage 2", "after the outage"),
                texts);
    }
}
