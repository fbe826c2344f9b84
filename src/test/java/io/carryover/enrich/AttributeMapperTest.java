package io.carryover.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.carryover.enrich.AttributeMapper.Limits;
import io.carryover.enrich.AttributeMapper.Naming;
import io.carryover.enrich.Summary.Kind;
import io.carryover.enrich.Summary.Line;

class AttributeMapperTest {

    private static final String PD = "conversationDetails.participantData.";
    private static final Optional<String> LINK = Optional.of("https://carryover.example/agent/conversations/c-1");

    private final AttributeMapper prefixed = new AttributeMapper(Naming.PREFIX, "carryover.", Limits.DEFAULTS);
    private final AttributeMapper participantData = new AttributeMapper(Naming.PARTICIPANT_DATA, "carryover.",
            Limits.DEFAULTS);

    @Test
    void prefixNamingKeysValuesAndOrder() {
        Map<String, String> attributes = prefixed.attributes(twoConversations(), LINK);
        assertEquals(List.of("carryover.headline", "carryover.conversations", "carryover.lastContact",
                "carryover.summary.1", "carryover.summary.2", "carryover.link"), List.copyOf(attributes.keySet()));
        assertEquals("2 prior conversations since 2026-11-10; last 2026-11-20 (card declined); 1 open follow-up",
                attributes.get("carryover.headline"));
        assertEquals("2", attributes.get("carryover.conversations"));
        assertEquals("2026-11-20T10:12:00Z", attributes.get("carryover.lastContact"));
        assertEquals("2026-11-20 · 12 min · Agent Smith · 8 msgs — Asked: My card was declined — "
                + "Outcome: Block lifted, try again. — Follow-up: Agent promised: \"we will call you tomorrow\"",
                attributes.get("carryover.summary.1"));
        assertEquals("2026-11-10 · 3 min · bot · 2 msgs — Asked: Opening hours?",
                attributes.get("carryover.summary.2"));
        assertEquals(LINK.get(), attributes.get("carryover.link"));
    }

    @Test
    void participantDataNamingUsesGenesysLabelsAndDisplayTypes() {
        Map<String, String> attributes = participantData.attributes(twoConversations(), LINK);
        assertEquals(List.of(PD + "Carryover Headline", PD + "Carryover Conversations", PD + "Carryover Last Contact",
                PD + "Carryover Summary 1", PD + "Carryover Summary 2", PD + "Carryover Link"),
                List.copyOf(attributes.keySet()));
        assertEquals("integer:2", attributes.get(PD + "Carryover Conversations"));
        assertEquals("datetime:2026-11-20T10:12:00Z", attributes.get(PD + "Carryover Last Contact"));
        assertTrue(attributes.get(PD + "Carryover Summary 1").startsWith("longtext:2026-11-20 · 12 min"));
        assertTrue(attributes.get(PD + "Carryover Headline").startsWith("2 prior conversations"));
        assertEquals(LINK.get(), attributes.get(PD + "Carryover Link"));
    }

    @Test
    void customPrefixAndDefaults() {
        Map<String, String> attributes = new AttributeMapper(Naming.PREFIX, "acme_", null)
                .attributes(twoConversations(), Optional.empty());
        assertTrue(attributes.containsKey("acme_headline"));
        assertFalse(attributes.keySet().stream().anyMatch(k -> k.endsWith("link")));
        assertTrue(new AttributeMapper(Naming.PREFIX, null, null).attributes(twoConversations(), null)
                .containsKey("carryover.headline"));
    }

    @Test
    void linkIsPresentOnlyWhenGiven() {
        assertEquals(LINK.get(), prefixed.attributes(twoConversations(), LINK).get("carryover.link"));
        assertFalse(prefixed.attributes(twoConversations(), Optional.empty()).containsKey("carryover.link"));
        assertFalse(prefixed.attributes(twoConversations(), Optional.of(" ")).containsKey("carryover.link"));
    }

    @Test
    void emptySummary() {
        Summary empty = new Summary("No prior conversations", List.of(), new Summary.Totals(0, 0, null, null));
        assertEquals(Map.of("carryover.headline", "No prior conversations", "carryover.conversations", "0"),
                prefixed.attributes(empty, Optional.empty()));
        assertEquals(Map.of(PD + "Carryover Headline", "No prior conversations", PD + "Carryover Conversations",
                "integer:0"), participantData.attributes(empty, Optional.empty()));
    }

    @Test
    void neverMoreThanMaxAttributesAndOldestSummariesGoFirst() {
        Summary many = manyConversations(20, 50);
        Map<String, String> attributes = prefixed.attributes(many, LINK);
        assertEquals(10, attributes.size());
        assertTrue(attributes.containsKey("carryover.link"));
        assertTrue(attributes.containsKey("carryover.lastContact"));
        assertEquals(List.of("carryover.summary.1", "carryover.summary.2", "carryover.summary.3",
                "carryover.summary.4", "carryover.summary.5", "carryover.summary.6"),
                attributes.keySet().stream().filter(k -> k.startsWith("carryover.summary.")).toList());
        assertTrue(attributes.get("carryover.summary.1").startsWith("2026-12-20"), "newest first");
        assertTrue(attributes.get("carryover.summary.6").startsWith("2026-12-15"));
    }

