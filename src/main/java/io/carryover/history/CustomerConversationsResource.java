package io.carryover.history;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Validator;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.carryover.history.ConversationReads.ConversationItem;
import io.carryover.history.ConversationReads.SummaryView;
import io.quarkus.oidc.BearerTokenAuthentication;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * A customer's conversations and prior-context summary, for service callers with {@code history.read}. A customer id
 * that is not a UUID, unknown, or out of the caller's scope is 404 {@code not-found}.
 * <p>
 * Rooted at {@code /api/v1/customers} like {@link CustomersResource}, on purpose: RESTEasy Reactive routes a request
 * to the root resources with the longest matching class path only, so a class at {@code /api/v1} would never see
 * {@code /api/v1/customers/...}. Classes with the same class path are merged.
 */
@Path("/api/v1/customers")
@Produces(MediaType.APPLICATION_JSON)
@BearerTokenAuthentication
@SecurityRequirement(name = "bearer")
public class CustomerConversationsResource {

    private final SecurityIdentity identity;
    private final CustomerAccess access;
    private final ConversationReads reads;
    private final AuditLog audit;
    private final Validator validator;

    CustomerConversationsResource(SecurityIdentity identity, CustomerAccess access, ConversationReads reads,
            AuditLog audit, Validator validator) {
        this.identity = identity;
        this.access = access;
        this.reads = reads;
        this.audit = audit;
        this.validator = validator;
    }

    @GET
    @Path("{customerId}/conversations")
    @RolesAllowed(Roles.READ)
    @Operation(summary = "A customer's conversations, newest first (keyset cursor on start time)")
    public Page<ConversationItem> list(@PathParam("customerId") String customerId,
            @BeanParam ConversationParams.ListParams params) throws Exception {
        Caller caller = Caller.of(identity);
        return AuditedCall.run(audit, validator, caller, AuditLog.Action.LIST, call -> {
            call.customerId = CustomerAccess.uuid(customerId).orElse(null);
            call.valid(params);
            return reads.list(access.customer(caller, customerId).id, access.scope(caller), params);
        });
    }

    @GET
    @Path("{customerId}/summary")
    @RolesAllowed(Roles.READ)
    @Operation(summary = "The prior-context summary attached (or that would be attached) for a customer")
    public SummaryView summary(@PathParam("customerId") String customerId) throws Exception {
        Caller caller = Caller.of(identity);
        return AuditedCall.run(audit, validator, caller, AuditLog.Action.SUMMARY, call -> {
            call.customerId = CustomerAccess.uuid(customerId).orElse(null);
            SummaryView view = reads.summary(access.customer(caller, customerId).id, access.scope(caller));
            call.target = view.conversationId() == null ? null : view.conversationId().toString();
            return view;
        });
    }

}
