package io.carryover.identity;

import java.time.Duration;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "carryover.identity")
public interface IdentityConfig {

    /** What happens to {@code configureAuthenticatedSession} on a connection without a valid OIDC token. */
    @WithDefault("relay-unarchived")
    UnverifiedPolicy policy();

    /** Trusted OIDC issuers by a name of your choosing; a token from any other issuer is not accepted. */
    Map<String, Issuer> issuers();

    /** Tolerated clock difference for {@code exp}/{@code iat}/{@code nbf}. */
    @WithDefault("30s")
    Duration clockSkew();

    /** Longest wait for a verification (JWKS download included) before the connection is treated as unverified. */
    @WithDefault("3s")
    Duration verifyTimeout();

    interface Issuer {
        /** Exact {@code iss} claim value. */
        String issuer();

        /** Where the issuer publishes its signing keys (JWKS). */
        String jwksUrl();

        /** Required {@code aud} value. */
        String audience();
    }

    enum UnverifiedPolicy {
        /** The chat works as without Carryover; nothing is archived for it (logged and counted). */
        RELAY_UNARCHIVED,
        /** Close the connection with 1008 "identity required". */
        REJECT
    }
}
