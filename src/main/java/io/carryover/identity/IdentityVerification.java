package io.carryover.identity;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Identity for callers on the event loop: verification runs on a worker (it may download the issuer's keys) and is
 * bounded by {@code carryover.identity.verify-timeout}, so a slow issuer only delays, never blocks.
 */
@ApplicationScoped
public class IdentityVerification {

    private final IdentityConfig config;
    private final TokenVerifier verifier;
    private final Vertx vertx;

    IdentityVerification(IdentityConfig config, TokenVerifier verifier, Vertx vertx) {
        this.config = config;
        this.verifier = verifier;
        this.vertx = vertx;
    }

    /** The identity behind a bearer token (null or blank: missing); never fails, every outcome is counted. */
    public Uni<Identity> verifyAsync(String bearerToken) {
        if (bearerToken == null || bearerToken.isBlank()) {
            return Uni.createFrom().item(() -> verifier.verify(null));
        }
        return Uni.createFrom().completionStage(() ->
                        vertx.executeBlocking(() -> verifier.verify(bearerToken), false).toCompletionStage())
                .ifNoItem().after(config.verifyTimeout()).recoverWithItem(() -> counted("timeout"))
                .onFailure().recoverWithItem(() -> counted("error"));
    }

    /** True when {@code configureAuthenticatedSession} needs a verified identity (policy {@code reject}). */
    public boolean verifiedIdentityRequired() {
        return config.policy() == IdentityConfig.UnverifiedPolicy.REJECT;
    }

    private Identity counted(String reason) {
        Identity unverified = new Identity.Unverified(reason);
        verifier.count(unverified);
        return unverified;
    }
}
