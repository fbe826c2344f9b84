package io.carryover.agent;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import org.jboss.logging.Logger;

import io.carryover.archive.Conversation;
import io.carryover.archive.Customer;
import io.carryover.enrich.EnrichmentStatus;
import io.carryover.enrich.EnrichmentStatuses;
import io.carryover.enrich.HistoryReader;
import io.carryover.enrich.Summary;
import io.carryover.enrich.SummaryService;
import io.carryover.history.ConversationReads;
import io.carryover.identity.CustomerKey;

/**
 * What the agent page shows for a Genesys conversation, read from the archive once access has been decided: the
 * customer behind it, the summary and timeline of their prior conversations, and one prior transcript. Every text is
 * redacted as the summary is ({@link SummaryService}).
 */
@ApplicationScoped
class AgentReads {

    private static final Logger LOG = Logger.getLogger(AgentReads.class);

    /** The archived conversation(s) Genesys knows by one id, all of one verified or guest customer. */
    record Current(Conversation newest, Set<UUID> ids, boolean guest) {
    }

    private final EntityManager em;
    private final ConversationReads reads;
    private final SummaryService summaries;
    private final HistoryReader history;
    private final EnrichmentStatuses statuses;
    private final AgentConfig config;

    AgentReads(EntityManager em, ConversationReads reads, SummaryService summaries, HistoryReader history,
            EnrichmentStatuses statuses, AgentConfig config) {
        this.em = em;
        this.reads = reads;
        this.summaries = summaries;
        this.history = history;
        this.statuses = statuses;
        this.config = config;
    }

    /**
     * The archived conversation of this Genesys id; empty when not archived (yet), or when it is archived for more
     * than one customer (one thread token signed in by two people): then neither's history may be shown.
     */
    Optional<Current> current(String genesysConversationId) {
        List<Conversation> archived = em.createQuery("""
                from Conversation c where c.genesysConversationId = :gid order by c.startedAt desc, c.id desc""",
                Conversation.class).setParameter("gid", genesysConversationId).setMaxResults(20).getResultList();
        if (archived.isEmpty()) {
            return Optional.empty();
        }
        Set<UUID> customers = new HashSet<>();
        Set<UUID> ids = new HashSet<>();
        archived.forEach(c -> {
            customers.add(c.customerId);
            ids.add(c.id);
        });
        if (customers.size() > 1) {
            LOG.warnf("agent page: Genesys conversation %s is archived for %d customers; showing none",
                    genesysConversationId, customers.size());
            return Optional.empty();
        }
        Conversation newest = archived.get(0);
        Customer customer = Customer.findById(newest.customerId);
        boolean guest = customer == null || CustomerKey.GUEST_ISSUER.equals(customer.issuer);
        return Optional.of(new Current(newest, Set.copyOf(ids), guest));
    }

    AgentViews.Context context(Agent agent, String genesysConversationId, Optional<Current> found)
            throws SQLException {
        AgentViews.AgentView who = new AgentViews.AgentView(agent.id(), agent.name(), agent.supervisor());
        if (found.isEmpty()) {
            return new AgentViews.Context("not-correlated", who,
                    new AgentViews.Current(genesysConversationId, null), null, List.of());
        }
        Current current = found.get();
        AgentViews.Current now = new AgentViews.Current(genesysConversationId,
                statuses.of(current.newest().id).map(AgentReads::enrichment).orElse(null));
        if (current.guest()) {
            return new AgentViews.Context("guest", who, now, null, List.of());
        }
        UUID customerId = current.newest().customerId;
        List<ConversationReads.ConversationItem> prior = reads.before(customerId, current.newest().startedAt,
                config.maxConversations() + current.ids().size()).stream()
                .filter(c -> !current.ids().contains(c.conversationId())).limit(config.maxConversations()).toList();
        if (prior.isEmpty()) {
            return new AgentViews.Context("first-contact", who, now, null, List.of());
        }
        Summary summary = summaries.redactedSummary(history.priorTo(customerId, current.newest().startedAt, null));
        Map<Long, UUID> conversationOfMessage = conversationsOf(summary);
        Map<UUID, String> outcomes = new HashMap<>();
        List<AgentViews.SummaryLine> lines = new ArrayList<>();
        for (Summary.Line line : summary.lines()) {
            List<Long> ids = line.sourceMessageIds() == null ? List.of() : line.sourceMessageIds();
            UUID conversation = ids.stream().map(conversationOfMessage::get).filter(java.util.Objects::nonNull)
                    .findFirst().orElse(null);
            if (line.kind() == Summary.Kind.OUTCOME && conversation != null) {
                outcomes.putIfAbsent(conversation, line.text());
            }
            lines.add(new AgentViews.SummaryLine(line.kind() == null ? null : line.kind().name(), line.text(),
                    conversation == null ? null : conversation.toString(),
                    ids.stream().map(String::valueOf).toList()));
        }
        List<AgentViews.ConversationView> timeline = prior.stream().map(c -> new AgentViews.ConversationView(
                c.conversationId().toString(), c.genesysConversationId(), c.startedAt(), c.endedAt(),
                c.endedAt() == null ? null : Duration.between(c.startedAt(), c.endedAt()).toSeconds(),
                c.agents(), outcomes.get(c.conversationId()),
                c.enrichment() == null ? null : c.enrichment().value(), c.messageCount())).toList();
        return new AgentViews.Context("ready", who, now,
                new AgentViews.SummaryView(summary.headline(), lines), timeline);
    }

