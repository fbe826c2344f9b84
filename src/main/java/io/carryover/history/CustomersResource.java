package io.carryover.history;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.persistence.EntityManager;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.carryover.archive.Customer;
import io.carryover.identity.CustomerKey;
import io.quarkus.oidc.BearerTokenAuthentication;
import io.quarkus.security.identity.SecurityIdentity;

@Path("/api/v1/customers")
@Produces(MediaType.APPLICATION_JSON)
@BearerTokenAuthentication
@SecurityRequirement(name = "bearer")
public class CustomersResource {

    /** A customer as the API shows it: an opaque id, when it was seen, and how much Carryover holds. */
    public record CustomerView(UUID customerId, Instant firstSeen, Instant lastSeen, long conversations,
            long messages) {
    }

    private final SecurityIdentity identity;
    private final CustomerAccess access;
    private final AuditLog audit;
    private final EntityManager em;

    CustomersResource(SecurityIdentity identity, CustomerAccess access, AuditLog audit, EntityManager em) {
        this.identity = identity;
        this.access = access;
        this.audit = audit;
        this.em = em;
    }

    @GET
    @RolesAllowed(Roles.READ)
    @Operation(summary = "Find a customer by verified identity (issuer and subject)")
    public CustomerView lookup(@QueryParam("issuer") @NotBlank @Size(max = 2048) String issuer,
            @QueryParam("sub") @NotBlank @Size(max = 2048) String sub) {
        Caller caller = Caller.of(identity);
        UUID customerId = new CustomerKey(issuer, sub).id();
        try {
            CustomerView view = view(caller, access.customer(caller, customerId));
            audit.record(caller, AuditLog.Action.LOOKUP, customerId, null, "ok");
            return view;
        } catch (ApiProblem e) {
            audit.record(caller, AuditLog.Action.LOOKUP, customerId, null, e.slug());
            throw e;
        }
    }

    CustomerView view(Caller caller, Customer customer) {
        Set<String> scope = access.scope(caller);
        String inScope = scope == null ? "" : " and c.deploymentId in :scope";
        var query = em.createQuery("""
                select min(c.startedAt), max(coalesce(c.endedAt, c.startedAt)), count(c)
                from Conversation c where c.customerId = :customer""" + inScope, Object[].class)
                .setParameter("customer", customer.id);
        var messages = em.createQuery("""
                select count(m) from Message m, Conversation c
                where m.conversationId = c.id and c.customerId = :customer""" + inScope, Long.class)
                .setParameter("customer", customer.id);
        if (scope != null) {
            query.setParameter("scope", scope);
            messages.setParameter("scope", scope);
        }
        Object[] row = query.getSingleResult();
        Instant first = row[0] == null ? customer.createdAt : (Instant) row[0];
        Instant last = row[1] == null ? customer.createdAt : (Instant) row[1];
        return new CustomerView(customer.id, first, last, (Long) row[2], messages.getSingleResult());
    }
}
