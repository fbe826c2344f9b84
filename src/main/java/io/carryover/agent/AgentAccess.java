package io.carryover.agent;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import io.carryover.platform.PlatformException;
import io.carryover.platform.PlatformTypes;

/**
 * Whether an agent may see the history behind a Genesys conversation, decided from the Platform alone (Carryover's
 * own client), before anything is read from the archive: the agent's org must be the one of the conversation's
 * region, and the agent must be an agent participant of it who answered (connected), still connected or gone less
 * than {@code carryover.agent.after-end-grace} ago; a supervisor may see any conversation of the org.
 */
@ApplicationScoped
class AgentAccess {

    private final GenesysAgents genesys;
    private final AgentConfig config;
    private final Clock clock = Clock.systemUTC();

    AgentAccess(GenesysAgents genesys, AgentConfig config) {
        this.genesys = genesys;
        this.config = config;
    }

    /** Returns normally if allowed; else a 403 {@code agent-access-denied}, 404 or 503 problem. */
    void require(Agent agent, String genesysConversationId) {
        if (!GenesysAgents.isUuid(genesysConversationId)) {
            throw AgentProblems.notFound();
        }
        PlatformTypes.MessageConversation conversation;
        String org;
        try {
            org = genesys.orgOf(agent.domain());
            if (agent.orgId() == null || !agent.orgId().equals(org)) {
                throw AgentProblems.accessDenied();
            }
            // Read with Carryover's client: it sees only its own org's conversations.
            conversation = genesys.conversation(agent.domain(), genesysConversationId);
        } catch (PlatformException.NotFound e) {
            throw AgentProblems.notFound();
        } catch (PlatformException.Rejected e) {
            // 403 for a conversation outside the client's divisions, 400 for an id Genesys does not take.
            throw e.status() == 403 ? AgentProblems.accessDenied() : AgentProblems.notFound();
        } catch (PlatformException e) {
            throw AgentProblems.platformUnavailable(e);
        }
        if (agent.supervisor()) {
            return;
        }
        Instant now = clock.instant();
        boolean participant = conversation.participants() != null && conversation.participants().stream()
                .anyMatch(p -> "agent".equals(p.purpose()) && p.user() != null && agent.id().equals(p.user().id())
                        // Only offered (alerted, then declined or missed): never connected, never on it.
                        && p.connectedTime() != null
                        && (p.endTime() == null || p.endTime().plus(config.afterEndGrace()).isAfter(now)));
        if (!participant) {
            throw AgentProblems.accessDenied();
        }
    }
}
