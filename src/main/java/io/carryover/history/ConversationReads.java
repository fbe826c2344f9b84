package io.carryover.history;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.carryover.archive.Conversation;
import io.carryover.archive.ConversationState;
import io.carryover.enrich.ConversationSummary;
import io.carryover.enrich.EnrichmentStatus;
import io.carryover.enrich.EnrichmentStatuses;
import io.carryover.enrich.HistoryReader;
import io.carryover.enrich.Summary;
import io.carryover.enrich.SummaryService;

/**
 * The read side of conversations, summaries and messages, shared by the service routes and customer self-service.
 * Callers have already passed {@link CustomerAccess}; a scoped caller's deployments still limit every query here.
 * A page costs a fixed number of queries whatever its size (conversations, message counts, agents, opening lines,
 * enrichment statuses), never one per item.
 */
@ApplicationScoped
public class ConversationReads {

    /** A conversation in a list. {@code openingLine}: the customer's first text, redacted as for the agent. */
    public record ConversationItem(UUID conversationId, String genesysConversationId, String deploymentId,
            Instant startedAt, Instant endedAt, ConversationState state, long messageCount, List<String> agents,
            String openingLine, EnrichmentStatus enrichment) {
    }

    /** One conversation with a page of its messages in {@code channel.time} order (then id). */
    public record ConversationDetail(UUID conversationId, UUID customerId, String genesysConversationId,
            String deploymentId, Instant startedAt, Instant endedAt, ConversationState state, long messageCount,
            List<String> agents, String openingLine, EnrichmentStatus enrichment, Page<MessageView> messages) {
    }

    /** An archived message; {@code messageId} is Carryover's id (what summary lines cite). */
    public record MessageView(long messageId, String genesysMessageId, String direction, String type,
            String eventType, String senderName, String originatingEntity, Instant channelTime, Instant receivedAt,
            String text) {
    }

    /**
     * The prior-context summary: {@code attached} when it is the stored one sent for {@code conversationId};
     * otherwise what would be attached to a conversation starting now ({@code conversationId} null).
     */
    public record SummaryView(UUID customerId, String headline, List<SummaryLine> lines, boolean attached,
            UUID conversationId) {
    }

    public record SummaryLine(String kind, String text, List<Long> messageIds) {
    }

    /** Outcomes of a job whose summary reached the agent (unchanged: the same content was PATCHed before). */
    private static final Set<String> DELIVERED = Set.of("patched", "unchanged");
    /** Stored summaries looked at, newest first, for one that was delivered (a later one may still be pending). */
    private static final int SUMMARY_CANDIDATES = 10;

    /** A conversation's messages as views; the archived original JSON of each message stays in the database. */
    private static final String MESSAGES = """
            select new io.carryover.history.ConversationReads$MessageView(m.id, m.genesysMessageId, m.direction,
                m.messageType, m.eventType, m.senderName, m.originatingEntity, m.channelTime, m.receivedAt, m.text)
            from Message m where m.conversationId = :conversation""";

    private final EntityManager em;
    private final EnrichmentStatuses statuses;
    private final SummaryService summaries;
    private final HistoryReader history;
    private final ObjectMapper json;

    ConversationReads(EntityManager em, EnrichmentStatuses statuses, SummaryService summaries, HistoryReader history,
            ObjectMapper json) {
        this.em = em;
        this.statuses = statuses;
        this.summaries = summaries;
        this.history = history;
        this.json = json;
    }

    /** Newest first by (startedAt, id): a keyset page stays stable while conversations are added. */
    public Page<ConversationItem> list(UUID customerId, Set<String> scope, ConversationParams.ListParams params)
            throws SQLException {
        String listName = "conversations:" + customerId;
        List<String> after = Cursor.decode(listName, params.cursor);
        Instant afterStartedAt = null;
        UUID afterId = null;
        if (after != null) {
            try {
                afterStartedAt = IsoInstant.Validator.storable(Instant.parse(after.get(0)));
                afterId = UUID.fromString(after.get(1));
            } catch (RuntimeException e) {
                throw ApiProblem.badRequest("invalid-cursor", "cursor is not one this list returned");
            }
        }
        StringBuilder hql = new StringBuilder("from Conversation c where c.customerId = :customer");
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("customer", customerId);
        if (scope != null) {
            hql.append(" and c.deploymentId in :scope");
            parameters.put("scope", scope);
        }
        if (params.from != null) {
            hql.append(" and c.startedAt >= :from");
            parameters.put("from", params.fromInstant());
        }
        if (params.to != null) {
            hql.append(" and c.startedAt < :to");
            parameters.put("to", params.toInstant());
        }
        if (params.state != null) {
            hql.append(" and c.state = :state");
            parameters.put("state", params.stateValue());
        }
        if (afterStartedAt != null) {
            // The first condition bounds the index range scan; the second breaks ties on equal start times.
            hql.append(" and c.startedAt <= :afterStartedAt"
                    + " and (c.startedAt < :afterStartedAt or c.id < :afterId)");
            parameters.put("afterStartedAt", afterStartedAt);
            parameters.put("afterId", afterId);
        }
        hql.append(" order by c.startedAt desc, c.id desc");
        TypedQuery<Conversation> query = em.createQuery(hql.toString(), Conversation.class);
        parameters.forEach(query::setParameter);
        int limit = params.limit();
        List<Conversation> rows = query.setMaxResults(limit + 1).getResultList();
        boolean more = rows.size() > limit;
        List<Conversation> page = more ? rows.subList(0, limit) : rows;
        List<ConversationItem> items = items(page);
        String next = null;
        if (more) {
            Conversation last = page.get(page.size() - 1);
            next = Cursor.encode(listName, List.of(last.startedAt.toString(), last.id.toString()));
        }
        return new Page<>(items, next);
    }

