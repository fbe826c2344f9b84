package io.carryover.archive;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import io.agroal.api.AgroalDataSource;
import io.carryover.identity.CustomerKey;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * The only writer of the archive: bounded buffers drained by writer threads ("lanes") into PostgreSQL, many records
 * per transaction. A connection's records go to the lane of its session's thread token (deployment and token hash),
 * so everything about one token (its guest and signed-in sessions, their conversations, a sign-in link between them)
 * is written by one lane, in order. While PostgreSQL is unreachable the batch is retried with backoff and new records
 * wait in the buffer; only when the buffer is full are records dropped, and each drop is counted and logged.
 */
@ApplicationScoped
public class ArchiveWriter {

    private static final Logger LOG = Logger.getLogger(ArchiveWriter.class);
    private static final int SESSION_CACHE_SIZE = 100_000;
    private static final long IN_FLIGHT_GRACE_MILLIS = 1000;

    /** @param connectedAt when the record's guest connection opened (an erasure after it drops the record) */
    private record Pending(ArchiveRecord record, Instant connectedAt, long receivedAt) {
    }

    /** The session's current conversation and its owner, so a resumed session needs no lookup. */
    private record Current(UUID conversationId, UUID customerId) {
    }

    private final ArchiveConfig config;
    private final AgroalDataSource dataSource;
    private final ArchiveMetrics metrics;
    private final NewConversationListener listener;
    private final ErasureMarkers erasures;
    private final Lane[] lanes;
    private volatile DoubleSupplier parseLag = () -> 0;

