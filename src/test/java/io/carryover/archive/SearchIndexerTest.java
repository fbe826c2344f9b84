package io.carryover.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.carryover.testing.Archive;
import io.carryover.testing.HistorySeed;
import io.carryover.testing.HistorySeed.Line;
import io.carryover.testing.Sandbox;
import io.carryover.testing.SearchIndexedByHand;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Messages reach the search index after their insert, through the queue that every insert statement fills (V9). */
@QuarkusTest
@TestProfile(SearchIndexedByHand.class)
class SearchIndexerTest {

    @Inject
    SearchIndexer indexer;

    @Inject
    ArchiveWriter writer;

    @Inject
    MeterRegistry registry;

    @Test
    void everyInsertedMessageIsQueuedUntilItHasAVector() throws SQLException {
        UUID customer = HistorySeed.customer(Sandbox.ISSUER, "queued-" + UUID.randomUUID());
        UUID conversation = HistorySeed.conversation(customer, HistorySeed.DEPLOYMENT, Instant.now(), null,
                List.of(Line.customer("Where is my parcel"), Line.agent("On its way")));
        // A statement that inserts several messages queues them as one range.
        HistorySeed.execute("""
                insert into message (conversation_id, direction, message_type, text, received_at, original)
                select ?, 'Inbound', 'Text', 'line ' || n, now(), '{}'::jsonb from generate_series(1, 7) n""",
                conversation);
        String ofConversation = "from message m where m.conversation_id = ?";
        assertEquals(9L, Archive.count("select count(*) " + ofConversation + " and exists (select 1 from search_backlog b"
                + " where m.id > b.after_id and m.id <= b.through_id)", conversation));
        assertEquals(0L, Archive.count("select count(*) " + ofConversation
                + " and exists (select 1 from message_search s where s.message_id = m.id)", conversation));

        while (indexer.indexNext()) {
            // chunk after chunk
        }

        assertEquals(0L, Archive.count("select count(*) from search_backlog"));
        assertEquals(9L, Archive.count("select count(*) " + ofConversation + " and exists (select 1 from message_search s"
                + " where s.message_id = m.id and s.vector = to_tsvector('simple', m.text))", conversation));
    }

    @Test
    void aLongRangeIsIndexedAChunkPerTransaction() throws SQLException {
        while (indexer.indexNext()) {
            // what other tests left
        }
        UUID customer = HistorySeed.customer(Sandbox.ISSUER, "chunks-" + UUID.randomUUID());
        UUID conversation = HistorySeed.conversation(customer, HistorySeed.DEPLOYMENT, Instant.now(), null, List.of());
        HistorySeed.execute("""
                insert into message (conversation_id, direction, message_type, text, received_at, original)
                select ?, 'Inbound', 'Text', 'line ' || n, now(), '{}'::jsonb from generate_series(1, 7) n""",
                conversation);
        long through = Archive.count("select through_id from search_backlog");

        assertTrue(indexer.indexNext());

        assertEquals(through - 4, Archive.count("select after_id from search_backlog"), "advanced by one chunk");
        assertEquals(3L, Archive.count("select count(*) from message_search s join message m on m.id = s.message_id"
                + " where m.conversation_id = ?", conversation));
        assertTrue(indexer.indexNext());
        assertTrue(indexer.indexNext());
        assertFalse(indexer.indexNext());
        assertEquals(7L, Archive.count("select count(*) from message_search s join message m on m.id = s.message_id"
                + " where m.conversation_id = ?", conversation));
    }

    @Test
    void smallRangesQueuedOneByOneAreIndexedInOneTransaction() throws SQLException {
        while (indexer.indexNext()) {
            // what other tests left
        }
        UUID customer = HistorySeed.customer(Sandbox.ISSUER, "small-" + UUID.randomUUID());
        // One statement per message, as a quiet relay's writer batches are: three queued ranges of one id each.
        UUID conversation = HistorySeed.conversation(customer, HistorySeed.DEPLOYMENT, Instant.now(), null,
                List.of(Line.customer("one"), Line.agent("two"), Line.customer("three")));
        assertEquals(3L, Archive.count("select count(*) from search_backlog"));

        assertTrue(indexer.indexNext());

        assertEquals(0L, Archive.count("select count(*) from search_backlog"), "all three in one chunk of three ids");
        assertEquals(3L, Archive.count("select count(*) from message_search s join message m on m.id = s.message_id"
                + " where m.conversation_id = ?", conversation));
        assertFalse(indexer.indexNext());
    }

    @Test
    void messagesWithoutTextAndRangesIndexedTwiceAreNoOps() throws SQLException {
        UUID customer = HistorySeed.customer(Sandbox.ISSUER, "events-" + UUID.randomUUID());
        UUID conversation = HistorySeed.conversation(customer, HistorySeed.DEPLOYMENT, Instant.now(), null,
                List.of(Line.customer("hello there")));
        HistorySeed.execute("""
                insert into message (conversation_id, direction, message_type, event_type, received_at, original)
                values (?, 'Inbound', 'Event', 'Typing', now(), '{}'::jsonb)""", conversation);
        // The same ids queued again, as when another transaction's range overlaps this one.
        HistorySeed.execute("insert into search_backlog (after_id, through_id) select min(id) - 1, max(id)"
                + " from message where conversation_id = ?", conversation);

        while (indexer.indexNext()) {
            // chunk after chunk
        }

        assertEquals(1L, Archive.count("select count(*) from message_search s join message m on m.id = s.message_id"
                + " where m.conversation_id = ?", conversation));
        assertEquals(0L, Archive.count("select count(*) from search_backlog"));
    }

    @Test
    void waitsWhileTheClusterStoresAFloodAndIndexesOnceItEnds() throws Exception {
        while (indexer.indexNext()) {
            // what other tests left
        }
        indexer.scheduled(); // nothing queued: a store-rate window starts
        // 20,000 message ids taken within about a second, as a flood on any replica takes them (the default yield
        // rate is 5,000 a second).
        Archive.count("select setval('message_id_seq', (select last_value from message_id_seq) + 20000)");
        Thread.sleep(1_100);
        UUID customer = HistorySeed.customer(Sandbox.ISSUER, "flood-" + UUID.randomUUID());
        UUID conversation = HistorySeed.conversation(customer, HistorySeed.DEPLOYMENT, Instant.now(), null,
                List.of(Line.customer("stored during a flood")));

        indexer.scheduled();

        assertTrue(writer.lagSeconds() < 0.25, "not waiting for the archive's lag");
        assertEquals(1L, Archive.count("select count(*) from search_backlog"), "waits while the flood is stored");
        assertEquals(1.0, registry.get("carryover.search.yielding").gauge().value());

        Thread.sleep(1_100); // a second with no message stored
        indexer.scheduled();

        assertEquals(0L, Archive.count("select count(*) from search_backlog"));
        assertEquals(1L, Archive.count("select count(*) from message_search s join message m on m.id = s.message_id"
                + " where m.conversation_id = ?", conversation));
        assertEquals(0.0, registry.get("carryover.search.yielding").gauge().value());
    }
}
