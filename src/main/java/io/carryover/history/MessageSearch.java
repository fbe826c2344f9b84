package io.carryover.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.IntFunction;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;
import jakarta.persistence.QueryTimeoutException;
import jakarta.transaction.Transactional;

import org.hibernate.query.NativeQuery;
import org.jboss.logging.Logger;

import io.carryover.identity.TokenHash;
import io.quarkus.runtime.StartupEvent;

/**
 * Full-text search over archived message text with PostgreSQL's text search: the configured text-search
 * configuration, {@code websearch_to_tsquery} (any input parses: quotes, operators, SQL-shaped text are words or
 * ignored, never syntax), {@code ts_rank} and {@code ts_headline}. Native SQL because HQL has neither the {@code @@}
 * operator nor the text-search functions.
 *
 * <p>Messages are matched in two parts (V9): those with a stored vector through its GIN index, and those the archive
 * has queued for the index but SearchIndexer has not reached yet, parsed on the fly. Every message with text is in
 * one of the two, so a search is complete while the index catches up; the second part is what grows after a flood.
 *
 * <p>Results are ordered by (rank desc, message id): {@code ts_rank} without normalisation depends only on the message
 * and the query, never on the rest of the table, so a cursor on that key stays valid while messages are archived.
 */
@ApplicationScoped
public class MessageSearch {

    private static final Logger LOG = Logger.getLogger(MessageSearch.class);

    /** The stored vectors' configuration, whether they can serve this one, and the ids that may lack a vector. */
    static final String STATE = """
            select (select configuration = cast(:configuration as regconfig) from search_index), min(after_id), max(through_id)
            from search_backlog""";
    /** A plain or schema-qualified identifier: it is written into SQL as a literal, so nothing else is accepted. */
    private static final Pattern CONFIGURATION_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");
    // ts_headline puts these around each match; they are removed from the text first, so every one is a match marker.
    public static final char MARK_START = '\u0002';
    public static final char MARK_END = '\u0003';
    // Not fragment mode: for a short chat message it would show the matched words alone, without their context.
    public static final String HEADLINE_OPTIONS = "StartSel=" + MARK_START + ", StopSel=" + MARK_END
            + ", MaxWords=35, MinWords=15";

    /** A ranked match, as the API shows it. {@code snippet} is HTML: escaped text with {@code <mark>} around matches. */
    public record Hit(UUID customerId, UUID conversationId, long messageId, String genesysMessageId,
            Instant channelTime, String direction, float rank, String snippet, String conversationUrl) {
    }

    private final EntityManager em;
    private final DataSource dataSource;
    private final HistoryConfig config;
    /** The configuration as the SQL literal the index expression uses, e.g. {@code 'simple'::regconfig}. */
    private final String regconfig;

    MessageSearch(EntityManager em, DataSource dataSource, HistoryConfig config) {
        this.em = em;
        this.dataSource = dataSource;
        this.config = config;
        if (!CONFIGURATION_NAME.matcher(config.searchConfiguration()).matches()) {
            throw new IllegalStateException("carryover.history.search-configuration is not a text-search configuration"
                    + " name: " + config.searchConfiguration());
        }
        this.regconfig = "'" + config.searchConfiguration() + "'::regconfig";
    }