    /**
     * The customer's conversations that started before {@code before}, newest first, at most {@code limit}: the agent
     * page's timeline. The same items as {@link #list}, in the same fixed number of queries.
     */
    public List<ConversationItem> before(UUID customerId, Instant before, int limit) throws SQLException {
        List<Conversation> rows = em.createQuery("""
                from Conversation c where c.customerId = :customer and c.startedAt < :before
                order by c.startedAt desc, c.id desc""", Conversation.class)
                .setParameter("customer", customerId).setParameter("before", before)
                .setMaxResults(limit).getResultList();
        return items(rows);
    }

    /** The first {@code limit} messages of a conversation, in the order of {@link #messages}. */
    public List<MessageView> firstMessages(UUID conversationId, int limit) {
        return em.createQuery(MESSAGES + " order by m.channelTime, m.id", MessageView.class)
                .setParameter("conversation", conversationId).setMaxResults(limit).getResultList();
    }

    public ConversationDetail detail(Conversation c, ConversationParams.PageParams params) {
        ConversationItem item;
        try {
            item = items(List.of(c)).get(0);
        } catch (SQLException e) {
            throw new IllegalStateException("enrichment status unavailable", e);
        }
        return new ConversationDetail(c.id, c.customerId, c.genesysConversationId, c.deploymentId, c.startedAt,
                c.endedAt, c.state, item.messageCount(), item.agents(), item.openingLine(), item.enrichment(),
                messages(c.id, params));
    }

    /** Messages in channel.time order (PostgreSQL puts a missing time last), then id; keyset on both. */
    Page<MessageView> messages(UUID conversationId, ConversationParams.PageParams params) {
        String listName = "messages:" + conversationId;
        List<String> after = Cursor.decode(listName, params.cursor);
        String keyset = "";
        Instant afterTime = null;
        Long afterId = null;
        if (after != null) {
            try {
                afterTime = after.get(0).isEmpty() ? null : IsoInstant.Validator.storable(Instant.parse(after.get(0)));
                afterId = Long.valueOf(after.get(1));
            } catch (RuntimeException e) {
                throw ApiProblem.badRequest("invalid-cursor", "cursor is not one this list returned");
            }
            keyset = afterTime == null
                    ? " and m.channelTime is null and m.id > :afterId"
                    : " and (m.channelTime > :afterTime or (m.channelTime = :afterTime and m.id > :afterId)"
                            + " or m.channelTime is null)";
        }
        TypedQuery<MessageView> query = em.createQuery(MESSAGES + keyset + " order by m.channelTime, m.id",
                MessageView.class)
                .setParameter("conversation", conversationId);
        if (afterId != null) {
            query.setParameter("afterId", afterId);
        }
        if (afterTime != null) {
            query.setParameter("afterTime", afterTime);
        }
        int limit = params.limit();
        List<MessageView> rows = query.setMaxResults(limit + 1).getResultList();
        boolean more = rows.size() > limit;
        List<MessageView> page = more ? List.copyOf(rows.subList(0, limit)) : rows;
        String next = null;
        if (more) {
            MessageView last = page.get(page.size() - 1);
            next = Cursor.encode(listName, List.of(last.channelTime() == null ? "" : last.channelTime().toString(),
                    Long.toString(last.messageId())));
        }
        return new Page<>(page, next);
    }