    /**
     * One prior conversation of the same customer, redacted; 404 for anything else (another customer's, the current
     * one, a later one, no such id, a guest's), never 403, so nothing tells whether it exists.
     */
    AgentViews.Transcript transcript(Optional<Current> current, String conversationId) {
        Conversation c = prior(current, conversationId).orElseThrow(AgentProblems::notFound);
        List<AgentViews.MessageView> messages = reads.firstMessages(c.id, config.maxMessages()).stream()
                .filter(m -> m.text() != null && !m.text().isBlank())
                .map(m -> new AgentViews.MessageView(Long.toString(m.messageId()),
                        m.channelTime() != null ? m.channelTime() : m.receivedAt(), from(m),
                        summaries.redactedText(m.text())))
                .toList();
        return new AgentViews.Transcript(c.id.toString(), c.startedAt, c.endedAt, messages);
    }

    private Optional<Conversation> prior(Optional<Current> current, String conversationId) {
        UUID id;
        try {
            id = UUID.fromString(conversationId);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (current.isEmpty() || current.get().guest() || current.get().ids().contains(id)) {
            return Optional.empty();
        }
        Conversation c = Conversation.findById(id);
        Conversation newest = current.get().newest();
        return c != null && c.customerId.equals(newest.customerId) && c.startedAt.isBefore(newest.startedAt)
                ? Optional.of(c) : Optional.empty();
    }

    /** Ids of the conversations the timeline lists: what search may look in. */
    List<UUID> priorIds(Current current) {
        return em.createQuery("""
                select c.id from Conversation c where c.customerId = :customer and c.startedAt < :before
                order by c.startedAt desc, c.id desc""", UUID.class)
                .setParameter("customer", current.newest().customerId)
                .setParameter("before", current.newest().startedAt)
                .setMaxResults(config.maxConversations() + current.ids().size()).getResultStream()
                .filter(id -> !current.ids().contains(id)).limit(config.maxConversations()).toList();
    }

    private Map<Long, UUID> conversationsOf(Summary summary) {
        Set<Long> ids = new HashSet<>();
        summary.lines().forEach(l -> {
            if (l.sourceMessageIds() != null) {
                ids.addAll(l.sourceMessageIds());
            }
        });
        Map<Long, UUID> out = new HashMap<>();
        if (!ids.isEmpty()) {
            em.createQuery("select m.id, m.conversationId from Message m where m.id in :ids", Object[].class)
                    .setParameter("ids", ids).getResultList()
                    .forEach(row -> out.put((Long) row[0], (UUID) row[1]));
        }
        return out;
    }

    private static String from(ConversationReads.MessageView m) {
        if ("Inbound".equals(m.direction())) {
            return "customer";
        }
        if ("Event".equals(m.type())) {
            return "system";
        }
        return "Bot".equals(m.originatingEntity()) ? "bot" : "agent";
    }

    private static AgentViews.Enrichment enrichment(EnrichmentStatus status) {
        return new AgentViews.Enrichment(status.value(), status.at());
    }
}
