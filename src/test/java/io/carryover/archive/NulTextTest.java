package io.carryover.archive;

import static io.carryover.testing.Archive.conversations;
import static io.carryover.testing.Archive.eventually;
import static io.carryover.testing.Archive.guestOf;
import static io.carryover.testing.Archive.messages;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.carryover.testing.Archive.StoredMessage;
import io.carryover.testing.Guest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A guest message whose text holds U+0000 (JSON "\u0000", which Genesys echoes) cannot go into PostgreSQL's text or
 * jsonb as it is: it is archived with U+FFFD in its place instead of being rejected and lost.
 */
@QuarkusTest
@TestProfile(NulTextTest.Own.class)
class NulTextTest {

    /** Its own application: the dropped message's enrichment job must not run into other tests' call counts. */
    public static class Own implements QuarkusTestProfile {
    }

    @Test
    void aMessageWithANulCharacterIsArchived() throws Exception {
        String token = Guest.newToken();
        try (Guest guest = Guest.viaRelay(token)) {
            guest.configure(false);
            guest.say("before");
            guest.say("order 12\u000034");
            guest.say("after");
        }
        eventually(() -> conversations(guestOf(token)).size() == 1
                && messages(conversations(guestOf(token)).get(0).id()).stream()
                        .anyMatch(m -> "after".equals(m.text())));
        List<String> inbound = messages(conversations(guestOf(token)).get(0).id()).stream()
                .filter(m -> "Inbound".equals(m.direction())).map(StoredMessage::text).toList();
        assertEquals(3, inbound.size(), "every guest message is in the archive: " + inbound);
    }
}
