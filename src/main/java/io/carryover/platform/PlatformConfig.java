package io.carryover.platform;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Genesys Platform API access, per region. A deployment's region is its {@code carryover.relay.deployment-domains}
 * entry, else {@link #domain()}; each region has its own OAuth client, token, request budget and REST clients.
 * The default region is configured at the top level, every other one under {@link #regions()}.
 */
@ConfigMapping(prefix = "carryover.platform")
public interface PlatformConfig {

    /** The default region's domain (api.<domain>, login.<domain>); default: the relay's. */
    String domain();

    /** The default region's OAuth client (client-credentials grant); without one its deployments are not correlated. */
    Optional<String> clientId();

    Optional<String> clientSecret();

    /** The default region's API base URL (a sandbox, an egress proxy); default {@code https://api.<domain>}. */
    Optional<URI> apiUrl();

    /** The default region's login base URL; default {@code https://login.<domain>}. */
    Optional<URI> loginUrl();

    /** Other regions by domain, e.g. {@code carryover.platform.regions."mypurecloud.ie".client-id}. */
    Map<String, Region> regions();

    /** Requests per access token per rolling minute, so Carryover never exceeds Genesys's limit (default 300). */
    @WithDefault("300")
    int requestsPerMinute();

    /**
     * Requests a token may send back to back; the rest of its minute is paced evenly, so a backlog cannot spend the
     * whole budget in seconds and leave a new conversation waiting for the next minute. At or above the limit: no
     * pacing.
     */
    @WithDefault("30")
    int burst();

    /**
     * Share of each token's minute (percent of requests-per-minute, rounded down) kept for first enrichment attempts:
     * agent lookups and retries never use it ({@link CallPriority}).
     */
    @WithDefault("10")
    int firstAttemptReservePercent();

    /** Share of each token's minute kept for agent lookups (and first attempts): retries never use it. */
    @WithDefault("10")
    int agentReservePercent();

    /** Longest Retry-After honoured on a 429; longer hints are capped to this. */
    @WithDefault("60s")
    Duration maxRetryAfter();

    /** Retries after a 5xx or timeout, with exponential backoff and jitter. */
    @WithDefault("3")
    int retries();

    /** A token is renewed this long before it expires. */
    @WithDefault("60s")
    Duration tokenRefreshMargin();

    /** Connect timeout of Platform and login requests. */
    @WithDefault("2s")
    Duration connectTimeout();

    /** Read timeout of Platform and login requests. */
    @WithDefault("5s")
    Duration readTimeout();

    /** A region other than the default one. */
    interface Region {

        /** OAuth client of this region; without one its deployments are not correlated. */
        Optional<String> clientId();

        Optional<String> clientSecret();

        /** Default {@code https://api.<domain>}. */
        Optional<URI> apiUrl();

        /** Default {@code https://login.<domain>}. */
        Optional<URI> loginUrl();
    }

    /** Whether any region has an OAuth client, so that correlation is possible at all. */
    default boolean configured() {
        return clientId().isPresent() && clientSecret().isPresent()
                || regions().values().stream().anyMatch(r -> r.clientId().isPresent() && r.clientSecret().isPresent());
    }
}
