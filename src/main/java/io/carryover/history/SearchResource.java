package io.carryover.history;

import jakarta.annotation.security.RolesAllowed;
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

/** Search across customers: {@code history.search-all} only; a scoped token sees only its deployments. */
@Path("/api/v1/search")
@Produces(MediaType.APPLICATION_JSON)
@BearerTokenAuthentication
@SecurityRequirement(name = "bearer")
public class SearchResource {

    private final SecurityIdentity identity;
    private final CustomerAccess access;
    private final MessageSearch search;
    private final AuditLog audit;
    private final Validator validator;

    SearchResource(SecurityIdentity identity, CustomerAccess access, MessageSearch search, AuditLog audit,
            Validator validator) {
        this.identity = identity;
        this.access = access;
        this.search = search;
        this.audit = audit;
        this.validator = validator;
    }

    @GET
    @RolesAllowed(Roles.SEARCH_ALL)
    @Operation(summary = "Full-text search over every customer's messages (within the token's deployments)",
            description = "Same query syntax and hits as the per-customer search.")
    public Page<MessageSearch.Hit> searchAll(@QueryParam("q") String q,
            @BeanParam ConversationParams.LimitParam limit, @QueryParam("cursor") String cursor) {
        Caller caller = Caller.of(identity);
        try {
            AuditedCall.validate(validator, limit);
            Page<MessageSearch.Hit> page = search.search(null, access.scope(caller), q, limit.limit(), cursor);
            audit.record(caller, AuditLog.Action.SEARCH_ALL, null, MessageSearch.auditTarget(q, page.items().size()),
                    "ok");
            return page;
        } catch (ApiProblem e) {
            audit.record(caller, AuditLog.Action.SEARCH_ALL, null, MessageSearch.auditTarget(q, null), e.slug());
            throw e;
        } catch (ConstraintViolationException e) {
            audit.record(caller, AuditLog.Action.SEARCH_ALL, null, MessageSearch.auditTarget(q, null),
                    "invalid-request");
            throw e;
        }
    }
}
