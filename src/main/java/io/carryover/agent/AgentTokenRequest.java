package io.carryover.agent;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/**
 * An agent's Genesys access token, to be checked with the Platform of the region of {@code genesysConversationId}
 * (null: the default region). A type of its own, so no other identity provider (OIDC) ever sees it.
 */
final class AgentTokenRequest extends BaseAuthenticationRequest {

    private final String token;
    private final String genesysConversationId;

    AgentTokenRequest(String token, String genesysConversationId) {
        this.token = token;
        this.genesysConversationId = genesysConversationId;
    }

    String token() {
        return token;
    }

    String genesysConversationId() {
        return genesysConversationId;
    }
}
