package io.carryover.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.carryover.enrich.CustomerHistory.PriorConversation;
import io.carryover.enrich.CustomerHistory.PriorMessage;
import io.carryover.enrich.Summary.Kind;
import io.carryover.enrich.Summary.Line;

class DeterministicSummarizerTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private final DeterministicSummarizer summarizer = new DeterministicSummarizer(5,
            Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void emptyHistoryHasAHeadlineAndNothingElse() {
        for (CustomerHistory history : Arrays.asList(null, new CustomerHistory(null),
                new CustomerHistory(List.of()))) {
            Summary summary = summarizer.summarize(history);
            assertEquals("No prior conversations", summary.headline());
            assertTrue(summary.lines().isEmpty());
            assertEquals(0, summary.totals().conversations());
            assertEquals(0, summary.totals().messages());
            assertNull(summary.totals().firstContact());
            assertNull(summary.totals().lastContact());
        }
    }

    @Test
    void closedConversationGivesConversationOpeningAndOutcome() {
        Builder c = new Builder("2026-11-20T10:00:00Z", "CLOSED");
        c.customer(1, "hi", 0);
        c.event(2, "Presence:Join", 30);
        c.agent(3, "Agent Smith", "Hello, how can I help?", 60);
        c.customer(4, "My card payment was declined twice today.", 120);
        c.agent(5, "Agent Smith", "I have lifted the block on your card, please try again.", 400);
        c.agent(6, "Agent Smith", "Anything else? Have a nice day!", 700);
        c.event(7, "Presence:Disconnect", 720);

        Summary summary = summarizer.summarize(new CustomerHistory(List.of(c.build())));

        assertEquals(List.of(Kind.CONVERSATION, Kind.OPENING_REQUEST, Kind.OUTCOME), kinds(summary));
        Line conversation = summary.lines().get(0);
        assertEquals("2026-11-20 · 12 min · Agent Smith · 5 msgs", conversation.text());
        assertEquals(List.of(1L, 3L, 4L, 5L, 6L), conversation.sourceMessageIds());
        Line opening = summary.lines().get(1);
        assertEquals("My card payment was declined twice today.", opening.text());
        assertEquals(List.of(4L), opening.sourceMessageIds());
        Line outcome = summary.lines().get(2);
        assertEquals("I have lifted the block on your card, please try again. Anything else? Have a nice day!",
                outcome.text());
        assertEquals(List.of(5L, 6L), outcome.sourceMessageIds());
        assertEquals("1 prior conversation on 2026-11-20 (My card payment was declined twice today.)",
                summary.headline());
        assertEquals(1, summary.totals().conversations());
        assertEquals(5, summary.totals().messages());
        assertEquals(Instant.parse("2026-11-20T10:00:00Z"), summary.totals().firstContact());
        assertEquals(Instant.parse("2026-11-20T10:12:00Z"), summary.totals().lastContact());
    }

    @Test
    void greetingsAreSkippedUnlessThereIsNothingElse() {
        Builder c = new Builder("2026-11-20T10:00:00Z", "CLOSED");
        c.customer(1, "Hello!", 0);
        c.customer(2, "good morning 👋", 5);
        c.customer(3, "Hi there, I want to change my delivery address", 10);
        c.agent(4, "Ann", "Done.", 60);
        Summary summary = summarizer.summarize(new CustomerHistory(List.of(c.build())));
        Line opening = line(summary, Kind.OPENING_REQUEST);
        assertEquals("Hi there, I want to change my delivery address", opening.text());
        assertEquals(List.of(3L), opening.sourceMessageIds());
        // the headline drops the greeting
        assertTrue(summary.headline().endsWith("(I want to change my delivery address)"), summary.headline());

        Builder onlyGreetings = new Builder("2026-11-20T10:00:00Z", "CLOSED");
        onlyGreetings.customer(1, "hey", 0);
        onlyGreetings.customer(2, "Hello?", 5);
        onlyGreetings.agent(3, "Ann", "Hi, how can I help?", 60);
        Line first = line(summarizer.summarize(new CustomerHistory(List.of(onlyGreetings.build()))),
                Kind.OPENING_REQUEST);
        assertEquals("hey", first.text());
        assertEquals(List.of(1L), first.sourceMessageIds());
    }

    @Test
    void greetingDetection() {
        assertTrue(DeterministicSummarizer.greetingOnly("Hi"));
        assertTrue(DeterministicSummarizer.greetingOnly("hello there!!"));
        assertTrue(DeterministicSummarizer.greetingOnly("Good evening"));
        assertTrue(DeterministicSummarizer.greetingOnly("👋"));
        assertFalse(DeterministicSummarizer.greetingOnly("hi, where is my parcel?"));
        assertFalse(DeterministicSummarizer.greetingOnly("good news"));
    }

    @Test
    void longOpeningRequestIsCutOnAWordBoundary() {
        String words = "my order arrived damaged and the replacement never came ".repeat(10);
        Builder c = new Builder("2026-11-20T10:00:00Z", "CLOSED");
        c.customer(1, words, 0);
        c.agent(2, "Ann", "Sorry to hear that.", 60);
        String text = line(summarizer.summarize(new CustomerHistory(List.of(c.build()))), Kind.OPENING_REQUEST)
                .text();
        assertTrue(text.length() <= DeterministicSummarizer.TEXT_LIMIT, text);
        assertTrue(text.endsWith("…"), text);
        assertTrue(words.startsWith(text.substring(0, text.length() - 1)), "cut between words: " + text);
        assertTrue(words.contains(text.substring(0, text.length() - 1) + " "), "cut between words: " + text);
    }

    @Test
    void customerHavingTheLastWordIsAFollowUp() {
        Builder c = new Builder("2026-11-20T10:00:00Z", "READ_ONLY");
        c.customer(1, "Where is my refund?", 0);
        c.agent(2, "Ann", "Let me check.", 60);
        c.customer(3, "Hello?", 600);
        c.customer(4, "Are you still there?", 660);
        Summary summary = summarizer.summarize(new CustomerHistory(List.of(c.build())));
        Line followUp = line(summary, Kind.FOLLOW_UP);
        assertEquals("Unanswered: \"Hello? Are you still there?\"", followUp.text());
        assertEquals(List.of(3L, 4L), followUp.sourceMessageIds());
        assertTrue(summary.headline().endsWith("; 1 open follow-up"), summary.headline());
        assertEquals("2026-11-20 · 11 min · Ann · 4 msgs", summary.lines().get(0).text(), "read-only is not open");
    }

    @Test
    void agentPromiseIsAFollowUp() {
        Builder c = new Builder("2026-11-20T10:00:00Z", "CLOSED");
        c.customer(1, "My invoice is wrong", 0);
        c.agent(2, "Ann", "I’ll escalate this to billing and we will email you within 24 hours.", 60);
        c.agent(3, "Ann", "Have a good day!", 90);
        Summary summary = summarizer.summarize(new CustomerHistory(List.of(c.build())));
        Line followUp = line(summary, Kind.FOLLOW_UP);
        assertEquals("Agent promised: \"I’ll escalate this to billing and we will email you within 24 hours.\"",
                followUp.text());
        assertEquals(List.of(2L), followUp.sourceMessageIds());
    }

    @Test
    void noFollowUpWhenTheAgentClosedItOff() {
        Builder c = new Builder("2026-11-20T10:00:00Z", "CLOSED");
        c.customer(1, "How do I reset my password?", 0);
        c.agent(2, "Ann", "Use the link on the sign-in page.", 60);
        Summary summary = summarizer.summarize(new CustomerHistory(List.of(c.build())));
        assertEquals(List.of(Kind.CONVERSATION, Kind.OPENING_REQUEST, Kind.OUTCOME), kinds(summary));
        assertFalse(summary.headline().contains("follow-up"));
    }

    @Test
    void activeConversationIsStillOpen() {
        Builder c = new Builder("2026-11-25T09:00:00Z", "ACTIVE");
        c.customer(1, "I need a copy of my contract", 0);
        c.agent(2, "Ann", "One moment please.", 30);
        Summary summary = summarizer.summarize(new CustomerHistory(List.of(c.build())));
        assertEquals("2026-11-25 · <1 min · Ann · 2 msgs · still open, last activity 2 h 59 min ago",
                summary.lines().get(0).text());
        Line followUp = line(summary, Kind.FOLLOW_UP);
        assertEquals("Still open", followUp.text());
        assertEquals(List.of(2L), followUp.sourceMessageIds());
    }

    @Test
    void botsAndSeveralAgentsAreNamed() {
        Builder c = new Builder("2026-11-20T10:00:00Z", "CLOSED");
        c.message(1, "Outbound", "Text", null, "Welcome! What can I do for you?", "Kai", "Bot", 0);
        c.customer(2, "Talk to a human", 10);
        c.message(3, "Outbound", "Text", null, "Connecting you…", "Kai", "Bot", 20);
        c.agent(4, "Ann", "Hi, Ann here.", 60);
        c.agent(5, "Bob", "Bob taking over.", 120);
        c.agent(6, "Ann", "Back to Ann.", 180);
        c.agent(7, null, "Bye.", 7500);
        Summary summary = summarizer.summarize(new CustomerHistory(List.of(c.build())));
        assertEquals("2026-11-20 · 2 h 5 min · bot, Ann, Bob, agent · 7 msgs", summary.lines().get(0).text());
    }

    @Test
    void durationFormats() {
        assertEquals("<1 min", DeterministicSummarizer.duration(Duration.ofSeconds(59)));
        assertEquals("1 min", DeterministicSummarizer.duration(Duration.ofSeconds(60)));
        assertEquals("59 min", DeterministicSummarizer.duration(Duration.ofMinutes(59)));
        assertEquals("1 h", DeterministicSummarizer.duration(Duration.ofMinutes(60)));
        assertEquals("2 h 5 min", DeterministicSummarizer.duration(Duration.ofMinutes(125)));
        assertEquals("1 d 3 h", DeterministicSummarizer.duration(Duration.ofHours(27)));
        assertEquals("<1 min", DeterministicSummarizer.duration(Duration.ofMinutes(-5)));
    }

    @Test
    void durationRunsToTheLastMessageNotALateEndedAt() {
        Builder c = new Builder("2026-11-20T10:00:00Z", "CLOSED");
        c.endedAt = Instant.parse("2026-11-23T10:00:00Z"); // session expiry, days later
        c.customer(1, "Question about fees", 0);
        c.agent(2, "Ann", "Answered.", 300);
        assertEquals("2026-11-20 · 5 min · Ann · 2 msgs",
                summarizer.summarize(new CustomerHistory(List.of(c.build()))).lines().get(0).text());

        Builder silent = new Builder("2026-11-20T10:00:00Z", "CLOSED");
        silent.endedAt = Instant.parse("2026-11-20T10:03:00Z");
        assertEquals("2026-11-20 · 3 min · no agent · 0 msgs",
                summarizer.summarize(new CustomerHistory(List.of(silent.build()))).lines().get(0).text());
    }

    @Test
    void onlyTheNewestConversationsGetLinesButTotalsCountAll() {
        List<PriorConversation> conversations = new ArrayList<>();
        for (int day = 20; day >= 13; day--) { // newest first
            Builder c = new Builder("2026-11-" + day + "T10:00:00Z", "CLOSED");
            c.customer(day * 10, "Question from the " + day + "th", 0);
            c.agent(day * 10 + 1, "Ann", "Answer.", 60);
            conversations.add(c.build());
        }
        Summary summary = new DeterministicSummarizer(3, Clock.fixed(NOW, ZoneOffset.UTC))
                .summarize(new CustomerHistory(conversations));
        List<String> dates = summary.lines().stream().filter(l -> l.kind() == Kind.CONVERSATION)
                .map(l -> l.text().substring(0, 10)).toList();
        assertEquals(List.of("2026-11-20", "2026-11-19", "2026-11-18"), dates);
        assertEquals(8, summary.totals().conversations());
        assertEquals(16, summary.totals().messages());
        assertEquals(Instant.parse("2026-11-13T10:00:00Z"), summary.totals().firstContact());
        assertEquals(Instant.parse("2026-11-20T10:01:00Z"), summary.totals().lastContact());
        assertEquals("8 prior conversations since 2026-11-13; last 2026-11-20 (Question from the 20th)",
                summary.headline());
    }

    @Test
    void headlineCountsOpenFollowUps() {
        Builder open = new Builder("2026-11-20T10:00:00Z", "ACTIVE");
        open.customer(1, "Is my parcel lost?", 0);
        Builder promised = new Builder("2026-11-10T10:00:00Z", "CLOSED");
        promised.customer(2, "The app crashes on start", 0);
        promised.agent(3, "Ann", "Our developers will follow up by e-mail.", 60);
        Summary summary = summarizer.summarize(new CustomerHistory(List.of(open.build(), promised.build())));
        assertEquals("2 prior conversations since 2026-11-10; last 2026-11-20 (Is my parcel lost?); "
                + "2 open follow-ups", summary.headline());
        Line followUp = summary.lines().stream().filter(l -> l.kind() == Kind.FOLLOW_UP).findFirst().orElseThrow();
        assertEquals("Still open; Unanswered: \"Is my parcel lost?\"", followUp.text());
        assertEquals(List.of(1L), followUp.sourceMessageIds());
    }

    @Test
    void longConversationsCiteTheFirstAndLastTenTextIds() {
        Builder c = new Builder("2026-11-20T10:00:00Z", "CLOSED");
        for (int i = 1; i <= 30; i++) {
            if (i % 2 == 1) {
                c.customer(i, "question " + i, i);
            } else {
                c.agent(i, "Ann", "answer " + i, i);
            }
        }
        List<Long> ids = summarizer.summarize(new CustomerHistory(List.of(c.build()))).lines().get(0)
                .sourceMessageIds();
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 21L, 22L, 23L, 24L, 25L, 26L, 27L, 28L, 29L,
                30L), ids);
    }

    @Test
    void sameInputSameOutput() {
        Builder c = new Builder("2026-11-20T10:00:00Z", "ACTIVE");
        c.customer(1, "hello", 0);
        c.customer(2, "I was charged twice", 10);
        c.agent(3, "Ann", "I'll get back to you tomorrow.", 60);
        CustomerHistory history = new CustomerHistory(List.of(c.build()));
        assertEquals(summarizer.summarize(history), summarizer.summarize(history));
        assertEquals(summarizer.summarize(history),
                new DeterministicSummarizer(5, Clock.fixed(NOW, ZoneOffset.UTC)).summarize(history));
    }

    @Test
    void toleratesMissingFields() {
        PriorConversation bare = new PriorConversation(UUID.randomUUID(), null, null, null, null);
        Summary summary = summarizer.summarize(new CustomerHistory(Arrays.asList(bare, null)));
        assertEquals("unknown date · no agent · 0 msgs", summary.lines().get(0).text());
        assertEquals("1 prior conversation on unknown date", summary.headline());
        assertThrows(IllegalArgumentException.class, () -> new DeterministicSummarizer(-1, Clock.systemUTC()));
    }

    private static List<Kind> kinds(Summary summary) {
        return summary.lines().stream().map(Line::kind).collect(Collectors.toList());
    }

    private static Line line(Summary summary, Kind kind) {
        return summary.lines().stream().filter(l -> l.kind() == kind).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " line in " + summary.lines()));
    }

    /** A conversation whose messages are placed at seconds after its start. */
    static final class Builder {
        final Instant start;
        final String state;
        Instant endedAt;
        final List<PriorMessage> messages = new ArrayList<>();

        Builder(String start, String state) {
            this.start = Instant.parse(start);
            this.state = state;
        }

        Builder customer(long id, String text, int second) {
            return message(id, "Inbound", "Text", null, text, null, null, second);
        }

        Builder agent(long id, String name, String text, int second) {
            return message(id, "Outbound", "Text", null, text, name, "Human", second);
        }

        Builder event(long id, String eventType, int second) {
            return message(id, "Outbound", "Event", eventType, null, null, null, second);
        }

        Builder message(long id, String direction, String type, String eventType, String text, String sender,
                String entity, int second) {
            messages.add(new PriorMessage(id, direction, type, eventType, text, sender, entity,
                    start.plusSeconds(second)));
            return this;
        }

        PriorConversation build() {
            return new PriorConversation(UUID.nameUUIDFromBytes(start.toString().getBytes()), start, endedAt, state,
                    List.copyOf(messages));
        }
    }
}
