package io.carryover.agent;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.agroal.api.AgroalDataSource;
import io.carryover.enrich.Redactor;
import io.carryover.enrich.SummaryService;
import io.carryover.history.ApiProblem;
import io.carryover.history.HistoryConfig;
import io.carryover.history.MessageSearch;

/**
 * Search in one customer's prior conversations that never matches what redaction removed. The archive's full-text
 * index finds candidates in the raw text (a superset: redaction only takes words away); they are redacted here, and
 * PostgreSQL then matches and highlights the redacted texts with the same text-search configuration and query in one
 * round trip, so stemming agrees with the index. Redaction placeholders are masked as control characters while
 * PostgreSQL looks, so a search for "email" never lights up an {@code [email]} placeholder.
 */
@ApplicationScoped
class AgentSearch {

    /** Raw-text candidates looked at per search; a hit beyond them is not found (README, agent API). */
    static final int CANDIDATES = 500;

    /** Placeholder → the control character standing for it while PostgreSQL matches (the parser skips both). */
    private static final Map<String, Character> MASKS = Map.of(Redactor.EMAIL, '\u0005', Redactor.IBAN, '\u0006',
            Redactor.CARD, '\u000E', Redactor.PHONE, '\u000F', Redactor.REDACTED, '\u0010');
    private static final Map<Character, String> UNMASKS = new HashMap<>();
    static {
        MASKS.forEach((placeholder, mask) -> UNMASKS.put(mask, placeholder));
    }

    record Candidate(UUID conversationId, long messageId, java.time.Instant time) {
    }

    private final MessageSearch search;
    private final SummaryService summaries;
    private final EntityManager em;
    private final AgroalDataSource dataSource;
    private final HistoryConfig history;

    AgentSearch(MessageSearch search, SummaryService summaries, EntityManager em, AgroalDataSource dataSource,
            HistoryConfig history) {
        this.search = search;
        this.summaries = summaries;
        this.em = em;
        this.dataSource = dataSource;
        this.history = history;
    }

    /** Best raw-text rank first; at most {@code limit} hits, all in {@code conversations}. */
    List<AgentViews.Hit> search(UUID customerId, List<UUID> conversations, String q, int limit) throws SQLException {
        if (negates(q)) {
            // Candidates come from the raw text: "-term" would leave out exactly the messages whose redacted
            // values hold the term, and so confirm a guessed card number or address.
            throw ApiProblem.badRequest("invalid-query", "search here cannot exclude words: leave out the '-'");
        }
        Set<UUID> allowed = new HashSet<>(conversations);
        List<Candidate> candidates = new ArrayList<>();
        for (MessageSearch.Hit hit : search.search(customerId, null, q, CANDIDATES, null).items()) {
            if (allowed.contains(hit.conversationId())) {
                candidates.add(new Candidate(hit.conversationId(), hit.messageId(), hit.channelTime()));
            }
        }
        if (candidates.isEmpty()) {
            return List.of();
        }
        // Ranked again on the redacted texts, ties by id: the raw-text order would tell which held a redacted term.
        candidates.sort(java.util.Comparator.comparingLong(Candidate::messageId));
        Map<Long, String> raw = new HashMap<>();
        em.createQuery("select m.id, m.text from Message m where m.id in :ids", Object[].class)
                .setParameter("ids", candidates.stream().map(Candidate::messageId).toList()).getResultList()
                .forEach(row -> raw.put((Long) row[0], (String) row[1]));
        String[] masked = new String[candidates.size()];
        for (int i = 0; i < masked.length; i++) {
            masked[i] = mask(summaries.redactedText(raw.get(candidates.get(i).messageId())));
        }
        List<AgentViews.Hit> hits = new ArrayList<>();
        for (Map.Entry<Integer, String> match : highlight(masked, q, limit).entrySet()) {
            Candidate c = candidates.get(match.getKey());
            hits.add(new AgentViews.Hit(c.conversationId().toString(), Long.toString(c.messageId()), c.time(),
                    snippet(match.getValue())));
        }
        return hits;
    }

    /** Index (0-based) of each text that matches, in order, with its headline; at most {@code limit}. */
    @Transactional
    Map<Integer, String> highlight(String[] texts, String q, int limit) throws SQLException {
        Map<Integer, String> out = new java.util.LinkedHashMap<>();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement timeout = c.prepareStatement("select set_config('statement_timeout', ?, true)")) {
                timeout.setString(1, Long.toString(history.searchTimeout().toMillis()));
                timeout.execute();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    select x.o, ts_headline(cfg, x.t, query, ?)
                    from unnest(?::text[]) with ordinality as x(t, o),
                         cast(? as regconfig) as cfg,
                         websearch_to_tsquery(cfg, ?) as query
                    where to_tsvector(cfg, x.t) @@ query
                    order by ts_rank(to_tsvector(cfg, x.t), query) desc, x.o limit ?""")) {
                Array array = c.createArrayOf("text", texts);
                ps.setString(1, MessageSearch.HEADLINE_OPTIONS);
                ps.setArray(2, array);
                ps.setString(3, history.searchConfiguration());
                ps.setString(4, q);
                ps.setInt(5, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put((int) rs.getLong(1) - 1, rs.getString(2));
                    }
                }
            } catch (SQLException e) {
                if ("57014".equals(e.getSQLState())) { // query_canceled: the statement timeout
                    throw new ApiProblem(503, "search-timeout", "Search took too long",
                            "the search was stopped after " + history.searchTimeout().toMillis() + " ms");
                }
                throw e;
            }
        }
        return out;
    }

    /** Whether PostgreSQL parses {@code q} into a query with a NOT ({@code !} outside the quoted lexemes). */
    private boolean negates(String q) throws SQLException {
        String parsed;
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "select websearch_to_tsquery(cast(? as regconfig), ?)::text")) {
            ps.setString(1, history.searchConfiguration());
            ps.setString(2, q);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                parsed = rs.getString(1);
            }
        }
        boolean quoted = false;
        for (int i = 0; parsed != null && i < parsed.length(); i++) {
            char ch = parsed.charAt(i);
            if (ch == '\'') {
                quoted = !quoted; // an escaped quote ('') toggles twice
            } else if (ch == '!' && !quoted) {
                return true;
            }
        }
        return false;
    }

    /** Removes characters the masks and markers use, then masks every placeholder. */
    static String mask(String redacted) {
        if (redacted == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(redacted.length());
        for (int i = 0; i < redacted.length(); i++) {
            char ch = redacted.charAt(i);
            boolean reserved = ch == MessageSearch.MARK_START || ch == MessageSearch.MARK_END || UNMASKS.containsKey(ch);
            out.append(reserved ? ' ' : ch);
        }
        String text = out.toString();
        for (Map.Entry<String, Character> m : MASKS.entrySet()) {
            text = text.replace(m.getKey(), String.valueOf(m.getValue()));
        }
        return text;
    }

    /** Escapes the headline as HTML, turns markers into {@code <mark>} and masks back into placeholders. */
    static String snippet(String headline) {
        return MessageSearch.snippet(headline, ch -> UNMASKS.get((char) ch));
    }
}
