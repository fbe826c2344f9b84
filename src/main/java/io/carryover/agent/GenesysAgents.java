package io.carryover.agent;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import io.carryover.identity.TokenHash;
import io.carryover.platform.CallPriority;
import io.carryover.platform.PlatformClient;
import io.carryover.platform.PlatformException;
import io.carryover.platform.PlatformTypes;
import io.carryover.platform.RegionClient;
import io.quarkus.cache.CacheKey;
import io.quarkus.cache.CacheResult;

/**
 * What the Platform says about agents and conversations, cached briefly and bounded (quarkus.cache.caffeine.*).
 * Only answers are cached: a failure (401, outage) throws and leaves nothing behind. An agent token is cached under
 * its SHA-256, never as itself.
 */
@ApplicationScoped
public class GenesysAgents {

    private final PlatformClient platform;
    private final AgentConfig config;
    private final EntityManager em;

    GenesysAgents(PlatformClient platform, AgentConfig config, EntityManager em) {
        this.platform = platform;
        this.config = config;
        this.em = em;
    }

    /** {@code users/me} of this token in this region; {@code tokenHash}: {@link TokenHash#of} the token. */
    @CacheResult(cacheName = "agent-users")
    PlatformTypes.UserMe user(@CacheKey String domain, @CacheKey String tokenHash, String token) {
        return region(domain).userMe(token);
    }

    /** The conversation as Carryover's own client reads it (agent priority in the region's budget). */
    @CacheResult(cacheName = "agent-participants")
    PlatformTypes.MessageConversation conversation(@CacheKey String domain, @CacheKey String genesysConversationId) {
        return region(domain).messageConversation(genesysConversationId, CallPriority.AGENT_LOOKUP);
    }

    /** The org the region's agents must belong to: configured, else the org of Carryover's own client there. */
    @CacheResult(cacheName = "agent-orgs")
    String orgOf(String domain) {
        String configured = domain.equals(platform.defaultDomain()) ? config.orgId().orElse(null)
                : config.regions().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(domain))
                        .findFirst().flatMap(e -> e.getValue().orgId()).orElse(null);
        return configured != null ? configured : region(domain).organizationId();
    }

    /**
     * The region of a Genesys conversation: its archived deployment's, else the default one. The archive is read
     * only when more than one region is configured, and only for the deployment.
     */
    String domainOf(String genesysConversationId) {
        if (platform.domains().size() <= 1 || !isUuid(genesysConversationId)) {
            return platform.defaultDomain();
        }
        String deployment = em.createQuery("select c.deploymentId from Conversation c"
                + " where c.genesysConversationId = :gid order by c.startedAt desc", String.class)
                .setParameter("gid", genesysConversationId).setMaxResults(1).getResultStream().findFirst()
                .orElse(null);
        return platform.domainOf(deployment);
    }

    private RegionClient region(String domain) {
        return platform.forDomain(domain)
                .orElseThrow(() -> new PlatformException.Unavailable("no Platform client for " + domain));
    }

    static boolean isUuid(String value) {
        if (value == null || value.length() != 36) {
            return false;
        }
        try {
            return UUID.fromString(value).toString().equalsIgnoreCase(value);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
