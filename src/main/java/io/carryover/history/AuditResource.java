package io.carryover.history;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.quarkus.oidc.BearerTokenAuthentication;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * The audit log, newest first. Rows of erased customers stay readable by id (they hold no customer data). A scoped
 * token reads only rows about customers it can see (a conversation in its deployments); rows without a customer
 * (searches across customers) are for unscoped tokens only.
 */
@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
@BearerTokenAuthentication
@SecurityRequirement(name = "bearer")
public class AuditResource {

    /** An audit row as the API shows it. */
    public record AuditItem(Instant at, String callerIssuer, String callerSubject, String action, UUID customerId,
            String target, String result) {
    }

    private final SecurityIdentity identity;
    private final CustomerAccess access;
    private final AuditLog audit;
    private final EntityManager em;
    private final Validator validator;

    AuditResource(SecurityIdentity identity, CustomerAccess access, AuditLog audit, EntityManager em,
            Validator validator) {
        this.identity = identity;
        this.access = access;
        this.audit = audit;
        this.em = em;
        this.validator = validator;
    }

    @GET
    @RolesAllowed(Roles.AUDIT)
    @Operation(summary = "Read the audit log, newest first",
            description = "customerId: one customer's rows; from (inclusive) and to (exclusive): ISO-8601 date-times"
                    + " with an offset, e.g. 2026-11-29T13:00:00Z.")
    public Page<AuditItem> list(@QueryParam("customerId") String customerId, @QueryParam("from") String from,
            @QueryParam("to") String to, @BeanParam ConversationParams.LimitParam limit,
            @QueryParam("cursor") String cursor) {
        Caller caller = Caller.of(identity);
        UUID customer = null;
        try {
            AuditedCall.validate(validator, limit);
            customer = customerId == null || customerId.isEmpty() ? null : uuid(customerId);
            Page<AuditItem> page = page(caller, customer, time("from", from), time("to", to), limit.limit(), cursor);
            audit.record(caller, AuditLog.Action.AUDIT, customer, "items=" + page.items().size(), "ok");
            return page;
        } catch (ApiProblem e) {
            audit.record(caller, AuditLog.Action.AUDIT, customer, null, e.slug());
            throw e;
        } catch (ConstraintViolationException e) {
            audit.record(caller, AuditLog.Action.AUDIT, customer, null, "invalid-request");
            throw e;
        }
    }

    private Page<AuditItem> page(Caller caller, UUID customer, Instant from, Instant to, int limit, String cursor) {
        if (from != null && to != null && !from.isBefore(to)) {
            throw ApiProblem.badRequest("invalid-request", "from must be before to");
        }
        // A cursor continues the same filters only.
        String list = "audit:" + customer + ":" + from + ":" + to;
        List<String> after = Cursor.decode(list, cursor);
        Instant afterAt = null;
        long afterId = 0;
        if (after != null) {
            try {
                if (after.size() != 2) {
                    throw new IllegalArgumentException("key size");
                }
                afterAt = IsoInstant.Validator.storable(Instant.parse(after.get(0)));
                afterId = Long.parseLong(after.get(1));
            } catch (RuntimeException e) {
                throw ApiProblem.badRequest("invalid-cursor", "cursor is not one this list returned");
            }
        }
        Set<String> scope = access.scope(caller);
        if (scope != null && scope.isEmpty()) {
            return new Page<>(List.of(), null);
        }
        StringBuilder hql = new StringBuilder("from AuditEntry a where 1 = 1");
        if (customer != null) {
            hql.append(" and a.customerId = :customer");
        }
        if (from != null) {
            hql.append(" and a.at >= :from");
        }
        if (to != null) {
            hql.append(" and a.at < :to");
        }
        if (scope != null) {
            hql.append(" and a.customerId in (select c.customerId from Conversation c where c.deploymentId in :scope)");
        }
        if (afterAt != null) {
            hql.append(" and (a.at < :afterAt or (a.at = :afterAt and a.id < :afterId))");
        }
        hql.append(" order by a.at desc, a.id desc");
        TypedQuery<AuditEntry> query = em.createQuery(hql.toString(), AuditEntry.class).setMaxResults(limit + 1);
        if (customer != null) {
            query.setParameter("customer", customer);
        }
        if (from != null) {
            query.setParameter("from", from);
        }
        if (to != null) {
            query.setParameter("to", to);
        }
        if (scope != null) {
            query.setParameter("scope", scope);
        }
        if (afterAt != null) {
            query.setParameter("afterAt", afterAt).setParameter("afterId", afterId);
        }
        List<AuditEntry> rows = query.getResultList();
        List<AuditItem> items = new ArrayList<>();
        for (AuditEntry row : rows.subList(0, Math.min(limit, rows.size()))) {
            items.add(new AuditItem(row.at, row.callerIssuer, row.callerSubject, row.action, row.customerId,
                    row.target, row.result));
        }
        String next = null;
        if (rows.size() > limit) {
            AuditEntry last = rows.get(limit - 1);
            next = Cursor.encode(list, List.of(last.at.toString(), last.id.toString()));
        }
        return new Page<>(items, next);
    }

    private static UUID uuid(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("invalid-request", "customerId is not a customer id");
        }
    }

    private static Instant time(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return IsoInstant.Validator.storable(IsoInstant.Validator.parse(value));
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw ApiProblem.badRequest("invalid-request",
                    name + " is not an ISO-8601 date-time with an offset (e.g. 2026-11-29T13:00:00Z)");
        }
    }
}
