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

import io.carryover.archive.Conversation;
import io.carryover.history.ConversationReads.ConversationDetail;
import io.carryover.history.ConversationReads.ConversationItem;
import io.carryover.history.ConversationReads.SummaryView;
import io.quarkus.oidc.BearerTokenAuthentication;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * Customer self-service: a customer's own token (from an issuer trusted for the relay) reads that customer's
 * conversations and summary. The customer comes from the verified token only; another customer's conversation id is
 * 404, exactly like an id that does not exist. A customer with nothing archived gets an empty list.
 */
@Path("/api/v1/me")
@Produces(MediaType.APPLICATION_JSON)
@BearerTokenAuthentication
@SecurityRequirement(name = "bearer")
@RolesAllowed(Roles.CUSTOMER)
public class MeResource {

    private final SecurityIdentity identity;
    private final CustomerAccess access;
    private final ConversationReads reads;
    private final AuditLog audit;
    private final Validator validator;

    MeResource(SecurityIdentity identity, CustomerAccess access, ConversationReads reads, AuditLog audit,
            Validator validator) {
        this.identity = identity;
        this.access = access;
        this.reads = reads;
        this.audit = audit;
        this.validator = validator;
    }

    @GET
    @Path("conversations")
    @Operation(summary = "My conversations, newest first")
    public Page<ConversationItem> list(@BeanParam ConversationParams.ListParams params) throws Exception {
        Caller caller = Caller.of(identity);
        return AuditedCall.run(audit, validator, caller, AuditLog.Action.LIST, call -> {
            call.customerId = access.self(caller);
            call.valid(params);
            return reads.list(call.customerId, null, params);
        });
    }

    @GET
    @Path("conversations/{conversationId}")
    @Operation(summary = "One of my conversations with a page of its messages")
    public ConversationDetail conversation(@PathParam("conversationId") String conversationId,
            @BeanParam ConversationParams.PageParams params) throws Exception {
        Caller caller = Caller.of(identity);
        return AuditedCall.run(audit, validator, caller, AuditLog.Action.READ, call -> {
            call.customerId = access.self(caller);
            call.target = CustomerAccess.uuid(conversationId).map(Object::toString).orElse(null);
            call.valid(params);
            Conversation conversation = access.conversation(caller, conversationId);
            return reads.detail(conversation, params);
        });
    }

    @GET
    @Path("summary")
    @Operation(summary = "The summary of my prior conversations, as the agent sees it")
    public SummaryView summary() throws Exception {
        Caller caller = Caller.of(identity);
        return AuditedCall.run(audit, validator, caller, AuditLog.Action.SUMMARY, call -> {
            call.customerId = access.self(caller);
            SummaryView view = reads.summary(call.customerId, null);
            call.target = view.conversationId() == null ? null : view.conversationId().toString();
            return view;
        });
    }
}
