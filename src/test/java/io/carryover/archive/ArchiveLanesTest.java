package io.carryover.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.carryover.identity.CustomerKey;
import io.carryover.identity.TokenHash;
import io.carryover.testing.Guest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Writers of their own (several lanes, small batches, so a conversation spans many transactions): records are fed as
 * the tap feeds them, one thread per connection.
 */
@QuarkusTest
class ArchiveLanesTest {

    private static final String DEPLOYMENT = Guest.DEPLOYMENT;

    @Inject
    ArchiveConfig config;
    @Inject
    AgroalDataSource dataSource;

    private final ConcurrentHashMap<UUID, String> synchronousCommitSeen = new ConcurrentHashMap<>();
    /** The last writer's meters. */
    private SimpleMeterRegistry registry;

    @Test
    void fourLanesKeepEveryConversationInOrder() throws Exception {
        ArchiveWriter writer = writer(4, 7, true);
        int connections = 24;
        int perConversation = 150;
        List<UUID> conversations = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> fed = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                UUID conversation = UUID.randomUUID();
                conversations.add(conversation);
                String tokenHash = TokenHash.of(Guest.newToken());
                fed.add(threads.submit(() -> {
                    Consumer<ArchiveRecord> connection = writer.submitter(Instant.now());
                    CustomerKey guest = CustomerKey.guest(tokenHash);
                    UUID session = SessionTracker.sessionId(DEPLOYMENT, tokenHash, guest);
                    connection.accept(new ArchiveRecord.SessionSeen(session, DEPLOYMENT, tokenHash, guest,
                            Instant.now()));
                    connection.accept(new ArchiveRecord.ConversationOpened(conversation, session, DEPLOYMENT, guest,
                            Instant.now()));
                    for (int i = 0; i < perConversation; i++) {
                        connection.accept(new ArchiveRecord.MessageSeen(session, conversation, DEPLOYMENT, guest,
                                message("Inbound", Integer.toString(i)), true));
                    }
                }));
            }
            for (Future<?> f : fed) {
                f.get();
            }
        } finally {
            threads.shutdown();
        }
        List<String> expected = IntStream.range(0, perConversation).mapToObj(Integer::toString).toList();
        awaitMessages(conversations, connections * perConversation);
        for (UUID conversation : conversations) {
            assertEquals(expected, textsInWriteOrder(conversation), "conversation " + conversation);
        }
        writer.stop(System.nanoTime() + 5_000_000_000L);
    }

    /**
     * A guest signs in and Genesys continues the token's session on a new connection, right away: the sign-in link
     * finds the guest conversation written, whichever lanes the two sessions' ids would hash to.
     */
    @Test
    void aSignInOnAnotherConnectionFollowsTheGuestRecordsOfItsToken() throws Exception {
        ArchiveWriter writer = writer(4, 5, true);
        List<UUID> conversations = new ArrayList<>();
        List<CustomerKey> owners = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            String tokenHash = TokenHash.of(Guest.newToken());
            CustomerKey guest = CustomerKey.guest(tokenHash);
            CustomerKey owner = new CustomerKey("https://issuer.example", "lanes-" + UUID.randomUUID());
            UUID guestSession = SessionTracker.sessionId(DEPLOYMENT, tokenHash, guest);
            UUID session = SessionTracker.sessionId(DEPLOYMENT, tokenHash, owner);
            UUID conversation = UUID.randomUUID();
            Consumer<ArchiveRecord> first = writer.submitter(Instant.now());
            first.accept(new ArchiveRecord.SessionSeen(guestSession, DEPLOYMENT, tokenHash, guest, Instant.now()));
            first.accept(new ArchiveRecord.ConversationOpened(conversation, guestSession, DEPLOYMENT, guest,
                    Instant.now()));
            for (int i = 0; i < 20; i++) {
                first.accept(new ArchiveRecord.MessageSeen(guestSession, conversation, DEPLOYMENT, guest,
                        message("Inbound", Integer.toString(i)), true));
            }
            Consumer<ArchiveRecord> second = writer.submitter(Instant.now());
            second.accept(new ArchiveRecord.SessionSeen(session, DEPLOYMENT, tokenHash, owner, Instant.now()));
            second.accept(new ArchiveRecord.GuestLinked(guestSession, guest, session, owner, Instant.now()));
            second.accept(new ArchiveRecord.MessageSeen(session, null, DEPLOYMENT, owner,
                    message("Inbound", "20"), true));
            conversations.add(conversation);
            owners.add(owner);
        }
        awaitMessages(conversations, conversations.size() * 21);
        for (int t = 0; t < conversations.size(); t++) {
            assertEquals(owners.get(t).id(), ownerOf(conversations.get(t)));
            assertEquals(IntStream.rangeClosed(0, 20).mapToObj(Integer::toString).toList(),
                    textsInWriteOrder(conversations.get(t)));
        }
        writer.stop(System.nanoTime() + 5_000_000_000L);
    }

    /** COPY cannot skip a conflict: replays in the batch and of stored messages are left out beforehand. */
    @Test
    void replaysAreStoredOnceAndTextSurvivesCopyEscapingExactly() throws Exception {
        ArchiveWriter writer = writer(1, config.batchSize(), true);
        String tokenHash = TokenHash.of(Guest.newToken());
        CustomerKey guest = CustomerKey.guest(tokenHash);
        UUID session = SessionTracker.sessionId(DEPLOYMENT, tokenHash, guest);
        UUID conversation = UUID.randomUUID();
        String awkward = "tab\there, newline\nand CR\r, back\\slash \\N \\. \"quoted\" é 😀";
        ArchivedMessage first = message("Inbound", awkward);
        ArchivedMessage second = message("Outbound", "second");
        Consumer<ArchiveRecord> connection = writer.submitter(Instant.now());
        connection.accept(new ArchiveRecord.SessionSeen(session, DEPLOYMENT, tokenHash, guest, Instant.now()));
        connection.accept(new ArchiveRecord.ConversationOpened(conversation, session, DEPLOYMENT, guest,
                Instant.now()));
        connection.accept(new ArchiveRecord.MessageSeen(session, conversation, DEPLOYMENT, guest, first, true));
        connection.accept(new ArchiveRecord.MessageSeen(session, conversation, DEPLOYMENT, guest, first, true));
        connection.accept(new ArchiveRecord.MessageSeen(session, conversation, DEPLOYMENT, guest, second, true));
        awaitMessages(List.of(conversation), 2);
        // Replayed after a reconnect, in a later batch.
        connection.accept(new ArchiveRecord.MessageSeen(session, conversation, DEPLOYMENT, guest, first, true));
        connection.accept(new ArchiveRecord.MessageSeen(session, conversation, DEPLOYMENT, guest,
                message("Inbound", "third"), true));
        awaitMessages(List.of(conversation), 3);
        Thread.sleep(300);
        assertEquals(List.of(awkward, "second", "third"), textsInWriteOrder(conversation));
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "select original ->> 'text', sender_name is null from message where genesys_message_id = ?")) {
            ps.setString(1, first.genesysMessageId());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(awkward, rs.getString(1));
                assertEquals(true, rs.getBoolean(2));
            }
        }
        writer.stop(System.nanoTime() + 5_000_000_000L);
    }

    /** Light traffic: records arriving while a batch lingers go into it, not into a transaction each. */
    @Test
    void aBatchThatIsNotFullWaitsItsLingerForMoreRecords() throws Exception {
        ArchiveWriter writer = writer(1, config.batchSize(), true, Duration.ofMillis(500));
        Opened opened = openConversation(writer);
        Consumer<ArchiveRecord> connection = opened.connection();
        UUID session = opened.session();
        UUID conversation = opened.conversation();
        CustomerKey guest = opened.guest();
        for (int i = 0; i < 10; i++) {
            Thread.sleep(10);
            connection.accept(new ArchiveRecord.MessageSeen(session, conversation, DEPLOYMENT, guest,
                    message("Inbound", Integer.toString(i)), true));
        }
        awaitMessages(List.of(conversation), 10);
        assertEquals(1, registry.get("carryover.archive.batch.records").summary().count(), "transactions");
        assertEquals(12, registry.get("carryover.archive.batch.records").summary().totalAmount(), "records");
        writer.stop(System.nanoTime() + 5_000_000_000L);
    }

    @Test
    void archiveBatchesCommitAsynchronouslyOnlyWhenConfigured() throws Exception {
        assertEquals("on", synchronousCommitOfABatch(true));
        assertEquals("off", synchronousCommitOfABatch(false));
    }

    /** The setting in effect inside the writer's transaction, as the new-conversation listener sees it. */
    private String synchronousCommitOfABatch(boolean synchronous) throws Exception {
        ArchiveWriter writer = writer(1, config.batchSize(), synchronous);
        Opened opened = openConversation(writer);
        Consumer<ArchiveRecord> connection = opened.connection();
        UUID session = opened.session();
        UUID conversation = opened.conversation();
        CustomerKey guest = opened.guest();
        connection.accept(new ArchiveRecord.MessageSeen(session, conversation, DEPLOYMENT, guest,
                message("Inbound", "hello"), true));
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> synchronousCommitSeen.containsKey(conversation));
        writer.stop(System.nanoTime() + 5_000_000_000L);
        return synchronousCommitSeen.get(conversation);
    }

    /** A new guest session on its own thread token, with one conversation opened, fed through {@code writer}. */
    private record Opened(Consumer<ArchiveRecord> connection, CustomerKey guest, UUID session, UUID conversation) {
    }

    private static Opened openConversation(ArchiveWriter writer) {
        String tokenHash = TokenHash.of(Guest.newToken());
        CustomerKey guest = CustomerKey.guest(tokenHash);
        UUID session = SessionTracker.sessionId(DEPLOYMENT, tokenHash, guest);
        UUID conversation = UUID.randomUUID();
        Consumer<ArchiveRecord> connection = writer.submitter(Instant.now());
        connection.accept(new ArchiveRecord.SessionSeen(session, DEPLOYMENT, tokenHash, guest, Instant.now()));
        connection.accept(new ArchiveRecord.ConversationOpened(conversation, session, DEPLOYMENT, guest,
                Instant.now()));
        return new Opened(connection, guest, session, conversation);
    }

    private ArchiveWriter writer(int writers, int batchSize, boolean synchronousCommit) {
        return writer(writers, batchSize, synchronousCommit, config.batchLinger());
    }

    private ArchiveWriter writer(int writers, int batchSize, boolean synchronousCommit, Duration linger) {
        ArchiveConfig lanes = new WriterConfig() {
            @Override
            public int bufferCapacity() {
                return config.bufferCapacity();
            }

            @Override
            public int batchSize() {
                return batchSize;
            }

            @Override
            public int writers() {
                return writers;
            }

            @Override
            public boolean synchronousCommit() {
                return synchronousCommit;
            }

            @Override
            public int tapQueueCapacity() {
                return config.tapQueueCapacity();
            }

            @Override
            public Duration batchLinger() {
                return linger;
            }

            @Override
            public Duration maxRetryBackoff() {
                return config.maxRetryBackoff();
            }

            @Override
            public Duration drainTimeout() {
                return config.drainTimeout();
            }
        };
        registry = new SimpleMeterRegistry();
        ArchiveWriter writer = new ArchiveWriter(lanes, dataSource, new ArchiveMetrics(registry), registry,
                new NewConversationListener() {
                    @Override
                    public void firstInboundText(Connection transaction, UUID conversationId, String genesysMessageId,
                            Instant receivedAt) throws SQLException {
                        try (ResultSet rs = transaction.createStatement()
                                .executeQuery("select current_setting('synchronous_commit')")) {
                            rs.next();
                            synchronousCommitSeen.put(conversationId, rs.getString(1));
                        }
                    }

                    @Override
                    public void committed() {
                    }
                }, (transaction, customerIds) -> java.util.Map.of());
        writer.start(null);
        return writer;
    }

    private static ArchivedMessage message(String direction, String text) {
        String json;
        try {
            json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(java.util.Map.of("text", text));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return new ArchivedMessage(UUID.randomUUID().toString(), direction, "Text", null, text, null, null, null,
                Instant.now(), json);
    }

    private void awaitMessages(List<UUID> conversations, long expected) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
            try (Connection c = dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement(
                         "select count(*) from message where conversation_id = any(?)")) {
                ps.setArray(1, c.createArrayOf("uuid", conversations.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1) >= expected;
                }
            }
        });
    }

    /** Texts by insertion (the id is an identity column, so its order is the order the writer wrote them). */
    private List<String> textsInWriteOrder(UUID conversation) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select text from message where conversation_id = ? order by id")) {
            ps.setObject(1, conversation);
            List<String> texts = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    texts.add(rs.getString(1));
                }
            }
            return texts;
        }
    }

    private UUID ownerOf(UUID conversation) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select customer_id from conversation where id = ?")) {
            ps.setObject(1, conversation);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getObject(1, UUID.class) : null;
            }
        }
    }
}
