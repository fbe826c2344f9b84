package io.carryover.history;

import java.util.Optional;
import java.util.Set;

import io.carryover.identity.CustomerKey;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * Who is calling the History API, as the audit log records it: the token's issuer and subject (or client id). A
 * customer caller carries its own {@link CustomerKey}; a service caller may be limited to some deployments.
 */
public record Caller(String issuer, String subject, Optional<CustomerKey> customer, Optional<Set<String>> deployments) {

    static final String ATTRIBUTE = "carryover.caller";

    public static Caller of(SecurityIdentity identity) {
        Caller caller = identity.getAttribute(ATTRIBUTE);
        if (caller == null) {
            throw new IllegalStateException("not a History API identity");
        }
        return caller;
    }

    /** Whether a scoped caller may see something that lives in these deployments. */
    public boolean sees(java.util.Collection<String> deploymentIds) {
        return deployments.isEmpty() || deploymentIds.stream().anyMatch(deployments.get()::contains);
    }
}
