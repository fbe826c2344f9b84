package io.carryover.history;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.carryover.archive.Conversation;
import io.carryover.archive.Customer;

/**
 * The one place that decides whether a caller may see a customer. A customer caller sees only itself; a service
 * caller limited to some deployments sees only customers with a conversation there, and only those conversations.
 * Anything the caller may not see is "not found", so ids cannot be probed.
 */
@ApplicationScoped
public class CustomerAccess {

    public Customer customer(Caller caller, UUID customerId) {
        if (caller.customer().isPresent() && !caller.customer().get().id().equals(customerId)) {
            throw ApiProblem.notFound("customer");
        }
        Customer customer = Customer.findById(customerId);
        if (customer == null || !inScope(caller, customerId)) {
            throw ApiProblem.notFound("customer");
        }
        return customer;
    }

    /** The deployments a scoped caller is limited to; null for "all". */
    public Set<String> scope(Caller caller) {
        return caller.deployments().orElse(null);
    }

    public boolean sees(Caller caller, Conversation conversation) {
        if (caller.customer().isPresent()) {
            return caller.customer().get().id().equals(conversation.customerId);
        }
        return caller.sees(List.of(conversation.deploymentId));
    }

    /** A customer named in a path: text that is not a UUID names no customer (404, like any unknown id). */
    public Customer customer(Caller caller, String customerId) {
        return customer(caller, uuid(customerId).orElseThrow(() -> ApiProblem.notFound("customer")));
    }

    /** A customer caller's own id; it comes from the verified token, never from the request. */
    public UUID self(Caller caller) {
        return caller.customer().orElseThrow(() -> new IllegalStateException("not a customer caller")).id();
    }

    /** A conversation by Carryover id, if the caller may see it; otherwise (or not a UUID) 404. */
    public Conversation conversation(Caller caller, String conversationId) {
        Conversation conversation = uuid(conversationId).map(id -> (Conversation) Conversation.findById(id))
                .orElse(null);
        if (conversation == null || !sees(caller, conversation)) {
            throw ApiProblem.notFound("conversation");
        }
        return conversation;
    }

    /**
     * A conversation by Genesys id, if the caller may see it. Should one Genesys conversation be archived more than
     * once (a shared device's thread token, see the enrichment {@code conflict} outcome), the newest the caller may
     * see.
     */
    public Conversation conversationByGenesysId(Caller caller, String genesysConversationId) {
        if (genesysConversationId.indexOf('\u0000') >= 0) {
            throw ApiProblem.notFound("conversation"); // no row can hold it (and PostgreSQL refuses the parameter)
        }
        List<Conversation> archived = Conversation.find("genesysConversationId = ?1 order by startedAt desc, id desc",
                genesysConversationId).page(0, 100).list();
        return archived.stream().filter(c -> sees(caller, c)).findFirst()
                .orElseThrow(() -> ApiProblem.notFound("conversation"));
    }

    static Optional<UUID> uuid(String text) {
        // UUID.fromString accepts shapes like "1-1-1-1-1"; only the canonical 36-char form names a row.
        if (text == null || text.length() != 36) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private boolean inScope(Caller caller, UUID customerId) {
        Set<String> scope = scope(caller);
        return scope == null
                || Conversation.count("customerId = ?1 and deploymentId in ?2", customerId, scope) > 0;
    }
}