    /**
     * The stored vectors are made with the configuration of the first migration run; a configuration changed since then
     * still finds the right messages, but without them (every search parses every message). Say so at start.
     */
    void checkIndex(@Observes StartupEvent start) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "select cast(? as regconfig)::text, (select configuration::text from search_index)")) {
            ps.setString(1, config.searchConfiguration());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                String configured = rs.getString(1);
                String indexed = rs.getString(2);
                if (!configured.equals(indexed)) {
                    LOG.warnf("Message search uses text-search configuration %s but the search index is made with %s:"
                            + " searches will read every message until it is rebuilt (README, History API search)",
                            configured, indexed);
                }
            }
        } catch (SQLException e) {
            if ("42704".equals(e.getSQLState())) { // undefined_object: no such configuration
                throw new IllegalStateException("carryover.history.search-configuration names no text-search"
                        + " configuration of this database: " + config.searchConfiguration(), e);
            }
            LOG.warnf("Could not check the message search index: %s", e.getMessage());
        }
    }

    /**
     * Checks the query before it reaches the database: blank or with NUL (PostgreSQL text cannot hold it) is
     * {@code invalid-query}, longer than the configured bound is {@code query-too-long}.
     */
    public String validQuery(String q) {
        if (q == null || q.isBlank()) {
            throw ApiProblem.badRequest("invalid-query", "q must hold at least one word");
        }
        if (q.length() > config.searchMaxQueryLength()) {
            throw ApiProblem.badRequest("query-too-long",
                    "q is longer than " + config.searchMaxQueryLength() + " characters");
        }
        if (q.indexOf('\0') >= 0) {
            throw ApiProblem.badRequest("invalid-query", "q must not contain NUL characters");
        }
        return q;
    }

    /**
     * One page of hits, best first. {@code customerId} null: every customer; {@code scope} null: every deployment,
     * otherwise only conversations in those deployments (empty: nothing). In a transaction of its own settings: a plan
     * made for this customer (a generic plan, cached after five runs, would walk a heavy customer's every message),
     * no JIT, and the search timeout, after which the statement is cancelled (a 503 {@code search-timeout}).
     */
    @Transactional
    public Page<Hit> search(UUID customerId, Set<String> scope, String q, int limit, String cursor) {
        String query = validQuery(q);
        // A cursor belongs to one customer (or all) and one query: reusing it elsewhere is a 400, not a silent skip.
        String list = "search:" + (customerId == null ? "all" : customerId) + ":" + digest(query);
        List<String> after = Cursor.decode(list, cursor);
        float afterRank = 0;
        long afterId = 0;
        if (after != null) {
            try {
                if (after.size() != 2) {
                    throw new NumberFormatException("key size");
                }
                afterRank = Float.parseFloat(after.get(0));
                afterId = Long.parseLong(after.get(1));
            } catch (NumberFormatException e) {
                throw ApiProblem.badRequest("invalid-cursor", "cursor is not one this list returned");
            }
        }
        if (scope != null && scope.isEmpty()) {
            return new Page<>(List.of(), null);
        }
        Object[] state = (Object[]) em.createNativeQuery(STATE).setParameter("configuration", config.searchConfiguration())
                .getSingleResult();
        boolean vectorsUsable = Boolean.TRUE.equals(state[0]);
        Long queuedAfter = state[1] == null ? null : ((Number) state[1]).longValue();
        Long queuedThrough = state[2] == null ? null : ((Number) state[2]).longValue();
        String filters = (customerId == null ? "" : " and c.customer_id = :customer")
                + (scope == null ? "" : " and c.deployment_id in (:scope)");
        String parsed = "to_tsvector(" + regconfig + ", m.text)";
        List<String> parts = new ArrayList<>(2);
        if (vectorsUsable) {
            parts.add(part("s.vector", """
                    from message_search s
                    join message m on m.id = s.message_id""", "", filters, after != null));
            if (queuedAfter != null) {
                // Every message with text that lacks a vector lies in a queued range, so this one range holds them all.
                parts.add(part(parsed, "from message m", " and m.id > :queuedAfter and m.id <= :queuedThrough"
                        + " and not exists (select 1 from message_search x where x.message_id = m.id)",
                        filters, after != null));
            }
        } else {
            parts.add(part(parsed, "from message m", "", filters, after != null));
        }
        String sql = """
                select p.id, p.genesys_message_id, p.conversation_id, p.customer_id, p.channel_time, p.direction,
                       p.rank, ts_headline(%1$s, translate(p.text, :marks, ''), p.query, :options) as snippet
                from (
                    %2$s
                    order by rank desc, id
                    limit :limit
                ) p
                order by p.rank desc, p.id""".formatted(regconfig, String.join("\nunion all\n", parts));
        @SuppressWarnings("unchecked")
        NativeQuery<Object[]> nq = (NativeQuery<Object[]>) em.createNativeQuery(sql, Object[].class)
                .unwrap(NativeQuery.class);
        nq.addScalar("id", Long.class).addScalar("genesys_message_id", String.class)
                .addScalar("conversation_id", UUID.class).addScalar("customer_id", UUID.class)
                .addScalar("channel_time", Instant.class).addScalar("direction", String.class)
                .addScalar("rank", Float.class).addScalar("snippet", String.class);
        nq.setParameter("marks", String.valueOf(MARK_START) + MARK_END)
                .setParameter("options", HEADLINE_OPTIONS)
                .setParameter("q", query)
                .setParameter("limit", limit + 1);
        if (customerId != null) {
            nq.setParameter("customer", customerId);
        }
        if (scope != null) {
            nq.setParameterList("scope", scope);
        }
        if (after != null) {
            nq.setParameter("rank", afterRank).setParameter("after", afterId);
        }
        if (vectorsUsable && queuedAfter != null) {
            nq.setParameter("queuedAfter", queuedAfter).setParameter("queuedThrough", queuedThrough);
        }
        List<Hit> hits = new ArrayList<>();
        em.createNativeQuery("select set_config('plan_cache_mode', 'force_custom_plan', true),"
                + " set_config('jit', 'off', true), set_config('statement_timeout', :timeout, true)")
                .setParameter("timeout", Long.toString(config.searchTimeout().toMillis())).getSingleResult();
        List<Object[]> rows;
        try {
            rows = nq.getResultList();
        } catch (PersistenceException e) {
            if (e instanceof QueryTimeoutException || e.getCause() instanceof org.hibernate.QueryTimeoutException
                    || e instanceof org.hibernate.QueryTimeoutException) {
                throw new ApiProblem(503, "search-timeout", "Search took too long",
                        "the search was stopped after " + config.searchTimeout().toMillis() + " ms; try rarer words");
            }
            throw e;
        }
        for (Object[] row : rows) {
            UUID conversationId = (UUID) row[2];
            hits.add(new Hit((UUID) row[3], conversationId, (Long) row[0], (String) row[1], (Instant) row[4],
                    (String) row[5], (Float) row[6], snippet((String) row[7]),
                    "/api/v1/conversations/" + conversationId));
        }
        String next = null;
        if (hits.size() > limit) {
            hits = hits.subList(0, limit);
            Hit last = hits.get(limit - 1);
            next = Cursor.encode(list, List.of(Float.toString(last.rank()), Long.toString(last.messageId())));
        }
        return new Page<>(List.copyOf(hits), next);
    }

    /** One part of the matches: messages whose vector is {@code vector}, from {@code source}, ranked. */
    private String part(String vector, String source, String conditions, String filters, boolean afterCursor) {
        String rank = "ts_rank(" + vector + ", query)";
        return """
                (select m.id, m.genesys_message_id, m.conversation_id, c.customer_id, m.channel_time, m.direction,
                        m.text, query, %2$s as rank
                 %3$s
                 join conversation c on c.id = m.conversation_id
                 cross join websearch_to_tsquery(%4$s, :q) as query
                 where %1$s @@ query%5$s%6$s%7$s)""".formatted(vector, rank, source, regconfig, conditions, filters,
                afterCursor ? " and (" + rank + " < cast(:rank as real) or (" + rank
                        + " = cast(:rank as real) and m.id > :after))" : "");
    }

    /** What the audit log keeps of a search: the query's length and the hits returned, never the query itself. */
    static String auditTarget(String q, Integer hits) {
        return "queryLength=" + (q == null ? 0 : q.length()) + (hits == null ? "" : " hits=" + hits);
    }

    /** Escapes everything ts_headline returned, then turns its match markers into {@code <mark>} elements. */
    static String snippet(String headline) {
        return snippet(headline, ch -> null);
    }

    /**
     * As {@link #snippet(String)}, with {@code substitute} giving the HTML to put for a character instead of it
     * (null: the character itself, escaped).
     */
    public static String snippet(String headline, IntFunction<String> substitute) {
        if (headline == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(headline.length() + 32);
        for (int i = 0; i < headline.length(); i++) {
            char ch = headline.charAt(i);
            String instead = substitute.apply(ch);
            if (instead != null) {
                out.append(instead);
                continue;
            }
            switch (ch) {
                case MARK_START -> out.append("<mark>");
                case MARK_END -> out.append("</mark>");
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(ch);
            }
        }
        return out.toString();
    }

    private static String digest(String query) {
        return TokenHash.of(query).substring(0, 16);
    }
}
