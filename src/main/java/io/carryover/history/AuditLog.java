package io.carryover.history;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/**
 * Records History API actions, inside the request and before its answer is sent: no answer without its audit row.
 */
@ApplicationScoped
public class AuditLog {

    /** Actions as stored in {@code audit_log.action}. */
    public enum Action {
        LOOKUP, LIST, READ, SUMMARY, SEARCH, SEARCH_ALL, EXPORT, ERASE, AUDIT,
        /** The agent page (Genesys interaction widget), keyed by the Genesys conversation. */
        AGENT_CONTEXT("agent.context"), AGENT_TRANSCRIPT("agent.transcript"), AGENT_SEARCH("agent.search");

        private final String value;

        Action() {
            this.value = name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        Action(String value) {
            this.value = value;
        }

        String value() {
            return value;
        }
    }

    /** In its own transaction: a refused or failed request keeps its audit row. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void record(Caller caller, Action action, UUID customerId, String target, String result) {
        entry(caller, action, customerId, target, result);
    }

    /**
     * In the caller's transaction, for a row that must commit or roll back with the change it records (an erasure's
     * row is also its marker, see {@link AuditErasureMarkers}).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Instant recordWithChange(Caller caller, Action action, UUID customerId, String target, String result) {
        return entry(caller, action, customerId, target, result).at;
    }

    /**
     * For a streamed answer: the row is written before the first byte ({@code result} says it started) and
     * {@link #complete}d when the stream ends, so even a stream cut by a crash leaves its row.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public long begin(Caller caller, Action action, UUID customerId, String target, String result) {
        return entry(caller, action, customerId, target, result).id;
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void complete(long entryId, String result) {
        AuditEntry.update("result = ?1 where id = ?2", result, entryId);
    }

    private static AuditEntry entry(Caller caller, Action action, UUID customerId, String target, String result) {
        AuditEntry entry = new AuditEntry();
        entry.at = Instant.now();
        entry.callerIssuer = storable(caller.issuer());
        entry.callerSubject = storable(caller.subject());
        entry.action = action.value();
        entry.customerId = customerId;
        entry.target = storable(target);
        entry.result = result;
        entry.persist();
        return entry;
    }

    /**
     * PostgreSQL text cannot hold NUL, and a signed token's subject or a path may carry one: without this the row,
     * and with it the request, would fail.
     */
    private static String storable(String text) {
        return text == null ? null : text.replace('\u0000', '\uFFFD');
    }
}
