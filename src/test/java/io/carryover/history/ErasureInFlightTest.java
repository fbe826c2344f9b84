package io.carryover.history;

import static io.carryover.testing.Archive.eventually;
import static io.carryover.testing.HistoryApi.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.carryover.identity.TokenHash;
import io.carryover.testing.Archive;
import io.carryover.testing.Guest;
import io.carryover.testing.HistoryApi;
import io.carryover.testing.Metrics;
import io.carryover.testing.Sandbox;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Data in flight does not bring an erased customer back: a guest connection that was open before the erasure keeps
 * chatting (and even starts a new session), and none of it is archived; the same customer on a new connection
 * afterwards is archived again (an erasure is not an opt-out).
 */
@QuarkusTest
class ErasureInFlightTest {

    @AfterEach
    void resetPlatform() {
        Sandbox.platformReset();
    }

    @Test
    void anOpenConnectionKeepsChattingAfterTheErasureAndNothingOfItComesBack() throws Exception {
        String subject = "erase-live-" + UUID.randomUUID();
        UUID customerId = Archive.customer(Sandbox.ISSUER, subject);
        String oldToken = Guest.newToken();
        try (Guest open = Guest.viaRelay(oldToken, Sandbox.mint(subject))) {
            open.configureAuthenticated(true);
            open.say("before the erasure");
            eventually(() -> messages(customerId) == 1);

            as(HistoryApi.serviceToken("history.erase")).delete("/api/v1/customers/{id}", customerId).then()
                    .statusCode(200).body("deleted.message", greaterThanOrEqualTo(1))
                    .body("deleted.customer", equalTo(1));
            double dropped = erasedDrops();

            open.say("after the erasure, same session");
            // A new session on the old connection would recreate customer, thread and conversation.
            open.configureAuthenticated(true);
            open.say("after the erasure, new session");
            // Dropped on purpose (counted), or, if the writer let them through, stored: then the assertions fail.
            eventually(() -> erasedDrops() >= dropped + 4 || storedAfterErasure() > 0);
            assertEquals(0, storedAfterErasure(), "the erased customer came back");

            String newToken = Guest.newToken();
            try (Guest back = Guest.viaRelay(newToken, Sandbox.mint(subject))) {
                back.configureAuthenticated(true);
                back.say("back on a new connection");
                eventually(() -> messages(customerId) == 1);
            }
            open.say("the old connection, once more");
            eventually(() -> erasedDrops() >= dropped + 5 || storedAfterErasure() > 0);

            List<Archive.StoredConversation> conversations = Archive.conversations(customerId);
            assertEquals(1, conversations.size());
            assertEquals(List.of("back on a new connection"), Archive.messages(conversations.get(0).id()).stream()
                    .map(Archive.StoredMessage::text).toList());
            assertEquals(0, storedAfterErasure());
            assertEquals(0, Archive.count("select count(*) from message where text = ?", "before the erasure"));
            assertEquals(0, Archive.count("select count(*) from guest_session where token_hash = ?",
                    TokenHash.of(oldToken)));
            assertEquals(1, Archive.count("select count(*) from guest_session where token_hash = ?",
                    TokenHash.of(newToken)));
            assertTrue(Archive.count("select count(*) from customer where id = ?", customerId) == 1);
        }
    }

    private static long messages(UUID customerId) {
        return Archive.count("""
                select count(*) from message m join conversation c on c.id = m.conversation_id
                where c.customer_id = ? and m.message_type = 'Text'""", customerId);
    }

    private static long storedAfterErasure() {
        return Archive.count("select count(*) from message where text like ? or text like '%once more'",
                "after the erasure%");
    }

    private static double erasedDrops() {
        return Metrics.value("carryover_archive_dropped_total", "stage=\"erased\"");
    }
}
