package io.carryover.history;

import java.util.List;
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

    private boolean inScope(Caller caller, UUID customerId) {
        Set<String> scope = scope(caller);
        return scope == null
                || Conversation.count("customerId = ?1 and deploymentId in ?2", customerId, scope) > 0;
    }
}
