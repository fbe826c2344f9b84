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
import io.quarkus.oidc.BearerTokenAuthentication;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * One conversation with a page of its messages, by Carryover or Genesys id, for service callers with
 * {@code history.read}. Ids that are not UUIDs, unknown ids and ids out of the caller's scope are all 404
 * {@code not-found}.
 */
@Path("/api/v1/conversations")
@Produces(MediaType.APPLICATION_JSON)
@BearerTokenAuthentication
@SecurityRequirement(name = "bearer")
public class ConversationsResource {

    private final SecurityIdentity identity;
    private final CustomerAccess access;
    private final ConversationReads reads;
    private final AuditLog audit;
    private final Validator validator;

    ConversationsResource(SecurityIdentity identity, CustomerAccess access, ConversationReads reads, AuditLog audit,
            Validator validator) {
        this.identity = identity;
        this.access = access;
        this.reads = reads;
        this.audit = audit;
        this.validator = validator;
    }

    @GET
    @Path("{conversationId}")
    @RolesAllowed(Roles.READ)
    @Operation(summary = "One conversation with a page of its messages in channel time order")
    public ConversationDetail conversation(@PathParam("conversationId") String conversationId,
            @BeanParam ConversationParams.PageParams params) throws Exception {
        Caller caller = Caller.of(identity);
        return AuditedCall.run(audit, validator, caller, AuditLog.Action.READ, call -> {
            call.target = CustomerAccess.uuid(conversationId).map(Object::toString).orElse(null);
            call.valid(params);
            return detail(call, access.conversation(caller, conversationId), params);
        });
    }

    @GET
    @Path("by-genesys-id/{genesysConversationId}")
    @RolesAllowed(Roles.READ)
    @Operation(summary = "One conversation, found by its Genesys conversation id")
    public ConversationDetail byGenesysId(@PathParam("genesysConversationId") String genesysConversationId,
            @BeanParam ConversationParams.PageParams params) throws Exception {
        Caller caller = Caller.of(identity);
        return AuditedCall.run(audit, validator, caller, AuditLog.Action.READ, call -> {
            call.target = "genesys:" + bounded(genesysConversationId);
            call.valid(params);
            return detail(call, access.conversationByGenesysId(caller, genesysConversationId), params);
        });
    }

    private ConversationDetail detail(AuditedCall call, Conversation conversation,
            ConversationParams.PageParams params) {
        call.customerId = conversation.customerId;
        call.target = conversation.id.toString();
        return reads.detail(conversation, params);
    }

    /** Caller-supplied text kept in the audit log: bounded, so a request cannot grow it at will. */
    private static String bounded(String text) {
        return text.length() <= 100 ? text : text.substring(0, 100) + "…";
    }
}
