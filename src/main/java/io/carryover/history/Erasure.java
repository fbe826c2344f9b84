package io.carryover.history;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.carryover.archive.Customer;

/**
 * Erases a customer: every row of every table that holds the customer's data, in one transaction, leaving only the
 * audit log (whose erase row is also the marker that keeps data in flight from bringing the customer back, see
 * {@link AuditErasureMarkers}).
 *
 * <p>Native SQL on purpose: the lock order must be exactly customer, then its guest sessions, then its
 * conversations (each {@code for update}, by id), because the archive writer takes its customers' rows first
 * ({@code for key share}); the two meet at the customer row and can never wait on each other in a cycle. The deletes
 * are explicit, child tables first, so the receipt counts every table even where a cascade would do.
 */
@ApplicationScoped
public class Erasure {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** What an erased customer's own audit rows name as the caller, instead of its subject. */
    static final String ERASED_CALLER = "(erased customer)";

    /** What an erasure deleted, per table, and the Genesys conversations that keep Carryover's attributes. */
    public record Receipt(UUID customerId, Instant erasedAt, Map<String, Long> deleted,
            List<String> genesysConversationsWithAttributes, boolean alreadyErased) {
    }

    /** Tables in the order they are emptied (children first). */
    static final List<String> TABLES = List.of("identity_link", "message", "enrichment_job", "conversation_summary",
            "conversation", "guest_session", "customer");

    private final EntityManager em;
    private final CustomerAccess access;
    private final AuditLog audit;

    Erasure(EntityManager em, CustomerAccess access, AuditLog audit) {
        this.em = em;
        this.access = access;
        this.audit = audit;
    }

    @Transactional
    public Receipt erase(Caller caller, UUID customerId) {
        if (em.createNativeQuery("select id from customer where id = :id for update")
                .setParameter("id", customerId).getResultList().isEmpty()) {
            return alreadyErased(caller, customerId);
        }
        Customer customer = access.customer(caller, customerId);
        Set<String> scope = access.scope(caller);
        if (scope != null && ((Number) em.createNativeQuery("""
                select count(*) from conversation where customer_id = :id and not (deployment_id = any(:scope))""")
                .setParameter("id", customerId).setParameter("scope", scope.toArray(String[]::new))
                .getSingleResult()).longValue() > 0) {
            throw new ApiProblem(409, "erase-out-of-scope", "Customer has data outside the token's deployments",
                    "the customer also has conversations in deployments this token may not see; a token without a"
                            + " deployment limit must erase them");
        }
        em.createNativeQuery("select id from guest_session where customer_id = :id order by id for update")
                .setParameter("id", customerId).getResultList();
        em.createNativeQuery("select id from conversation where customer_id = :id order by id for update")
                .setParameter("id", customerId).getResultList();
        @SuppressWarnings("unchecked")
        List<String> patched = em.createNativeQuery("""
                select distinct c.genesys_conversation_id from conversation c
                where c.customer_id = :id and c.genesys_conversation_id is not null
                  and (exists (select 1 from conversation_summary s where s.conversation_id = c.id)
                       or exists (select 1 from enrichment_job j where j.conversation_id = c.id
                                                                   and j.patched_hash is not null))
                order by 1""").setParameter("id", customerId).getResultList();
        String ofConversations = "conversation_id in (select id from conversation where customer_id = :id)";
        Map<String, Long> deleted = new LinkedHashMap<>();
        deleted.put("identity_link", delete("""
                delete from identity_link where from_customer_id = :id or to_customer_id = :id or """
                + " " + ofConversations, customerId));
        deleted.put("message", delete("delete from message where " + ofConversations, customerId));
        // Pending jobs go with their conversation: cancelled. A worker holding one finds its lease gone.
        deleted.put("enrichment_job", delete("delete from enrichment_job where " + ofConversations, customerId));
        deleted.put("conversation_summary", delete("delete from conversation_summary where " + ofConversations,
                customerId));
        deleted.put("conversation", delete("delete from conversation where customer_id = :id", customerId));
        deleted.put("guest_session", delete("delete from guest_session where customer_id = :id", customerId));
        deleted.put("customer", delete("delete from customer where id = :id", customerId));
        // The customer's own self-service calls named its subject as the caller: the rows stay (who read what,
        // when), the subject goes.
        em.createNativeQuery("""
                update audit_log set caller_subject = :erased
                where customer_id = :id and caller_issuer = :issuer and caller_subject = :subject""")
                .setParameter("erased", ERASED_CALLER).setParameter("id", customerId)
                .setParameter("issuer", customer.issuer).setParameter("subject", customer.subject).executeUpdate();
        Instant at = audit.recordWithChange(caller, AuditLog.Action.ERASE, customerId, null, "ok " + json(deleted));
        return new Receipt(customerId, at, deleted, patched, false);
    }

    /**
     * No customer row: erased before (200, zero counts) if the audit log says so, else unknown (404). A caller limited
     * to some deployments learns of an earlier erasure only if it made it (so a retry after a lost answer is safe,
     * while ids outside its scope stay unprobeable).
     */
    private Receipt alreadyErased(Caller caller, UUID customerId) {
        String byCaller = access.scope(caller) == null ? "" : " and caller_issuer = :issuer and caller_subject = :subject";
        var query = em.createNativeQuery("""
                select count(*) from audit_log where action = 'erase' and result like 'ok%' and customer_id = :id"""
                + byCaller).setParameter("id", customerId);
        if (!byCaller.isEmpty()) {
            query.setParameter("issuer", caller.issuer()).setParameter("subject", caller.subject());
        }
        if (((Number) query.getSingleResult()).longValue() == 0) {
            throw ApiProblem.notFound("customer");
        }
        Map<String, Long> deleted = new LinkedHashMap<>();
        TABLES.forEach(table -> deleted.put(table, 0L));
        Instant at = audit.recordWithChange(caller, AuditLog.Action.ERASE, customerId, null, "ok already-erased");
        return new Receipt(customerId, at, deleted, List.of(), true);
    }

    private long delete(String sql, UUID customerId) {
        return em.createNativeQuery(sql).setParameter("id", customerId).executeUpdate();
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
