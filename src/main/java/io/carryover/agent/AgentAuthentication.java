package io.carryover.agent;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * The agent API's HTTP authentication: {@code Authorization: Bearer <the agent's Genesys access token>}, selected by
 * {@code @HttpAuthenticationMechanism(SCHEME)} on the agent resource only. Everywhere else (History API, data action)
 * it takes no part, so a Genesys token never authenticates there, and the History API's mechanisms never run on the
 * agent routes.
 */
@ApplicationScoped
class AgentAuthentication implements HttpAuthenticationMechanism {

    static final String SCHEME = "genesys-agent";
    static final String API_PATH = "/agent/api/";
    private static final String CONVERSATIONS = API_PATH + "conversations/";

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        String path = context.normalizedPath();
        if (path == null || !path.startsWith(API_PATH)) {
            return Uni.createFrom().nullItem();
        }
        String authorization = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                || authorization.substring(7).isBlank()) {
            return Uni.createFrom().nullItem();
        }
        return identities.authenticate(new AgentTokenRequest(authorization.substring(7).trim(), conversationOf(path)));
    }

    /** The Genesys conversation the route names, which decides the region; null when none. */
    private static String conversationOf(String path) {
        if (!path.startsWith(CONVERSATIONS)) {
            return null;
        }
        String rest = path.substring(CONVERSATIONS.length());
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer"));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(AgentTokenRequest.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom().item(new HttpCredentialTransport(HttpCredentialTransport.Type.AUTHORIZATION, "bearer",
                SCHEME));
    }
}
