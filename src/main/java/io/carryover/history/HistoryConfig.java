package io.carryover.history;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "carryover.history")
public interface HistoryConfig {

    /**
     * Issuers of service tokens (CRMs, bots, analytics, the privacy officer), by a name of your choosing. Customer
     * tokens come from {@code carryover.identity.issuers}: the same issuer may serve both only with a different
     * audience.
     */
    Map<String, ServiceIssuer> serviceIssuers();

    /** Claim of a service token that lists its roles ({@code history.read}, ...); a dotted path for nested claims. */
    @WithDefault("roles")
    String rolesClaim();

    /**
     * Claim of a service token that lists the deployment ids it may see; a token without it sees every deployment.
     */
    @WithDefault("carryover_deployments")
    String deploymentsClaim();

    /**
     * PostgreSQL text-search configuration used to index and query message text ({@code simple}: no stemming, no
     * stop words; {@code english}: both). It is also the Flyway placeholder of the index (V7), which is not rebuilt
     * when it changes: a new value needs a new index first (README, History API search).
     */
    @WithDefault("simple")
    String searchConfiguration();

    /** Longest search query accepted, in characters; a longer one is a 400 problem {@code query-too-long}. */
    @WithDefault("500")
    int searchMaxQueryLength();

    /** Longest a search statement may run; then PostgreSQL cancels it and the caller gets 503 search-timeout. */
    @WithDefault("5s")
    Duration searchTimeout();

    /**
     * Conversations that ended longer ago than this are deleted by the retention job, with their messages, summaries,
     * enrichment jobs and link records; then guest sessions and customers left with nothing. An active conversation
     * counts from its last message (its end may never have been seen). Unset: kept forever.
     */
    Optional<Duration> retention();

    /** How often each replica runs the retention job (replicas share the work without waiting on each other). */
    @WithDefault("1h")
    Duration retentionInterval();

    /** Conversations (and then sessions, customers) deleted per transaction by the retention job. */
    @WithDefault("500")
    int retentionBatchSize();

    interface ServiceIssuer {
        /** Exact {@code iss} claim value. */
        String issuer();

        /** Where the issuer publishes its signing keys (JWKS). */
        String jwksUrl();

        /** Required {@code aud} value. */
        String audience();
    }
}
