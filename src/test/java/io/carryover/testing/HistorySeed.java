package io.carryover.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.carryover.identity.CustomerKey;

/**
 * Writes archive rows straight into PostgreSQL, as the archive writer would, for History API tests that need many
 * conversations or exact times. End-to-end tests drive real sockets instead (see {@code EnrichmentTest}).
 */
public final class HistorySeed {

    public static final String DEPLOYMENT = "seed-deployment";

    /** One message to seed: direction Inbound (customer) or Outbound (agent). */
    public record Line(String direction, String text, String sender) {
        public static Line customer(String text) {
            return new Line("Inbound", text, null);
        }

        public static Line agent(String text) {
            return new Line("Outbound", text, "Agent Smith");
        }
    }

    private HistorySeed() {
    }

    /** The customer row for a verified identity (idempotent); returns its id. */
    public static UUID customer(String issuer, String subject) {
        try (Connection c = PostgresTestResource.directConnection()) {
            return customer(c, issuer, subject);
        } catch (SQLException e) {
            throw new AssertionError("seeding the customer failed", e);
        }
    }

    /** {@link #customer(String, String)} in the database of {@code c} (the benchmark seeds its own). */
    public static UUID customer(Connection c, String issuer, String subject) {
        UUID id = new CustomerKey(issuer, subject).id();
        execute(c, "insert into customer (id, issuer, subject, created_at) values (?, ?, ?, now()) on conflict do nothing",
                id, issuer, subject);
        return id;
    }

    /**
     * A closed conversation of {@code customerId} started at {@code startedAt}, one message per second; returns the
     * conversation id. {@code genesysId} may be null (not correlated).
     */
    public static UUID conversation(UUID customerId, String deployment, Instant startedAt, String genesysId,
            List<Line> lines) {
        try (Connection c = PostgresTestResource.directConnection()) {
            return conversation(c, customerId, deployment, startedAt, genesysId, lines);
        } catch (SQLException e) {
            throw new AssertionError("seeding the conversation failed", e);
        }
    }

    /** {@link #conversation(UUID, String, Instant, String, List)} in the database of {@code c}. */
    public static UUID conversation(Connection c, UUID customerId, String deployment, Instant startedAt,
            String genesysId, List<Line> lines) {
        UUID session = sessionOf(customerId, deployment);
        execute(c, """
                insert into guest_session (id, deployment_id, token_hash, customer_id, created_at, last_seen_at)
                values (?, ?, ?, ?, now(), now()) on conflict do nothing""",
                session, deployment, String.format("%064x", Math.abs(session.getMostSignificantBits())), customerId);
        UUID id = UUID.randomUUID();
        execute(c, """
                insert into conversation (id, genesys_conversation_id, deployment_id, customer_id, session_id,
                                          started_at, ended_at, state)
                values (?, ?, ?, ?, ?, ?, ?, 'CLOSED')""",
                id, genesysId, deployment, customerId, session, Timestamp.from(startedAt),
                Timestamp.from(startedAt.plusSeconds(lines.size() + 1L)));
        // One batch for the messages, in order (ids follow channel time).
        try (PreparedStatement ps = c.prepareStatement("""
                insert into message (genesys_message_id, conversation_id, direction, message_type, text,
                                     sender_name, originating_entity, channel_time, received_at, original)
                values (?, ?, ?, 'Text', ?, ?, ?, ?, ?, '{}'::jsonb)""")) {
            int i = 0;
            for (Line line : lines) {
                i++;
                Timestamp at = Timestamp.from(startedAt.plusSeconds(i));
                ps.setString(1, UUID.randomUUID().toString());
                ps.setObject(2, id);
                ps.setString(3, line.direction());
                ps.setString(4, line.text());
                ps.setString(5, line.sender());
                ps.setString(6, "Inbound".equals(line.direction()) ? null : "Human");
                ps.setTimestamp(7, at);
                ps.setTimestamp(8, at);
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new AssertionError("seeding messages failed", e);
        }
        return id;
    }

    /** The guest session (archive thread) {@link #conversation} files a customer's conversations under. */
    public static UUID sessionOf(UUID customerId) {
        return sessionOf(customerId, DEPLOYMENT);
    }

    private static UUID sessionOf(UUID customerId, String deployment) {
        return UUID.nameUUIDFromBytes(("seed-session\n" + deployment + "\n" + customerId).getBytes());
    }

    public static void execute(String sql, Object... params) {
        try (Connection c = PostgresTestResource.directConnection()) {
            execute(c, sql, params);
        } catch (SQLException e) {
            throw new AssertionError("seeding failed: " + sql, e);
        }
    }

    private static void execute(Connection c, String sql, Object... params) {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.execute();
        } catch (SQLException e) {
            throw new AssertionError("seeding failed: " + sql, e);
        }
    }
}
