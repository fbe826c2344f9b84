package io.carryover.archive;

import static io.carryover.testing.Archive.count;
import static io.carryover.testing.Archive.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.carryover.identity.CustomerKey;
import io.carryover.testing.HistorySeed;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The writer's side of an erasure, on a writer of its own with erasure markers the test controls: records of a
 * connection opened before the customer's erasure are dropped, even when they were already waiting in the buffer;
 * a connection opened afterwards is archived, and does not continue a conversation the erasure removed.
 */
@QuarkusTest
class ErasedRecordsTest {

    private static final String DEPLOYMENT = "erased-records";

    @Inject
    ArchiveConfig config;
    @Inject
    AgroalDataSource dataSource;

    private final Map<UUID, Instant> markers = new ConcurrentHashMap<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private ArchiveWriter writer;

    @AfterEach
    void stopWriter() {
        if (writer != null) {
            writer.stop(System.nanoTime() + 2_000_000_000L);
        }
    }

    @Test
    void bufferedRecordsOfAConnectionOpenedBeforeTheErasureAreDropped() {
        CustomerKey customer = new CustomerKey("urn:test", "erased-" + UUID.randomUUID());
        Instant erasedAt = Instant.now();
        markers.put(customer.id(), erasedAt);
        writer = writer();
        UUID oldConversation = chat(customer, "old-" + UUID.randomUUID(), erasedAt.minusSeconds(1), "old words");
        UUID newConversation = chat(customer, "new-" + UUID.randomUUID(), erasedAt.plusMillis(1), "new words");

        writer.start(null); // the records above were all waiting in the buffer
        eventually(() -> count("select count(*) from message where conversation_id = ?", newConversation) == 1);

        assertEquals(0, count("select count(*) from conversation where id = ?", oldConversation));
        assertEquals(0, count("select count(*) from message m join conversation c on c.id = m.conversation_id"
                + " where c.customer_id = ? and m.text = 'old words'", customer.id()));
        assertEquals(1, count("select count(*) from guest_session where customer_id = ?", customer.id()));
        assertEquals(3.0, registry.counter("carryover.archive.dropped", "stage", "erased").count());
    }

    @Test
    void aSessionResumedAfterTheErasureStartsAConversationInsteadOfContinuingAnErasedOne() {
        CustomerKey customer = new CustomerKey("urn:test", "resumed-" + UUID.randomUUID());
        writer = writer();
        writer.start(null);
        String tokenHash = "resumed-" + UUID.randomUUID();
        UUID erased = chat(customer, tokenHash, Instant.now(), "before");
        eventually(() -> count("select count(*) from message where conversation_id = ?", erased) == 1);
        // The erasure, as the History API does it (the writer has the session's current conversation cached).
        HistorySeed.execute("delete from message where conversation_id = ?", erased);
        HistorySeed.execute("delete from conversation where customer_id = ?", customer.id());
        HistorySeed.execute("delete from guest_session where customer_id = ?", customer.id());
        HistorySeed.execute("delete from customer where id = ?", customer.id());
        markers.put(customer.id(), Instant.now());

        // The customer comes back on a new connection and Genesys resumes the same session (no new conversation).
        Instant connectedAt = Instant.now().plusMillis(1);
        UUID session = SessionTracker.sessionId(DEPLOYMENT, tokenHash, customer);
        var connection = writer.submitter(connectedAt);
        connection.accept(new ArchiveRecord.SessionSeen(session, DEPLOYMENT, tokenHash, customer, Instant.now()));
        connection.accept(new ArchiveRecord.MessageSeen(session, null, DEPLOYMENT, customer, message("after"), true));

        eventually(() -> count("select count(*) from message m join conversation c on c.id = m.conversation_id"
                + " where c.customer_id = ? and m.text = 'after'", customer.id()) == 1);
        assertEquals(0.0, registry.counter("carryover.archive.dropped", "stage", "rejected").count());
    }

    /** A session, a new conversation and one guest text, from a connection opened at {@code connectedAt}. */
    private UUID chat(CustomerKey customer, String tokenHash, Instant connectedAt, String text) {
        UUID session = SessionTracker.sessionId(DEPLOYMENT, tokenHash, customer);
        UUID conversation = UUID.randomUUID();
        var connection = writer.submitter(connectedAt);
        connection.accept(new ArchiveRecord.SessionSeen(session, DEPLOYMENT, tokenHash, customer, Instant.now()));
        connection.accept(new ArchiveRecord.ConversationOpened(conversation, session, DEPLOYMENT, customer,
                Instant.now()));
        connection.accept(new ArchiveRecord.MessageSeen(session, conversation, DEPLOYMENT, customer, message(text),
                true));
        return conversation;
    }

    private static ArchivedMessage message(String text) {
        return new ArchivedMessage(UUID.randomUUID().toString(), "Inbound", "Text", null, text, null, null,
                Instant.now(), Instant.now(), "{}");
    }

    private ArchiveWriter writer() {
        return new ArchiveWriter(config, dataSource, new ArchiveMetrics(registry), registry,
                new NewConversationListener() {
                    @Override
                    public void firstInboundText(Connection transaction, UUID conversationId, String genesysMessageId,
                            Instant receivedAt) {
                    }

                    @Override
                    public void committed() {
                    }
                }, (transaction, customerIds) -> {
                    Map<UUID, Instant> found = new java.util.HashMap<>();
                    customerIds.forEach(id -> {
                        if (markers.containsKey(id)) {
                            found.put(id, markers.get(id));
                        }
                    });
                    return found;
                });
    }
}
