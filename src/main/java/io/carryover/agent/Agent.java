package io.carryover.agent;

import io.carryover.history.Caller;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * A Genesys user signed in on the agent page, as {@code GET /api/v2/users/me} of {@code domain} described them.
 * {@code supervisor}: holds the configured supervisor role.
 */
public record Agent(String id, String name, String orgId, String domain, boolean supervisor) {

    static final String ATTRIBUTE = "carryover.agent";
    /** The one role an agent identity has; nothing else grants it. */
    static final String ROLE = "genesys-agent";

    static Agent of(SecurityIdentity identity) {
        Agent agent = identity.getAttribute(ATTRIBUTE);
        if (agent == null) {
            throw new IllegalStateException("not an agent identity");
        }
        return agent;
    }

    /** As the audit log records the agent: {@code agent:<genesys user id>} of the region's Genesys. */
    Caller caller() {
        return new Caller("genesys:" + domain, "agent:" + id, java.util.Optional.empty(), java.util.Optional.empty());
    }
}