    @Test
    void tinyAttributeBudgetKeepsHeadlineFirst() {
        Limits two = new Limits(2, 1000, 8192);
        Map<String, String> attributes = new AttributeMapper(Naming.PREFIX, null, two)
                .attributes(twoConversations(), LINK);
        assertEquals(List.of("carryover.headline", "carryover.link"), List.copyOf(attributes.keySet()));
        attributes = new AttributeMapper(Naming.PREFIX, null, two).attributes(twoConversations(), Optional.empty());
        assertEquals(List.of("carryover.headline", "carryover.conversations"), List.copyOf(attributes.keySet()));
    }

    @Test
    void everyValueFitsMaxValueChars() {
        Limits limits = new Limits(10, 300, 8192);
        for (Naming naming : Naming.values()) {
            Map<String, String> attributes = new AttributeMapper(naming, null, limits)
                    .attributes(manyConversations(3, 400), LINK);
            attributes.values().forEach(v -> assertTrue(v.length() <= 300, v.length() + ": " + v));
            String summary = attributes.entrySet().stream().filter(e -> e.getKey().contains("ummary"))
                    .findFirst().orElseThrow().getValue();
            assertTrue(summary.contains(" — Follow-up: "), "long parts shrink first: " + summary);
            assertTrue(summary.contains("2026-12-20 · 12 min · Agent 20 · 8 msgs"), summary);
        }
    }

    @Test
    void evenTightValueLimitsHold() {
        for (int max : new int[] { 32, 60, 121 }) {
            for (Naming naming : Naming.values()) {
                Map<String, String> attributes = new AttributeMapper(naming, null, new Limits(10, max, 8192))
                        .attributes(manyConversations(3, 400, "ß"), Optional.empty());
                attributes.values().forEach(v -> assertTrue(v.length() <= max, v.length() + ": " + v));
                assertEquals(6, attributes.size());
            }
        }
    }

    @Test
    void tooLongLinkIsDroppedNotCut() {
        Limits limits = new Limits(10, 40, 8192);
        Map<String, String> attributes = new AttributeMapper(Naming.PREFIX, null, limits)
                .attributes(twoConversations(), Optional.of("https://carryover.example/a/very/long/path/to/c-1"));
        assertFalse(attributes.containsKey("carryover.link"));
    }

    @Test
    void totalBytesAreCountedInUtf8() {
        // 3 bytes per char: 20 conversations of ~900 chars would be ~54 kB
        Summary many = manyConversations(20, 300, "€");
        for (Naming naming : Naming.values()) {
            Map<String, String> attributes = new AttributeMapper(naming, null, Limits.DEFAULTS).attributes(many, LINK);
            assertTrue(utf8(attributes) <= 8192, "total " + utf8(attributes));
            long summaries = attributes.keySet().stream().filter(k -> k.contains("ummary")).count();
            // counting chars, all 6 summaries the attribute limit allows would fit
            assertTrue(summaries >= 1 && summaries < 6, "oldest dropped to fit bytes: " + summaries);
            assertTrue(attributes.values().stream().anyMatch(v -> v.contains("2026-12-20")), "newest kept");
            assertFalse(attributes.values().stream().anyMatch(v -> v.contains("2026-12-15")), "oldest dropped");
        }
    }

    @Test
    void headlineIsShortenedWhenSummariesAreNotEnough() {
        String longHeadline = "Ünïcödé ".repeat(120).strip(); // ~960 chars, 2 bytes for most
        Summary summary = new Summary(longHeadline, conversation(1, "x", "y", 10).lines(),
                new Summary.Totals(1, 2, Instant.parse("2026-11-20T10:00:00Z"), Instant.parse("2026-11-20T10:00:00Z")));
        Limits limits = new Limits(10, 1000, 400);
        Map<String, String> attributes = new AttributeMapper(Naming.PREFIX, null, limits).attributes(summary, LINK);
        assertTrue(utf8(attributes) <= 400, "total " + utf8(attributes));
        assertFalse(attributes.containsKey("carryover.summary.1"));
        assertTrue(attributes.get("carryover.headline").endsWith("…"));
        assertTrue(attributes.get("carryover.headline").startsWith("Ünïcödé Ünïcödé"));
        assertEquals(List.of("carryover.headline", "carryover.conversations", "carryover.lastContact",
                "carryover.link"), List.copyOf(attributes.keySet()));
    }

