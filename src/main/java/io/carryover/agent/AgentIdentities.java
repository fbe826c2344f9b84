package io.carryover.agent;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;

import io.carryover.identity.TokenHash;
import io.carryover.platform.PlatformException;
import io.carryover.platform.PlatformTypes;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * Turns an agent's Genesys token into an identity by asking that region's Platform who it belongs to
 * ({@code users/me}). Genesys's 401 (invalid, expired, another region's) is a failed authentication; an outage is a
 * 503 {@code platform-unavailable}, never a 401 that would send the agent to sign in again.
 */
@ApplicationScoped
class AgentIdentities implements IdentityProvider<AgentTokenRequest> {

    private final GenesysAgents genesys;
    private final AgentConfig config;

    AgentIdentities(GenesysAgents genesys, AgentConfig config) {
        this.genesys = genesys;
        this.config = config;
    }

    @Override
    public Class<AgentTokenRequest> getRequestType() {
        return AgentTokenRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(AgentTokenRequest request, AuthenticationRequestContext context) {
        return context.runBlocking(() -> identity(request));
    }

    @ActivateRequestContext
    SecurityIdentity identity(AgentTokenRequest request) {
        String domain = genesys.domainOf(request.genesysConversationId());
        PlatformTypes.UserMe user;
        try {
            user = genesys.user(domain, TokenHash.of(request.token()), request.token());
        } catch (PlatformException.Rejected e) {
            throw new AuthenticationFailedException("Genesys refused the agent token");
        } catch (PlatformException.NotFound e) {
            throw new AuthenticationFailedException("Genesys knows no user for the agent token");
        } catch (PlatformException e) {
            throw AgentProblems.platformUnavailable(e);
        }
        if (user == null || user.id() == null || user.id().isBlank()) {
            throw new AuthenticationFailedException("Genesys named no user for the agent token");
        }
        boolean supervisor = config.supervisorRole().map(role -> user.roleNames().contains(role)).orElse(false);
        Agent agent = new Agent(user.id(), user.name(), user.organization() == null ? null : user.organization().id(),
                domain, supervisor);
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal("agent:" + user.id()))
                .addRole(Agent.ROLE)
                .addAttribute(Agent.ATTRIBUTE, agent)
                .build();
    }
}
