package io.carryover.history;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.quarkus.oidc.BearerTokenAuthentication;
import io.quarkus.security.identity.SecurityIdentity;

@Path("/api/v1/customers/{customerId}/search")
@Produces(MediaType.APPLICATION_JSON)
@BearerTokenAuthentication
@SecurityRequirement(name = "bearer")
public class CustomerSearchResource {

    private final SecurityIdentity identity;
    private final CustomerAccess access;
    private final MessageSearch search;
    private final AuditLog audit;
    private final Validator validator;

    CustomerSearchResource(SecurityIdentity identity, CustomerAccess access, MessageSearch search, AuditLog audit,
            Validator validator) {
        this.identity = identity;
        this.access = access;
        this.search = search;
        this.audit = audit;
        this.validator = validator;
    }

    @GET
    @RolesAllowed(Roles.SEARCH)
    @Operation(summary = "Full-text search over one customer's messages, best match first",
            description = "q is web-search syntax (words, \"a phrase\", or, -word); snippets are HTML with <mark>"
                    + " around matches. The audit log keeps the query's length, never its text.")
    public Page<MessageSearch.Hit> search(@PathParam("customerId") UUID customerId, @QueryParam("q") String q,
            @BeanParam ConversationParams.LimitParam limit, @QueryParam("cursor") String cursor) {
        Caller caller = Caller.of(identity);
        try {
            AuditedCall.validate(validator, limit);
            access.customer(caller, customerId);
            Page<MessageSearch.Hit> page = search.search(customerId, access.scope(caller), q, limit.limit(), cursor);
            audit.record(caller, AuditLog.Action.SEARCH, customerId,
                    MessageSearch.auditTarget(q, page.items().size()), "ok");
            return page;
        } catch (ApiProblem e) {
            audit.record(caller, AuditLog.Action.SEARCH, customerId, MessageSearch.auditTarget(q, null), e.slug());
            throw e;
        } catch (ConstraintViolationException e) {
            audit.record(caller, AuditLog.Action.SEARCH, customerId, MessageSearch.auditTarget(q, null),
                    "invalid-request");
            throw e;
        }
    }
}