    @Test
    void absurdlySmallByteBudgetDropsLowPriorityAttributes() {
        Limits limits = new Limits(10, 1000, 60);
        Map<String, String> attributes = new AttributeMapper(Naming.PREFIX, null, limits)
                .attributes(twoConversations(), LINK);
        assertTrue(utf8(attributes) <= 60, "total " + utf8(attributes));
        assertTrue(attributes.containsKey("carryover.headline"), attributes.toString());
        assertEquals(Map.of(), new AttributeMapper(Naming.PREFIX, null, new Limits(10, 1000, 5))
                .attributes(twoConversations(), LINK));
    }

    @Test
    void linesBeforeAnyConversationLineStandAlone() {
        Summary freeForm = new Summary("h", List.of(new Line(Kind.OUTCOME, "resolved", List.of()),
                new Line(Kind.FOLLOW_UP, "call back", List.of())), new Summary.Totals(1, 1, null, null));
        Map<String, String> attributes = prefixed.attributes(freeForm, Optional.empty());
        assertEquals("Outcome: resolved — Follow-up: call back", attributes.get("carryover.summary.1"));
    }

    @Test
    void deterministic() {
        Summary many = manyConversations(20, 300, "é");
        assertEquals(List.copyOf(participantData.attributes(many, LINK).entrySet()),
                List.copyOf(participantData.attributes(many, LINK).entrySet()));
    }

    @Test
    void limitsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new Limits(0, 1000, 8192));
        assertThrows(IllegalArgumentException.class, () -> new Limits(10, 10, 8192));
        assertThrows(IllegalArgumentException.class, () -> new Limits(10, 1000, 0));
        assertEquals(new Limits(10, 1000, 8192), Limits.DEFAULTS);
    }

    @Test
    void byteTruncation() {
        assertEquals("€€…", AttributeMapper.truncateToBytes("€€ €€ €€", 10));
        assertEquals("€€ €€…", AttributeMapper.truncateToBytes("€€ €€ €€", 19));
        assertEquals("ab", AttributeMapper.truncateToBytes("ab", 2));
        assertEquals("", AttributeMapper.truncateToBytes("abc", 0));
    }

    private static int utf8(Map<String, String> attributes) {
        return attributes.entrySet().stream().mapToInt(e -> e.getKey().getBytes(StandardCharsets.UTF_8).length
                + e.getValue().getBytes(StandardCharsets.UTF_8).length).sum();
    }

    private static Summary twoConversations() {
        List<Line> lines = List.of(
                new Line(Kind.CONVERSATION, "2026-11-20 · 12 min · Agent Smith · 8 msgs", List.of(1L, 8L)),
                new Line(Kind.OPENING_REQUEST, "My card was declined", List.of(2L)),
                new Line(Kind.OUTCOME, "Block lifted, try again.", List.of(7L)),
                new Line(Kind.FOLLOW_UP, "Agent promised: \"we will call you tomorrow\"", List.of(7L)),
                new Line(Kind.CONVERSATION, "2026-11-10 · 3 min · bot · 2 msgs", List.of(20L, 21L)),
                new Line(Kind.OPENING_REQUEST, "Opening hours?", List.of(20L)));
        return new Summary("2 prior conversations since 2026-11-10; last 2026-11-20 (card declined); 1 open follow-up",
                lines, new Summary.Totals(2, 10, Instant.parse("2026-11-10T09:00:00Z"),
                        Instant.parse("2026-11-20T10:12:00.250Z")));
    }

    private static Summary manyConversations(int count, int textChars) {
        return manyConversations(count, textChars, "a");
    }

    /** {@code count} conversations, newest (2026-12-20) first, each with long texts made of {@code unit}. */
    private static Summary manyConversations(int count, int textChars, String unit) {
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.addAll(conversation(20 - i, words(unit, textChars), words(unit, textChars), textChars).lines());
        }
        return new Summary("many", lines, new Summary.Totals(count, count * 8, Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-12-20T10:12:00Z")));
    }

    private static Summary conversation(int day, String asked, String outcome, int followUpChars) {
        String date = day > 0 ? String.format("2026-12-%02d", day) : "2026-01-01";
        List<Line> lines = List.of(
                new Line(Kind.CONVERSATION, date + " · 12 min · Agent " + day + " · 8 msgs", List.of(1L)),
                new Line(Kind.OPENING_REQUEST, asked, List.of(2L)),
                new Line(Kind.OUTCOME, outcome, List.of(3L)),
                new Line(Kind.FOLLOW_UP, "Unanswered: \"" + words("z", Math.min(followUpChars, 60)) + "\"",
                        List.of(4L)));
        return new Summary("h", lines, new Summary.Totals(1, 8, null, null));
    }

    private static String words(String unit, int chars) {
        StringBuilder text = new StringBuilder();
        while (text.length() < chars) {
            text.append(unit.repeat(7)).append(' ');
        }
        return text.toString().strip();
    }
}