    /** List items for these conversations, in their order: four batched queries, whatever the page size. */
    private List<ConversationItem> items(List<Conversation> conversations) throws SQLException {
        if (conversations.isEmpty()) {
            return List.of();
        }
        List<UUID> ids = conversations.stream().map(c -> c.id).toList();
        Map<UUID, Long> counts = new HashMap<>();
        em.createQuery("select m.conversationId, count(m) from Message m where m.conversationId in :ids"
                + " group by m.conversationId", Object[].class).setParameter("ids", ids).getResultList()
                .forEach(row -> counts.put((UUID) row[0], (Long) row[1]));
        // Agents: people who wrote to the customer (Outbound texts not from a bot), in order of first appearance.
        Map<UUID, List<String>> agents = new HashMap<>();
        em.createQuery("""
                select m.conversationId, m.senderName from Message m
                where m.conversationId in :ids and m.direction = 'Outbound' and m.messageType <> 'Event'
                  and (m.originatingEntity is null or m.originatingEntity <> 'Bot')
                  and m.senderName is not null and trim(m.senderName) <> ''
                group by m.conversationId, m.senderName order by m.conversationId, min(m.id)""", Object[].class)
                .setParameter("ids", ids).getResultList()
                .forEach(row -> agents.computeIfAbsent((UUID) row[0], k -> new ArrayList<>()).add((String) row[1]));
        Map<UUID, String> openings = new HashMap<>();
        em.createQuery("""
                select c.id, (select m.text from Message m
                              where m.conversationId = c.id and m.direction = 'Inbound' and m.messageType <> 'Event'
                                and m.text is not null and trim(m.text) <> ''
                              order by m.channelTime, m.id limit 1)
                from Conversation c where c.id in :ids""", Object[].class)
                .setParameter("ids", ids).getResultList()
                .forEach(row -> {
                    if (row[1] != null) {
                        openings.put((UUID) row[0], summaries.redactedLine((String) row[1]));
                    }
                });
        Map<UUID, EnrichmentStatus> enrichment = statuses.of(ids);
        List<ConversationItem> items = new ArrayList<>(conversations.size());
        for (Conversation c : conversations) {
            items.add(new ConversationItem(c.id, c.genesysConversationId, c.deploymentId, c.startedAt, c.endedAt,
                    c.state, counts.getOrDefault(c.id, 0L), List.copyOf(agents.getOrDefault(c.id, List.of())),
                    openings.get(c.id), enrichment.get(c.id)));
        }
        return items;
    }

    /**
     * The summary delivered for the customer's latest enriched conversation, else the one a conversation starting now
     * would get. A caller limited to some deployments gets a delivered summary only when the customer has nothing
     * outside them (its lines, and the counts in its headline, were made from all of the customer's conversations);
     * otherwise the one made now from the conversations in scope alone.
     */
    public SummaryView summary(UUID customerId, Set<String> scope) throws SQLException {
        if (scope == null || !hasConversationsOutside(customerId, scope)) {
            List<ConversationSummary> stored = em.createQuery("""
                    select s from ConversationSummary s, Conversation c
                    where c.id = s.conversationId and c.customerId = :customer
                    order by c.startedAt desc, c.id desc""", ConversationSummary.class)
                    .setParameter("customer", customerId).setMaxResults(SUMMARY_CANDIDATES).getResultList();
            Map<UUID, EnrichmentStatus> outcomes = statuses.of(stored.stream().map(s -> s.conversationId).toList());
            for (ConversationSummary s : stored) {
                EnrichmentStatus status = outcomes.get(s.conversationId);
                if (status != null && DELIVERED.contains(status.value())) {
                    return new SummaryView(customerId, s.headline,
                            storedLines(s).stream().map(ConversationReads::line).toList(), true, s.conversationId);
                }
            }
        }
        Summary now = summaries.redactedSummary(history.priorTo(customerId, Instant.now(), scope));
        return new SummaryView(customerId, now.headline(), now.lines().stream().map(ConversationReads::line).toList(),
                false, null);
    }

    private boolean hasConversationsOutside(UUID customerId, Set<String> scope) {
        return !em.createQuery("""
                select c.id from Conversation c where c.customerId = :customer and c.deploymentId not in :scope""",
                UUID.class).setParameter("customer", customerId).setParameter("scope", scope).setMaxResults(1)
                .getResultList().isEmpty();
    }

    private List<Summary.Line> storedLines(ConversationSummary s) {
        try {
            return json.readValue(s.lines, new TypeReference<List<Summary.Line>>() {
            });
        } catch (Exception e) {
            throw new IllegalStateException("stored summary of conversation " + s.conversationId + " is not readable",
                    e);
        }
    }

    private static SummaryLine line(Summary.Line line) {
        return new SummaryLine(line.kind() == null ? null : line.kind().name(), line.text(),
                line.sourceMessageIds() == null ? List.of() : line.sourceMessageIds());
    }
}