    ArchiveWriter(ArchiveConfig config, AgroalDataSource dataSource, ArchiveMetrics metrics, MeterRegistry registry,
            NewConversationListener listener, ErasureMarkers erasures) {
        this.config = config;
        this.listener = listener;
        this.erasures = erasures;
        this.dataSource = dataSource;
        this.metrics = metrics;
        this.lanes = new Lane[Math.max(1, config.writers())];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = new Lane(i, Math.max(1, config.bufferCapacity() / lanes.length));
        }
        registry.gauge("carryover.archive.buffer.size", this, ArchiveWriter::buffered);
        registry.gauge("carryover.archive.lag.seconds", this, ArchiveWriter::lagSeconds);
    }

    void start(@Observes StartupEvent event) {
        for (Lane lane : lanes) {
            lane.start();
        }
    }

    /**
     * One connection's way in: its records go to the lane of the thread token its latest {@link
     * ArchiveRecord.SessionSeen} named (every other record follows one). Called by one thread at a time per
     * connection; never blocks, as the caller is the tap, which must keep up with the relay.
     */
    Submitter submitter(Instant connectedAt) {
        return new Submitter(connectedAt);
    }

    /** A connection's records, stamped with when the relay received the frame they come from (for the lag). */
    final class Submitter implements Consumer<ArchiveRecord> {

        private final Instant connectedAt;
        private Lane lane = lanes[0];
        private long frameReceivedAt;

        private Submitter(Instant connectedAt) {
            this.connectedAt = connectedAt;
        }

        /**
         * {@link System#nanoTime()} when the relay received the frame whose records follow: the archive lag then
         * counts the time the frame waited to be parsed, not only the time its records waited for PostgreSQL.
         */
        void frameReceivedAt(long nanoTime) {
            frameReceivedAt = nanoTime;
        }

        @Override
        public void accept(ArchiveRecord record) {
            if (record instanceof ArchiveRecord.SessionSeen seen) {
                lane = laneOf(seen.deploymentId(), seen.tokenHash());
            }
            lane.submit(record, connectedAt, frameReceivedAt != 0 ? frameReceivedAt : System.nanoTime());
        }
    }

    /** Those of {@code genesysIds} already in the archive (replays, left out of a batch's COPY). */
    static final String REPLAY_FILTER = "select genesys_message_id from message where genesys_message_id = any(?)";
    /** Locks the batch's customers, in one order for every writer, so an erasure waits for the batch or runs first. */
    static final String LOCK_CUSTOMERS = "select id from customer where id = any(?) order by id for key share";

    /**
     * Opens a batch's transaction. Sequential scans are off in it: every lookup of a batch has an index, and the
     * driver prepares a statement on the server after a few uses, after which PostgreSQL may keep a generic plan made
     * while a table looked empty (a new archive, or statistics not refreshed, as with autovacuum off): a sequential
     * scan of the whole table for every batch (measured: the replay filter, on a growing message table). JIT is off:
     * estimates made on such statistics can start it for a statement of milliseconds (170 ms of compiling, measured).
     */
    static void beginBatch(Connection connection, boolean synchronousCommit) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(synchronousCommit ? "set local enable_seqscan = off; set local jit = off"
                    : "set local enable_seqscan = off; set local jit = off; set local synchronous_commit = off");
        }
    }

    private Lane laneOf(String deploymentId, String tokenHash) {
        return lanes[Math.floorMod(31 * deploymentId.hashCode() + tokenHash.hashCode(), lanes.length)];
    }

    /** The tap's, once it exists: frames the relay received that are not parsed into records yet. */
    void includeInLag(DoubleSupplier parseLag) {
        this.parseLag = parseLag;
    }

    /** Seconds since the relay received the oldest frame whose records are not committed yet. */
    public double lagSeconds() {
        double lag = parseLag.getAsDouble();
        for (Lane lane : lanes) {
            lag = Math.max(lag, lane.lagSeconds());
        }
        return lag;
    }

    public int buffered() {
        int buffered = 0;
        for (Lane lane : lanes) {
            buffered += lane.buffer.size();
        }
        return buffered;
    }

    public boolean databaseUp() {
        for (Lane lane : lanes) {
            if (!lane.databaseUp) {
                return false;
            }
        }
        return true;
    }

    public boolean alive() {
        for (Lane lane : lanes) {
            if (lane.thread == null || !lane.thread.isAlive()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Writes what is buffered until {@code deadline} ({@link System#nanoTime()}) and returns once every writer thread
     * has ended, so nothing is written after the archive's shutdown step. Records still buffered are logged as lost.
     */
    void stop(long deadline) {
        for (Lane lane : lanes) {
            lane.stopDeadline = deadline;
        }
        for (Lane lane : lanes) {
            lane.join(deadline);
        }
        int left = buffered();
        if (left > 0) {
            LOG.errorf("shutdown: %d archive records could not be written", left);
        }
    }

    private static boolean transientFailure(SQLException e) {
        String state = e.getSQLState();
        return e instanceof SQLTransientException || e instanceof SQLRecoverableException || state == null
                || state.startsWith("08") || state.startsWith("53") || state.startsWith("57")
                || conflictBetweenWriters(e);
    }

    /** A deadlock (two writers inserting the same new customers in another order): PostgreSQL aborted this one. */
    private static boolean conflictBetweenWriters(SQLException e) {
        return "40P01".equals(e.getSQLState());
    }

    /** One writer thread, its buffer and what it remembers about its sessions. */
    private final class Lane {

        private final BlockingQueue<Pending> buffer;
        private final String name;
        private final Map<UUID, Current> currentBySession = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UUID, Current> eldest) {
                return size() > SESSION_CACHE_SIZE;
            }
        };
        /** Conversations whose first Inbound text this process already reported (bounded; listeners dedupe too). */
        private final Map<UUID, Boolean> reported = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
                return size() > SESSION_CACHE_SIZE;
            }
        };
        /** Per customer, the latest erasure whose cached current conversations were already forgotten. */
        private final Map<UUID, Instant> erasuresApplied = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UUID, Instant> eldest) {
                return size() > SESSION_CACHE_SIZE;
            }
        };
        /** {@link System#nanoTime()} by which a shutdown drain gives up; {@link Long#MAX_VALUE} while running. */
        private volatile long stopDeadline = Long.MAX_VALUE;
        private volatile long inFlightSince;
        private volatile boolean databaseUp = true;
        private Thread thread;

        Lane(int index, int capacity) {
            this.buffer = new ArrayBlockingQueue<>(capacity);
            this.name = lanes.length == 1 ? "carryover-archive-writer" : "carryover-archive-writer-" + index;
        }

        void start() {
            thread = new Thread(this::run, name);
            thread.setDaemon(true);
            thread.start();
        }

        void submit(ArchiveRecord record, Instant connectedAt, long receivedAt) {
            if (!buffer.offer(new Pending(record, connectedAt, receivedAt))) {
                metrics.droppedAtBuffer();
            }
        }

        double lagSeconds() {
            long since = inFlightSince;
            if (since == 0) {
                Pending head = buffer.peek();
                if (head == null) {
                    return 0;
                }
                since = head.receivedAt();
            }
            return (System.nanoTime() - since) / 1e9;
        }

        void join(long deadline) {
            if (thread == null) {
                return;
            }
            try {
                thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                if (thread.isAlive()) {
                    // Stuck waiting for PostgreSQL (e.g. for a pooled connection): stop waiting.
                    thread.interrupt();
                    thread.join(IN_FLIGHT_GRACE_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private boolean stopping() {
            return stopDeadline != Long.MAX_VALUE;
        }

        private void run() {
            List<Pending> batch = new ArrayList<>(config.batchSize());
            while (true) {
                if (stopping() && (buffer.isEmpty() || System.nanoTime() > stopDeadline)) {
                    return;
                }
                try {
                    Pending first = buffer.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    inFlightSince = first.receivedAt();
                    buffer.drainTo(batch, config.batchSize() - 1);
                    lingerIfSmall(batch);
                    // Frames reach a lane through several tap partitions: the first is not always the oldest.
                    long oldest = Long.MAX_VALUE;
                    for (Pending pending : batch) {
                        oldest = Math.min(oldest, pending.receivedAt());
                    }
                    inFlightSince = oldest;
                    writeUntilStored(batch);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException e) {
                    LOG.error("archive writer: unexpected failure; batch skipped", e);
                    batch.forEach(p -> metrics.droppedAtBuffer());
                } finally {
                    batch.clear();
                    inFlightSince = 0;
                }
            }
        }

        /**
         * A batch that is not full waits {@code batch-linger} for more: a transaction per record or two (a quiet
         * relay's rate) costs a commit, several round trips and a writer wake-up each, on the relay's CPU and the
         * database's. The buffer is not watched meanwhile, so records arriving do not wake the writer one by one.
         */
        private void lingerIfSmall(List<Pending> batch) {
            long linger = config.batchLinger().toNanos();
            if (linger <= 0 || batch.size() >= config.batchSize() || stopping()) {
                return;
            }
            try {
                TimeUnit.NANOSECONDS.sleep(linger);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // stopping: what is in hand is still written
            }
            buffer.drainTo(batch, config.batchSize() - batch.size());
        }

        private void writeUntilStored(List<Pending> batch) throws InterruptedException {
            long backoffMillis = 100;
            while (true) {
                try {
                    long started = System.nanoTime();
                    write(batch);
                    metrics.batchWrite.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                    metrics.batchRecords.record(batch.size());
                    if (!databaseUp) {
                        LOG.info("archive: PostgreSQL reachable again, writing buffered records");
                        databaseUp = true;
                    }
                    return;
                } catch (SQLException e) {
                    metrics.writeFailures.increment();
                    if (!transientFailure(e)) {
                        writeOneByOne(batch);
                        return;
                    }
                    if (conflictBetweenWriters(e)) {
                        continue; // the other writer's transaction went through: this one now will
                    }
                    if (databaseUp) {
                        LOG.warnf("archive: PostgreSQL unreachable (%s); buffering, relay unaffected", e.getSQLState());
                        databaseUp = false;
                    }
                    long untilDeadline = (stopDeadline - System.nanoTime()) / 1_000_000;
                    if (untilDeadline <= 0) {
                        LOG.errorf("shutdown: %d archive records could not be written", batch.size());
                        return;
                    }
                    Thread.sleep(Math.min(backoffMillis, untilDeadline));
                    backoffMillis = Math.min(backoffMillis * 2, config.maxRetryBackoff().toMillis());
                }
            }
        }

        /** A batch that PostgreSQL rejects (not a connection problem): isolate the bad record, keep the rest. */
        private void writeOneByOne(List<Pending> batch) {
            for (Pending pending : batch) {
                try {
                    write(List.of(pending));
                } catch (SQLException e) {
                    LOG.errorf("archive: record rejected by PostgreSQL (SQLState %s, %s); dropped", e.getSQLState(),
                            pending.record().getClass().getSimpleName());
                    metrics.rejectedByDatabase();
                }
            }
        }

        // ---- one transaction

        private void write(List<Pending> batch) throws SQLException {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try {
                    beginBatch(connection, config.synchronousCommit());
                    Transaction tx = new Transaction(connection);
                    Map<UUID, Instant> erased = lockCustomers(connection, batch);
                    int droppedAsErased = 0;
                    for (Pending pending : batch) {
                        if (erasedAfterConnecting(pending, erased)) {
                            droppedAsErased++;
                        } else {
                            tx.apply(pending.record());
                        }
                    }
                    tx.flushMessages();
                    connection.commit();
                    metrics.droppedAsErased(droppedAsErased);
                    currentBySession.putAll(tx.currentChanges);
                    if (!tx.newlyReported.isEmpty()) {
                        tx.newlyReported.forEach(id -> reported.put(id, Boolean.TRUE));
                        listener.committed();
                    }
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    throw e;
                }
            }
        }

        /**
         * Takes a key-share lock on every existing customer the batch names, in id order, before touching any other row.
         * An erasure locks its customer row first ({@code for update}), so the two wait for each other at that row, never
         * in a cycle: the erasure deletes what this transaction wrote, or this transaction sees the erasure's marker.
         * Forgets cached current conversations of customers erased since this writer last looked.
         *
         * @return the latest erasure of each customer of the batch that has one
         */
        private Map<UUID, Instant> lockCustomers(Connection connection, List<Pending> batch) throws SQLException {
            Set<UUID> customers = new java.util.TreeSet<>();
            for (Pending pending : batch) {
                customersOf(pending.record(), customers);
            }
            try (PreparedStatement ps = connection.prepareStatement(LOCK_CUSTOMERS)) {
                ps.setArray(1, connection.createArrayOf("uuid", customers.toArray()));
                ps.executeQuery().close();
            }
            Map<UUID, Instant> erased = erasures.latestErasures(connection, customers);
            erased.forEach((customerId, at) -> {
                Instant applied = erasuresApplied.get(customerId);
                if (applied == null || applied.isBefore(at)) {
                    // Its conversations are gone: a session must not continue one of them.
                    currentBySession.values().removeIf(current -> current.customerId().equals(customerId));
                    erasuresApplied.put(customerId, at);
                }
            });
            return erased;
        }

        private static boolean erasedAfterConnecting(Pending pending, Map<UUID, Instant> erased) {
            if (erased.isEmpty()) {
                return false;
            }
            Set<UUID> customers = new HashSet<>(2);
            customersOf(pending.record(), customers);
            for (UUID customerId : customers) {
                Instant at = erased.get(customerId);
                if (at != null && pending.connectedAt().isBefore(at)) {
                    return true;
                }
            }
            return false;
        }

        private static void customersOf(ArchiveRecord record, Set<UUID> out) {
            if (record instanceof ArchiveRecord.SessionSeen s) {
                out.add(s.customer().id());
            } else if (record instanceof ArchiveRecord.GuestLinked l) {
                out.add(l.guest().id());
                out.add(l.customer().id());
            } else if (record instanceof ArchiveRecord.ConversationOpened o) {
                out.add(o.customer().id());
            } else if (record instanceof ArchiveRecord.MessageSeen m) {
                out.add(m.customer().id());
            } else if (record instanceof ArchiveRecord.ConversationEnded e) {
                out.add(e.customer().id());
            }
        }

        private final class Transaction {
            private final Connection connection;
            private final Map<UUID, Current> currentChanges = new HashMap<>();
            private final Set<UUID> newlyReported = new HashSet<>();
            private final MessageColumns messages = new MessageColumns();

            Transaction(Connection connection) {
                this.connection = connection;
            }

            void apply(ArchiveRecord record) throws SQLException {
                if (record instanceof ArchiveRecord.SessionSeen s) {
                    sessionSeen(s);
                } else if (record instanceof ArchiveRecord.GuestLinked l) {
                    guestLinked(l);
                } else if (record instanceof ArchiveRecord.ConversationOpened o) {
                    openConversation(o.conversationId(), o.sessionId(), o.deploymentId(), o.customer(), o.startedAt());
                } else if (record instanceof ArchiveRecord.MessageSeen m) {
                    messageSeen(m);
                } else if (record instanceof ArchiveRecord.ConversationEnded e) {
                    conversationEnded(e);
                }
            }

            private void sessionSeen(ArchiveRecord.SessionSeen s) throws SQLException {
                ensureCustomer(s.customer(), s.at());
                update("""
                        insert into guest_session (id, deployment_id, token_hash, customer_id, created_at, last_seen_at)
                        values (?, ?, ?, ?, ?, ?)
                        on conflict (id) do update set last_seen_at = excluded.last_seen_at""",
                        s.sessionId(), s.deploymentId(), s.tokenHash(), s.customer().id(), ts(s.at()), ts(s.at()));
            }

            /** Moves the guest thread's active conversation (the one Genesys continues) and records the link. */
            private void guestLinked(ArchiveRecord.GuestLinked l) throws SQLException {
                UUID moved = null;
                try (PreparedStatement ps = connection.prepareStatement("""
                        update conversation c set customer_id = ?, session_id = ?
                        from guest_session s
                        where s.id = ? and c.id = s.current_conversation_id and c.customer_id = ? and c.state = 'ACTIVE'
                        returning c.id""")) {
                    ps.setObject(1, l.customer().id());
                    ps.setObject(2, l.sessionId());
                    ps.setObject(3, l.guestSessionId());
                    ps.setObject(4, l.guest().id());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            moved = rs.getObject(1, UUID.class);
                        }
                    }
                }
                if (moved == null) {
                    return;
                }
                update("update guest_session set current_conversation_id = null where id = ?", l.guestSessionId());
                currentChanges.put(l.guestSessionId(), new Current(null, l.guest().id()));
                makeCurrent(l.sessionId(), moved, l.customer(), l.at());
                update("""
                        insert into identity_link (conversation_id, from_customer_id, to_customer_id, from_session_id,
                                                   to_session_id, linked_at)
                        values (?, ?, ?, ?, ?, ?)""",
                        moved, l.guest().id(), l.customer().id(), l.guestSessionId(), l.sessionId(), ts(l.at()));
            }

            private void openConversation(UUID conversationId, UUID sessionId, String deploymentId, CustomerKey customer,
                    Instant startedAt) throws SQLException {
                ensureCustomer(customer, startedAt);
                update("""
                        insert into conversation (id, deployment_id, customer_id, session_id, started_at, state)
                        values (?, ?, ?, ?, ?, 'ACTIVE')""",
                        conversationId, deploymentId, customer.id(), sessionId, ts(startedAt));
                makeCurrent(sessionId, conversationId, customer, startedAt);
            }

            /** A session has one current conversation: another becoming current ends the previous. */
            private void makeCurrent(UUID sessionId, UUID conversationId, CustomerKey customer, Instant at)
                    throws SQLException {
                update("""
                        update conversation set state = 'CLOSED', ended_at = ?
                        where session_id = ? and state = 'ACTIVE' and id <> ?""", ts(at), sessionId, conversationId);
                update("update guest_session set current_conversation_id = ? where id = ?", conversationId, sessionId);
                currentChanges.put(sessionId, new Current(conversationId, customer.id()));
            }

            private void messageSeen(ArchiveRecord.MessageSeen m) throws SQLException {
                UUID conversationId = m.conversationId() != null ? m.conversationId() : current(m.sessionId(), m.customer());
                if (conversationId == null) {
                    if (!m.opensConversation()) {
                        return; // a session notice with no conversation to belong to
                    }
                    // Carryover joined mid-conversation (e.g. after a deploy): start archiving from here.
                    conversationId = UUID.randomUUID();
                    Instant at = m.message().channelTime() != null ? m.message().channelTime() : m.message().receivedAt();
                    openConversation(conversationId, m.sessionId(), m.deploymentId(), m.customer(), at);
                }
                messages.add(conversationId, m.message());
                reportFirstInboundText(conversationId, m.message());
            }

            /** The first Inbound text of a conversation carries the Genesys message id that leads to its conversation. */
            private void reportFirstInboundText(UUID conversationId, ArchivedMessage message) throws SQLException {
                if (message.genesysMessageId() == null || !"Inbound".equals(message.direction())
                        || !"Text".equals(message.messageType()) || reported.containsKey(conversationId)
                        || !newlyReported.add(conversationId)) {
                    return;
                }
                listener.firstInboundText(connection, conversationId, message.genesysMessageId(), message.receivedAt());
            }

            private void conversationEnded(ArchiveRecord.ConversationEnded e) throws SQLException {
                UUID conversationId = e.conversationId() != null ? e.conversationId() : current(e.sessionId(), e.customer());
                if (conversationId == null) {
                    return;
                }
                update("update conversation set state = ?, ended_at = ? where id = ? and state = 'ACTIVE'",
                        e.state().name(), ts(e.at()), conversationId);
            }

            private UUID current(UUID sessionId, CustomerKey customer) throws SQLException {
                UUID customerId = customer.id();
                Current current = currentChanges.get(sessionId);
                if (current == null) {
                    current = currentBySession.get(sessionId);
                }
                if (current != null && current.customerId().equals(customerId)) {
                    return current.conversationId();
                }
                try (PreparedStatement ps = connection.prepareStatement("""
                        select c.id from guest_session s join conversation c on c.id = s.current_conversation_id
                        where s.id = ? and c.customer_id = ?""")) {
                    ps.setObject(1, sessionId);
                    ps.setObject(2, customerId);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            UUID found = rs.getObject(1, UUID.class);
                            currentChanges.put(sessionId, new Current(found, customerId));
                            return found;
                        }
                    }
                }
                return null;
            }

            private void ensureCustomer(CustomerKey customer, Instant at) throws SQLException {
                update("insert into customer (id, issuer, subject, created_at) values (?, ?, ?, ?) on conflict do nothing",
                        customer.id(), customer.issuer(), customer.subject(), ts(at));
            }

            /**
             * All messages of the batch in one COPY (measured: about a fifth less PostgreSQL CPU than an insert from
             * unnest arrays). COPY cannot skip a conflict, so replays (a Genesys id already stored, or twice in the
             * batch) are left out first; one committed by another writer in the meantime fails the COPY, and the batch
             * is then written record by record, where it is left out.
             */
            void flushMessages() throws SQLException {
                if (messages.size() == 0) {
                    return;
                }
                Set<String> stored = new HashSet<>();
                try (PreparedStatement ps = connection.prepareStatement(REPLAY_FILTER)) {
                    ps.setArray(1, connection.createArrayOf("text", messages.genesysIds()));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            stored.add(rs.getString(1));
                        }
                    }
                }
                // The rows' bytes go out as they are: the driver's Reader and stream overloads allocate a 64 KiB
                // buffer per call, which for the small batches of a quiet relay was most of its allocation.
                byte[] rows = messages.copyText(stored).getBytes(StandardCharsets.UTF_8);
                CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn("""
                        copy message (genesys_message_id, conversation_id, direction, message_type, event_type,
                                      text, sender_name, originating_entity, channel_time, received_at, original)
                        from stdin""");
                long inserted;
                try {
                    copy.writeToCopy(rows, 0, rows.length);
                    inserted = copy.endCopy();
                } finally {
                    if (copy.isActive()) {
                        copy.cancelCopy();
                    }
                }
                metrics.written.increment(inserted);
                metrics.duplicates.increment(messages.size() - inserted);
            }

            private void update(String sql, Object... params) throws SQLException {
                try (PreparedStatement ps = connection.prepareStatement(sql)) {
                    for (int i = 0; i < params.length; i++) {
                        ps.setObject(i + 1, params[i]);
                    }
                    ps.executeUpdate();
                }
            }
        }
    }

    /** The batch's messages as text columns, for COPY. */
    private static final class MessageColumns {
        private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
                new com.fasterxml.jackson.databind.ObjectMapper();
        private final List<String[]> rows = new ArrayList<>();

        void add(UUID conversationId, ArchivedMessage m) {
            rows.add(new String[] { m.genesysMessageId(), conversationId.toString(),
                    m.direction() == null ? "Unknown" : m.direction(),
                    m.messageType() == null ? "Unknown" : m.messageType(), m.eventType(), storable(m.text()),
                    storable(m.senderName()), storable(m.originatingEntity()),
                    m.channelTime() == null ? null : m.channelTime().toString(), m.receivedAt().toString(),
                    storableJson(m.original()) });
        }

        /** PostgreSQL's text cannot hold U+0000, which a guest can send: stored as U+FFFD instead of lost. */
        private static String storable(String text) {
            return text == null || text.indexOf('\u0000') < 0 ? text : text.replace('\u0000', '\uFFFD');
        }

        /** Nor can jsonb hold a NUL escape: the parsed document, with NUL in its strings replaced, as above. */
        private static String storableJson(String original) {
            if (!original.contains("\\u0000")) {
                return original;
            }
            try {
                return JSON.writeValueAsString(withoutNul(JSON.readTree(original)));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                return original; // not JSON after all: PostgreSQL decides, and a rejection is counted
            }
        }

        private static com.fasterxml.jackson.databind.JsonNode withoutNul(com.fasterxml.jackson.databind.JsonNode node) {
            if (node.isTextual()) {
                return com.fasterxml.jackson.databind.node.TextNode.valueOf(storable(node.textValue()));
            }
            if (node.isObject()) {
                var copy = JSON.createObjectNode();
                node.fields().forEachRemaining(e -> copy.set(storable(e.getKey()), withoutNul(e.getValue())));
                return copy;
            }
            if (node.isArray()) {
                var copy = JSON.createArrayNode();
                node.forEach(element -> copy.add(withoutNul(element)));
                return copy;
            }
            return node;
        }

        int size() {
            return rows.size();
        }

        String[] genesysIds() {
            return rows.stream().map(row -> row[0]).filter(id -> id != null).toArray(String[]::new);
        }

        /** COPY's text format, without the rows whose Genesys id is stored already or came earlier in the batch. */
        String copyText(Set<String> stored) {
            Set<String> seen = new HashSet<>(stored);
            StringBuilder text = new StringBuilder(rows.size() * 512);
            for (String[] row : rows) {
                if (row[0] != null && !seen.add(row[0])) {
                    continue;
                }
                for (int column = 0; column < row.length; column++) {
                    if (column > 0) {
                        text.append('\t');
                    }
                    appendCopyValue(text, row[column]);
                }
                text.append('\n');
            }
            return text.toString();
        }

        private static void appendCopyValue(StringBuilder text, String value) {
            if (value == null) {
                text.append("\\N");
                return;
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                switch (c) {
                    case '\\' -> text.append("\\\\");
                    case '\n' -> text.append("\\n");
                    case '\r' -> text.append("\\r");
                    case '\t' -> text.append("\\t");
                    default -> text.append(c);
                }
            }
        }
    }

    private static Timestamp ts(Instant instant) {
        return Timestamp.from(instant);
    }
}
