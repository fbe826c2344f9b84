package io.carryover.history;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import io.agroal.api.AgroalDataSource;

/**
 * Writes a customer's data-subject export as NDJSON, one row per line, tagged with its {@code kind}, ending with
 * {@code {"kind":"end","counts":{...}}} so a cut stream is detectable.
 *
 * <p>JDBC rather than Panache: every section streams from a server-side cursor (autocommit off, fetch size), so the
 * heap holds one fetch of rows whatever the history's size, and all sections read one repeatable-read snapshot, so
 * the counts and the rows agree even while the archive keeps writing. Each section's SQL names its JSON fields.
 */
@ApplicationScoped
public class Exporter {

    static final String MEDIA_TYPE = "application/x-ndjson";
    /** Shown in {@code pg_stat_activity} while an export holds its snapshot. */
    static final String APPLICATION_NAME = "carryover-export";
    private static final int FETCH_SIZE = 500;
    private static final JsonFactory JSON = new JsonFactory()
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    private record Section(String kind, String sql, boolean scoped, boolean unscopedOnly) {
    }

    /** {@code ?1} is the customer id, {@code ?2} the caller's deployments (null: all). */
    private static final String CONVERSATIONS = "select id from conversation where customer_id = ?1"
            + " and (?2::text[] is null or deployment_id = any(?2::text[]))";

    private static final List<Section> SECTIONS = List.of(
            new Section("customer", """
                    select id as "customerId", issuer, subject, created_at as "createdAt"
                    from customer where id = ?1""", false, false),
            // The token hash is kept as stored: it identifies the thread (a guest's customer key is derived from
            // it) but cannot resume it; the thread token itself is never stored.
            new Section("session", """
                    select id as "sessionId", deployment_id as "deploymentId", token_hash as "tokenHash",
                           current_conversation_id as "currentConversationId", created_at as "createdAt",
                           last_seen_at as "lastSeenAt"
                    from guest_session where customer_id = ?1
                      and (?2::text[] is null or deployment_id = any(?2::text[]))
                    order by created_at, id""", true, false),
            new Section("conversation", """
                    select id as "conversationId", genesys_conversation_id as "genesysConversationId",
                           genesys_participant_id as "genesysParticipantId", deployment_id as "deploymentId",
                           session_id as "sessionId", started_at as "startedAt", ended_at as "endedAt", state
                    from conversation where customer_id = ?1
                      and (?2::text[] is null or deployment_id = any(?2::text[]))
                    order by started_at, id""", true, false),
            new Section("message", """
                    select m.id as "messageId", m.conversation_id as "conversationId",
                           m.genesys_message_id as "genesysMessageId", m.direction, m.message_type as "type",
                           m.event_type as "eventType", m.sender_name as "senderName",
                           m.originating_entity as "originatingEntity", m.channel_time as "channelTime",
                           m.received_at as "receivedAt", m.text, m.original
                    from message m join conversation c on c.id = m.conversation_id
                    where c.customer_id = ?1 and (?2::text[] is null or c.deployment_id = any(?2::text[]))
                    order by c.started_at, c.id, m.channel_time, m.id""", true, false),
            new Section("summary", """
                    select s.conversation_id as "conversationId", s.headline, s.lines, s.attributes,
                           s.created_at as "createdAt"
                    from conversation_summary s where s.conversation_id in (%s)
                    order by s.created_at, s.conversation_id""".formatted(CONVERSATIONS), true, false),
            new Section("enrichment-job", """
                    select j.conversation_id as "conversationId", j.first_message_id as "firstMessageId",
                           j.first_echo_at as "firstEchoAt", j.state, j.outcome, j.attempts,
                           j.next_attempt_at as "nextAttemptAt", j.locked_until as "lockedUntil",
                           j.deadline_at as "deadlineAt", j.created_at as "createdAt",
                           j.completed_at as "completedAt", j.last_error as "lastError",
                           j.patched_hash as "patchedHash"
                    from enrichment_job j where j.conversation_id in (%s)
                    order by j.created_at, j.conversation_id""".formatted(CONVERSATIONS), true, false),
            // Both directions: guest conversations this customer took along, and (for a guest key) where its
            // conversation went. The conversation itself is exported with its current owner only.
            new Section("link", """
                    select l.id as "linkId", l.conversation_id as "conversationId",
                           l.from_customer_id as "fromCustomerId", l.to_customer_id as "toCustomerId",
                           l.from_session_id as "fromSessionId", l.to_session_id as "toSessionId",
                           l.linked_at as "linkedAt"
                    from identity_link l join conversation c on c.id = l.conversation_id
                    where (l.from_customer_id = ?1 or l.to_customer_id = ?1)
                      and (?2::text[] is null or c.deployment_id = any(?2::text[]))
                    order by l.linked_at, l.id""", true, false),
            // Who read, searched or exported this customer's data: the data subject may know the recipients. Not
            // for a caller limited to some deployments (the rows tell of every team's access).
            new Section("audit", """
                    select a.at, a.caller_issuer as "callerIssuer", a.caller_subject as "callerSubject", a.action,
                           a.target, a.result
                    from audit_log a where a.customer_id = ?1
                    order by a.at, a.id""", false, true));

