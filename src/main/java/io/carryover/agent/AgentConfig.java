package io.carryover.agent;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The agent page ({@code /agent/}, a Genesys interaction widget) and its API ({@code /agent/api}): the agent's OAuth
 * client per region, who may look and for how long, and how the page may be framed.
 */
@ConfigMapping(prefix = "carryover.agent")
public interface AgentConfig {

    /** OAuth client (Code Authorization with PKCE) of the default region's org; unset: the page cannot sign in. */
    Optional<String> clientId();

    /**
     * The org the default region's agents must belong to; unset: the org of Carryover's own Platform client there
     * ({@code GET /api/v2/organizations/me}).
     */
    Optional<String> orgId();

    /** Other regions by domain, as {@code carryover.platform.regions}. */
    Map<String, Region> regions();

    /** How long after an agent left a conversation they may still open its customer's history. */
    @WithDefault("24h")
    Duration afterEndGrace();

    /** A Genesys role name whose holders may open any conversation of the org; unset: nobody. */
    Optional<String> supervisorRole();

    /** Origins allowed to frame the page; default {@code https://apps.<domain>} of every configured region. */
    Optional<List<String>> frameAncestors();

    /** Prior conversations listed on the page, newest first. */
    @WithDefault("200")
    int maxConversations();

    /** Messages returned by one transcript. */
    @WithDefault("2000")
    int maxMessages();

    /** How long a valid agent token's user is remembered (key: the token's SHA-256). Failures are never kept. */
    @WithDefault("60s")
    Duration userCacheTtl();

    /** How long a conversation's participants are remembered. */
    @WithDefault("10s")
    Duration participantCacheTtl();

    interface Region {
        Optional<String> clientId();

        Optional<String> orgId();
    }
}
