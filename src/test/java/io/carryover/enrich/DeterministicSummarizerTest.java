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
        assertEquals("I have lifted the block on your card, please try again.", outcome.text(), "no sign-off");
        assertEquals(List.of(5L), outcome.sourceMessageIds());
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
        assertTrue(ChatPhrases.greetingOnly("Hi"));
        assertTrue(ChatPhrases.greetingOnly("hello there!!"));
        assertTrue(ChatPhrases.greetingOnly("Good evening"));
        assertTrue(ChatPhrases.greetingOnly("👋"));
        assertFalse(ChatPhrases.greetingOnly("hi, where is my parcel?"));
        assertFalse(ChatPhrases.greetingOnly("good news"));
    }

    @Test
    void longOpeningRequestIsCutOnAWordBoundary() {
        String words = "my order arrived damaged and the replacement never came ".repeat(10);
        Builder c = new Builder("2026-11-20T10:00:00Z", "CLOSED");
        c.customer(1, words, 0);
        c.agent(2, "Ann", "Sorry to hear that.", 60);
        String text = line(summarizer.summarize(new CustomerHistory(List.of(c.build()))), Kind.OPENING_REQUEST)
                .text();
        assertTrue(text.length() <= Texts.LINE_LIMIT, text);
        assertTrue(text.endsWith("…"), text);
        assertTrue(words.startsWith(text.substring(0, text.length() - 1)), "cut between words: " + text);
        assertTrue(words.contains(text.substring(0, text.length() - 1) + " "), "cut between words: " + text);
    }

    /** "Let me check." answers nothing, so the refund question itself is what is left open, not just the nudge. */
    @Test
    void customerHavingTheLastWordIsAFollowUp() {
        Builder c = new Builder("2026-11-20T10:00:00Z", "READ_ONLY");
        c.customer(1, "Where is my refund?", 0);
        c.agent(2, "Ann", "Let me check.", 60);
        c.customer(3, "Hello?", 600);
        c.customer(4, "Are you still there?", 660);
        Summary summary = summarizer.summarize(new CustomerHistory(List.of(c.build())));
        Line followUp = line(summary, Kind.FOLLOW_UP);
        assertEquals("Unanswered: \"Where is my refund? Are you still there?\"", followUp.text());
        assertEquals(List.of(1L, 4L), followUp.sourceMessageIds());
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
        // "One moment please." is no answer: the request is still waiting for one
        assertEquals("Still open; Unanswered: \"I need a copy of my contract\"", followUp.text());
        assertEquals(List.of(1L, 2L), followUp.sourceMessageIds());
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

    /** Issue 8 §3: the outcome quoted the auto-reply when it was the last outbound text. */
    @Test
    void outcomeNeverQuotesTheCannedAutoReply() {
        Builder left = new Builder("2026-11-20T10:00:00Z", "CLOSED");
        left.customer(1, "I need to move my delivery to Monday", 0);
        left.agent(2, "Acme Support", "Thanks — an agent will be with you shortly.", 1);
        Summary summary = summarizer.summarize(new CustomerHistory(List.of(left.build())));
        assertEquals(List.of(Kind.CONVERSATION, Kind.OPENING_REQUEST, Kind.FOLLOW_UP), kinds(summary));
        assertEquals("Unanswered: \"I need to move my delivery to Monday\"", line(summary, Kind.FOLLOW_UP).text());
        assertEquals("2026-11-20 · <1 min · no agent · 2 msgs", summary.lines().get(0).text(),
                "the auto-reply's sender is not an agent the customer talked to");

        Builder answered = new Builder("2026-11-20T10:00:00Z", "CLOSED");
        answered.customer(1, "Can I pay by invoice?", 0);
        answered.agent(2, "Acme Support", "Thanks — an agent will be with you shortly.", 1);
        answered.agent(3, "Ann", "Yes, invoices are available for business accounts.", 60);
        answered.agent(4, "Acme Support", "Thank you for contacting Acme. This chat will now close.", 90);
        Line outcome = line(summarizer.summarize(new CustomerHistory(List.of(answered.build()))), Kind.OUTCOME);
        assertEquals("Yes, invoices are available for business accounts.", outcome.text());
        assertEquals(List.of(3L), outcome.sourceMessageIds());
    }

    @Test
    void introductionsAndGreetingsAreNotTheOutcomeButAGreetedAnswerIs() {
        for (String chatter : List.of("Hi, I'm Tom.", "Hello, this is Priya.", "Hi, this is Meera, team lead.",
                "Hi, Bob from tech here.", "Hello, Maya from retention.", "Hola, soy Diego.",
                "Guten Tag, hier ist Anna.",
                "Bonjour, je suis Hugo.", "Hi, sorry about that!", "Anything else I can do for you?",
                "Let me check.", "Have a great weekend!")) {
            assertTrue(ChatPhrases.chatter(chatter), chatter);
        }
        for (String answer : List.of("Hello, your refund was issued today.", "I'm afraid the parcel is lost.",
                "Done.", "Hi Sara, yes: your direct debit moves to the 15th.")) {
            assertFalse(ChatPhrases.chatter(answer), answer);
        }
    }

    @Test
    void theOrgsOwnCannedRepliesAreConfigured() {
        Builder c = new Builder("2026-11-20T10:00:00Z", "CLOSED");
        c.customer(1, "Can I pay by invoice?", 0);
        c.agent(2, "Ann", "Yes, invoices are available for business accounts.", 60);
        c.agent(3, "Acme Desk", "Our office replies within one business day. Thank you!", 90);
        CustomerHistory history = new CustomerHistory(List.of(c.build()));
        assertEquals("Yes, invoices are available for business accounts. "
                + "Our office replies within one business day.",
                line(summarizer.summarize(history), Kind.OUTCOME).text(), "not a built-in canned phrase");
        assertEquals("2026-11-20 · 1 min · Ann, Acme Desk · 3 msgs",
                summarizer.summarize(history).lines().get(0).text());

        Summary configured = new DeterministicSummarizer(5, Clock.fixed(NOW, ZoneOffset.UTC),
                List.of("office replies within \\w+ business days?")).summarize(history);
        assertEquals("Yes, invoices are available for business accounts.", line(configured, Kind.OUTCOME).text());
        assertEquals("2026-11-20 · 1 min · Ann · 3 msgs", configured.lines().get(0).text());

        IllegalArgumentException invalid = assertThrows(IllegalArgumentException.class,
                () -> new DeterministicSummarizer(5, Clock.systemUTC(), List.of("fine", "(unclosed")));
        assertTrue(invalid.getMessage().startsWith("Canned reply pattern #2 is not a valid regular expression"),
                invalid.getMessage());
    }

    /** Issue 8 §3: the follow-up quoted the start of a long message and lost the promise at its end. */
    @Test
    void followUpQuotesThePromiseItself() {
        Builder c = new Builder("2026-11-20T10:00:00Z", "CLOSED");
        c.customer(1, "My payment failed twice", 0);
        c.agent(2, "Lena", "Sorry about that: our payment provider had an outage this morning, which is why both "
                + "attempts failed and no money was taken, so nothing is wrong on your side and you can retry "
                + "tomorrow. I will email the confirmation once your order is paid.", 60);
        Summary summary = summarizer.summarize(new CustomerHistory(List.of(c.build())));
        assertEquals("Agent promised: \"I will email the confirmation once your order is paid.\"",
                line(summary, Kind.FOLLOW_UP).text());
        assertFalse(line(summary, Kind.OUTCOME).text().contains("I will email"), "the promise is the follow-up");

        Builder clause = new Builder("2026-11-20T10:00:00Z", "CLOSED");
        clause.customer(1, "When is the kettle back?", 0);
        clause.agent(2, "Noor", "It is due back next week, but the day depends on the supplier's delivery slot; "
                + "we will email you as soon as it ships, and you can follow the order in the app.", 60);
        Summary clauseSummary = summarizer.summarize(new CustomerHistory(List.of(clause.build())));
        assertEquals("Agent promised: \"we will email you as soon as it ships, and you can follow the order in the "
                + "app.\"", line(clauseSummary, Kind.FOLLOW_UP).text());
        assertEquals("It is due back next week, but the day depends on the supplier's delivery slot",
                line(clauseSummary, Kind.OUTCOME).text());
    }

    /** Issue 8 §3 ("I will check back with you on Friday" was missed) and the forms promises take. */
    @Test
    void promisesAreRecognisedInTheirManyForms() {
        List<String> promises = List.of("I will check back with you on Friday.", "I'll check back with you on Friday.",
                "I will email the confirmation.", "We’ll call you tomorrow.", "we will text you the code",
                "I have escalated this, you will hear from us within 48 hours.",
                "You'll receive a confirmation email within 24 hours.", "I'm going to send you a new router.",
                "Our developers will follow up by e-mail.",
                "Wir melden uns morgen per E-Mail.", "Ich werde Ihnen die Rechnung schicken.",
                "Le enviaré un correo mañana.", "Nos pondremos en contacto con usted el lunes.",
                "Je vous enverrai l'étiquette par e-mail.", "Nous vous rappellerons demain.");
        for (String promise : promises) {
            assertTrue(ChatPhrases.promiseStart(promise).isPresent(), promise);
        }
        List<String> notPromises = List.of("I will transfer you to our retention team.", "Let me check.",
                "I'll check with the warehouse and get back to you in a moment.", "It will arrive on Friday.",
                "I've refunded the charge.", "Can you send us a photo?", "I will look at your account now.",
                "Ich habe das Netzteil bestellt.", "He cambiado la dirección.", "J'ai ouvert une enquête.");
        for (String notPromise : notPromises) {
            assertFalse(ChatPhrases.promiseStart(notPromise).isPresent(), notPromise);
        }
    }

    @Test
    void theLatestTwoPromisesAreQuotedInTheirLanguage() {
        Builder c = new Builder("2026-11-20T10:00:00Z", "CLOSED");
        c.customer(1, "Hi, I was charged twice", 0);
        c.customer(2, "mejor en español: me cobraron dos veces", 10);
        c.agent(3, "Lucía", "Le enviaré el justificante hoy.", 60);
        c.agent(4, "Lucía", "He solicitado el reembolso. Le llamaremos el lunes para confirmarlo.", 70);
        c.agent(5, "Lucía", "Le enviaré el justificante hoy.", 80);
        Summary summary = summarizer.summarize(new CustomerHistory(List.of(c.build())));
        assertEquals("Agent promised: \"Le llamaremos el lunes para confirmarlo.\", \"Le enviaré el justificante "
                + "hoy.\"", line(summary, Kind.FOLLOW_UP).text());
        assertEquals(List.of(4L, 5L), line(summary, Kind.FOLLOW_UP).sourceMessageIds());
        assertTrue(summary.headline().endsWith("(I was charged twice); 1 open follow-up"), summary.headline());
    }

    /** Issue 8 §3: the headline topic started mid-phrase ("again, is my payment sorted now?"). */
    @Test
    void headlineTopicStartsClean() {
        assertEquals("(Is my payment sorted now?)", topicOf("again, is my payment sorted now?"));
        assertEquals("(I want to cancel my gym membership)", topicOf("ok so I want to cancel my gym membership"));
        assertEquals("(Ist meine Rückerstattung schon da?)",
                topicOf("Hallo, nochmal: ist meine Rückerstattung schon da?"));
        assertEquals("(Mon colis est marqué livré)", topicOf("Bonjour, alors, mon colis est marqué livré"));
        assertEquals("(My card keeps getting declined.)",
                topicOf("Hello, my card keeps getting declined. The card is 4539 1488 0343 6467."));
        assertEquals("(iPhone screen cracked in the box)", topicOf("iPhone screen cracked in the box"));
        assertEquals("(No internet since Monday)", topicOf("No internet since Monday"));
    }

    @Test
    void menuPicksAndFillersAreNoTopic() {
        Builder c = new Builder("2026-11-20T10:00:00Z", "CLOSED");
        c.message(1, "Outbound", "Text", null, "Reply 1 for billing, 2 for delivery.", "Kai", "Bot", 0);
        c.customer(2, "2", 10);
        c.customer(3, "ok so", 20);
        c.customer(4, "my order says delivered but it is not here", 30);
        Summary summary = summarizer.summarize(new CustomerHistory(List.of(c.build())));
        assertEquals(List.of(4L), line(summary, Kind.OPENING_REQUEST).sourceMessageIds());

        Builder greeting = new Builder("2026-11-20T10:00:00Z", "CLOSED");
        greeting.customer(1, "hi", 0);
        Summary onlyHi = summarizer.summarize(new CustomerHistory(List.of(greeting.build())));
        assertEquals("1 prior conversation on 2026-11-20", onlyHi.headline(), "no topic, no follow-up");
    }

    @Test
    void thanksAfterTheAnswerIsNoFollowUpButAQuestionIs() {
        Builder thanks = new Builder("2026-11-20T10:00:00Z", "CLOSED");
        thanks.customer(1, "Can I add a second SIM?", 0);
        thanks.agent(2, "Ana", "Done.", 60);
        thanks.customer(3, "great, thanks, bye!", 90);
        assertFalse(summarizer.summarize(new CustomerHistory(List.of(thanks.build()))).lines().stream()
                .anyMatch(l -> l.kind() == Kind.FOLLOW_UP));

        Builder question = new Builder("2026-11-20T10:00:00Z", "CLOSED");
        question.customer(1, "Where is my refund?", 0);
        question.agent(2, "Ivy", "It was issued today.", 60);
        question.customer(3, "thanks", 90);
        question.customer(4, "and does it include the delivery fee?", 100);
        Line followUp = line(summarizer.summarize(new CustomerHistory(List.of(question.build()))), Kind.FOLLOW_UP);
        assertEquals("Unanswered: \"and does it include the delivery fee?\"", followUp.text());
        assertEquals(List.of(4L), followUp.sourceMessageIds());
    }

    private String topicOf(String request) {
        Builder c = new Builder("2026-11-20T10:00:00Z", "CLOSED");
        c.customer(1, request, 0);
        c.agent(2, "Ann", "Sorted.", 60);
        String headline = summarizer.summarize(new CustomerHistory(List.of(c.build()))).headline();
        return headline.substring(headline.indexOf('('));
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
