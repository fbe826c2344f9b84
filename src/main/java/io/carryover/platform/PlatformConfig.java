package io.carryover.platform;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Genesys Platform API access. Base URLs are the REST clients' ({@code quarkus.rest-client.genesys-api.url},
 * {@code quarkus.rest-client.genesys-login.url}), derived from {@code carryover.platform.domain}.
 */
@ConfigMapping(prefix = "carryover.platform")
public interface PlatformConfig {

    /** Genesys region domain of the Platform API (api.<domain>, login.<domain>); default: the relay's. */
    String domain();

    /** OAuth client (client-credentials grant); without it Carryover makes no Platform calls. */
    Optional<String> clientId();

    Optional<String> clientSecret();

    /** Client-wide request budget, so Carryover never exceeds the org's per-client limit (Genesys default 300). */
    @WithDefault("300")
    int requestsPerMinute();

    /** Longest Retry-After honoured on a 429; longer hints are capped to this. */
    @WithDefault("60s")
    Duration maxRetryAfter();

    /** Retries after a 5xx or timeout, with exponential backoff and jitter. */
    @WithDefault("3")
    int retries();

    /** A token is renewed this long before it expires. */
    @WithDefault("60s")
    Duration tokenRefreshMargin();

    default boolean configured() {
        return clientId().isPresent() && clientSecret().isPresent();
    }
}