    private final AgroalDataSource dataSource;

    Exporter(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The kinds an export may contain, in order. */
    static List<String> kinds() {
        return SECTIONS.stream().map(Section::kind).toList();
    }

    /**
     * Streams the export to {@code out}; {@code scope} null for every deployment.
     *
     * @return rows written per kind
     */
    public Map<String, Long> write(UUID customerId, Set<String> scope, OutputStream out)
            throws SQLException, IOException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            // 64 KiB per HTTP chunk rather than the server's 8 KiB: a fraction of the hand-offs to the event loop.
            try (JsonGenerator json = JSON.createGenerator(new java.io.BufferedOutputStream(out, 65536))) {
                try (Statement st = connection.createStatement()) {
                    st.execute("set transaction isolation level repeatable read, read only");
                    st.execute("set local application_name = '" + APPLICATION_NAME + "'");
                }
                Array deployments = scope == null ? null : connection.createArrayOf("text", scope.toArray());
                for (Section section : SECTIONS) {
                    if (section.unscopedOnly() && scope != null) {
                        continue;
                    }
                    counts.put(section.kind(), section(connection, json, section, customerId, deployments));
                }
                json.writeStartObject();
                json.writeStringField("kind", "end");
                json.writeObjectFieldStart("counts");
                for (Map.Entry<String, Long> count : counts.entrySet()) {
                    json.writeNumberField(count.getKey(), count.getValue());
                }
                json.writeEndObject();
                json.writeEndObject();
                json.writeRaw('\n');
            } finally {
                endSnapshot(connection);
            }
        }
        return counts;
    }

    /** Read only: nothing to keep. A connection already broken must not hide why the export failed. */
    private static void endSnapshot(Connection connection) {
        try {
            connection.rollback();
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            // the pool discards a broken connection on its own
        }
    }

    private static long section(Connection connection, JsonGenerator json, Section section, UUID customerId,
            Array deployments) throws SQLException, IOException {
        // ?1 / ?2 are written for people; JDBC wants one positional parameter per occurrence.
        String sql = section.sql();
        List<Object> params = new java.util.ArrayList<>();
        StringBuilder jdbc = new StringBuilder();
        for (int i = 0; i < sql.length(); i++) {
            char ch = sql.charAt(i);
            if (ch == '?' && i + 1 < sql.length() && (sql.charAt(i + 1) == '1' || sql.charAt(i + 1) == '2')) {
                params.add(sql.charAt(i + 1) == '1' ? customerId : deployments);
                jdbc.append('?');
                i++;
            } else {
                jdbc.append(ch);
            }
        }
        long rows = 0;
        try (PreparedStatement ps = connection.prepareStatement(jdbc.toString(), ResultSet.TYPE_FORWARD_ONLY,
                ResultSet.CONCUR_READ_ONLY)) {
            ps.setFetchSize(FETCH_SIZE);
            for (int i = 0; i < params.size(); i++) {
                if (params.get(i) == null) {
                    ps.setNull(i + 1, java.sql.Types.ARRAY, "text");
                } else {
                    ps.setObject(i + 1, params.get(i));
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData meta = rs.getMetaData();
                int columns = meta.getColumnCount();
                String[] names = new String[columns + 1];
                String[] types = new String[columns + 1];
                for (int column = 1; column <= columns; column++) {
                    names[column] = meta.getColumnLabel(column);
                    types[column] = meta.getColumnTypeName(column);
                }
                while (rs.next()) {
                    json.writeStartObject();
                    json.writeStringField("kind", section.kind());
                    for (int column = 1; column <= columns; column++) {
                        field(json, names[column], types[column], rs, column);
                    }
                    json.writeEndObject();
                    json.writeRaw('\n');
                    rows++;
                }
            }
        }
        return rows;
    }

    private static void field(JsonGenerator json, String name, String type, ResultSet rs, int column)
            throws SQLException, IOException {
        json.writeFieldName(name);
        switch (type) {
            case "timestamptz", "timestamp" -> {
                Timestamp ts = rs.getTimestamp(column);
                if (ts == null) {
                    json.writeNull();
                } else {
                    json.writeString(ts.toInstant().toString());
                }
            }
            case "int2", "int4", "int8" -> {
                long value = rs.getLong(column);
                if (rs.wasNull()) {
                    json.writeNull();
                } else {
                    json.writeNumber(value);
                }
            }
            // Stored as parsed JSON by PostgreSQL: written as is (the original frame, the summary lines).
            case "jsonb", "json" -> {
                String raw = rs.getString(column);
                if (raw == null) {
                    json.writeNull();
                } else {
                    json.writeRawValue(raw);
                }
            }
            default -> {
                String value = rs.getString(column);
                if (value == null) {
                    json.writeNull();
                } else {
                    json.writeString(value);
                }
            }
        }
    }
}
