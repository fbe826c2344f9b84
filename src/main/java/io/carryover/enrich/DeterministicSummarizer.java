package io.carryover.enrich;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.carryover.enrich.CustomerHistory.PriorConversation;
import io.carryover.enrich.CustomerHistory.PriorMessage;
import io.carryover.enrich.Summary.Kind;
import io.carryover.enrich.Summary.Line;
import io.carryover.enrich.Summary.Totals;

/**
 * Rule-based summary: no model, no I/O, same history (and clock) gives the same summary.
 * <p>
 * Per summarized conversation, in this order: a {@link Kind#CONVERSATION} line, then {@link Kind#OPENING_REQUEST},
 * {@link Kind#OUTCOME} and {@link Kind#FOLLOW_UP} when they apply. A CONVERSATION line starts each conversation's
 * group, which is how {@link AttributeMapper} packs them.
 * <p>
 * The opening request is the customer's first text that asks something (not "hi", "ok so" or a menu pick); the
 * headline shows it without leading greetings or fillers. The outcome is what the last agent turn reported, sentence
 * by sentence, leaving out canned auto-replies, greetings, holding lines, sign-offs and promises. The follow-up quotes
 * the latest promises (from the clause that makes them) and what the customer asked without an answer. Phrases are
 * recognised in English, German, Spanish and French ({@link ChatPhrases}); nothing is translated.
 * <p>
 * Totals and the headline count every conversation of the input (already limited to the configured window); only the
 * newest {@code maxConversations} get lines, and the headline's follow-up count covers those. An empty history gives
 * the headline {@value #NO_HISTORY}, no lines and totals of zero with null contact instants.
 */
public class DeterministicSummarizer implements Summarizer {

    static final String NO_HISTORY = "No prior conversations";
    static final int QUOTE_LIMIT = 160;
    static final int TOPIC_LIMIT = 60;
    /** Longer conversations cite their first and last half of this many text ids. */
    static final int MAX_SOURCE_IDS = 20;
    /** Promises quoted per conversation, the latest ones. */
    static final int MAX_PROMISES = 2;
    /** Fewer words than this is no request ("2", "billing"), nor a topic. */
    static final int SUBSTANTIVE_WORDS = 3;

    private static final DateTimeFormatter DATE = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    private final int maxConversations;
    private final Clock clock;
    private final List<Pattern> cannedReplies;

    public DeterministicSummarizer(int maxConversations, Clock clock) {
        this(maxConversations, clock, List.of());
    }

    /**
     * @param cannedReplies regular expressions for the org's own auto-replies and closing notices, found anywhere in a
     *                      text regardless of case, besides the built-in ones
     */
    public DeterministicSummarizer(int maxConversations, Clock clock, List<String> cannedReplies) {
        if (maxConversations < 0) {
            throw new IllegalArgumentException("maxConversations must be >= 0, was " + maxConversations);
        }
        this.maxConversations = maxConversations;
        this.clock = Objects.requireNonNull(clock, "clock");
        List<Pattern> compiled = new ArrayList<>();
        for (int i = 0; i < cannedReplies.size(); i++) {
            try {
                compiled.add(Pattern.compile(cannedReplies.get(i), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("Canned reply pattern #" + (i + 1)
                        + " is not a valid regular expression: " + e.getDescription(), e);
            }
        }
        this.cannedReplies = List.copyOf(compiled);
    }

    @Override
    public Summary summarize(CustomerHistory history) {
        List<Prior> conversations = history == null || history.conversations() == null ? List.of()
                : history.conversations().stream().filter(Objects::nonNull)
                        .map(c -> new Prior(c, this::canned)).toList();
        if (conversations.isEmpty()) {
            return new Summary(NO_HISTORY, List.of(), new Totals(0, 0, null, null));
        }
        List<Line> lines = new ArrayList<>();
        int followUps = 0;
        for (Prior prior : conversations.subList(0, Math.min(maxConversations, conversations.size()))) {
            lines.add(conversationLine(prior));
            openingRequest(prior).ifPresent(lines::add);
            outcome(prior).ifPresent(lines::add);
            Optional<Line> followUp = followUp(prior);
            if (followUp.isPresent()) {
                lines.add(followUp.get());
                followUps++;
            }
        }
        Totals totals = totals(conversations);
        return new Summary(headline(conversations.get(0), totals, followUps), List.copyOf(lines), totals);
    }

    private Line conversationLine(Prior prior) {
        List<String> parts = new ArrayList<>();
        parts.add(prior.start() == null ? "unknown date" : DATE.format(prior.start()));
        if (prior.start() != null && prior.end() != null) {
            parts.add(duration(Duration.between(prior.start(), prior.end())));
        }
        parts.add(agents(prior));
        parts.add(prior.texts.size() + (prior.texts.size() == 1 ? " msg" : " msgs"));
        if (prior.open()) {
            parts.add(openState(prior));
        }
        return new Line(Kind.CONVERSATION, String.join(" · ", parts), cap(ids(prior.texts)));
    }

    private String openState(Prior prior) {
        Instant last = prior.lastActivity();
        Instant now = clock.instant();
        if (last == null || now.isBefore(last)) {
            return "still open";
        }
        return "still open, last activity " + duration(Duration.between(last, now)) + " ago";
    }

    static String duration(Duration duration) {
        long minutes = Math.max(0, duration.getSeconds()) / 60;
        if (minutes < 1) {
            return "<1 min";
        }
        if (minutes < 60) {
            return minutes + " min";
        }
        long hours = minutes / 60;
        if (hours < 24) {
            return hours + " h" + (minutes % 60 == 0 ? "" : " " + minutes % 60 + " min");
        }
        return hours / 24 + " d" + (hours % 24 == 0 ? "" : " " + hours % 24 + " h");
    }

    /**
     * Distinct agent nicknames in order of appearance; bots collapse into one "bot". A sender of canned replies only
     * (the queue's auto-reply) is nobody the customer talked to.
     */
    private static String agents(Prior prior) {
        Set<String> names = new LinkedHashSet<>();
        for (PriorMessage m : prior.agentWords) {
            if (isBot(m)) {
                names.add("bot");
            } else {
                String name = Texts.oneLine(m.senderName());
                names.add(name.isEmpty() ? "agent" : name);
            }
        }
        return names.isEmpty() ? "no agent" : String.join(", ", names);
    }

    /** An auto-reply or closing notice: a template, not what an agent said. */
    private boolean canned(String text) {
        return ChatPhrases.canned(text) || cannedReplies.stream().anyMatch(p -> p.matcher(text).find());
    }

    private static Optional<Line> openingRequest(Prior prior) {
        return prior.openingRequest().map(m -> new Line(Kind.OPENING_REQUEST,
                Texts.truncate(Texts.oneLine(m.text()), Texts.LINE_LIMIT), List.of(m.id())));
    }

    /**
     * What the last agent turn that reported something said: its substantive sentences, the latest that fit. Canned
     * replies, greetings, holding lines, sign-offs and promises (those are follow-ups) are left out.
     */
    private static Optional<Line> outcome(Prior prior) {
        List<List<PriorMessage>> turns = prior.agentTurns();
        for (int t = turns.size() - 1; t >= 0; t--) {
            List<Statement> statements = new ArrayList<>();
            for (PriorMessage m : turns.get(t)) {
                for (String sentence : ChatPhrases.sentences(m.text())) {
                    reported(sentence).ifPresent(text -> statements.add(new Statement(m.id(), text)));
                }
            }
            if (!statements.isEmpty()) {
                return Optional.of(outcomeLine(statements));
            }
        }
        return Optional.empty();
    }

    /** The part of a sentence that reports: all of it, or what comes before a promise ("…; we will email you"). */
    private static Optional<String> reported(String sentence) {
        Optional<Integer> promise = ChatPhrases.promiseStart(sentence);
        String reported = promise.map(start -> stripTrailingJoiners(sentence.substring(0, start))).orElse(sentence);
        return ChatPhrases.substantive(reported) ? Optional.of(reported) : Optional.empty();
    }

    private static Line outcomeLine(List<Statement> statements) {
        int from = statements.size() - 1;
        int length = statements.get(from).text().length();
        while (from > 0 && length + 1 + statements.get(from - 1).text().length() <= Texts.LINE_LIMIT) {
            from--;
            length += 1 + statements.get(from).text().length();
        }
        List<Statement> kept = statements.subList(from, statements.size());
        String text = String.join(" ", kept.stream().map(Statement::text).toList());
        List<Long> sources = kept.stream().map(Statement::messageId).distinct().toList();
        return new Line(Kind.OUTCOME, Texts.truncate(text, Texts.LINE_LIMIT), sources);
    }

    private record Statement(long messageId, String text) {
    }

    private static Optional<Line> followUp(Prior prior) {
        List<String> reasons = new ArrayList<>();
        Set<Long> sources = new LinkedHashSet<>();
        if (prior.open()) {
            reasons.add("Still open");
            if (!prior.texts.isEmpty()) {
                sources.add(prior.texts.get(prior.texts.size() - 1).id());
            }
        }
        List<Statement> promises = promises(prior);
        if (!promises.isEmpty()) {
            reasons.add("Agent promised: "
                    + String.join(", ", promises.stream().map(p -> quote(p.text())).toList()));
            promises.forEach(p -> sources.add(p.messageId()));
        }
        List<PriorMessage> unanswered = prior.unansweredCustomerTexts();
        if (!unanswered.isEmpty()) {
            reasons.add("Unanswered: " + quote(String.join(" ", unanswered.stream().map(PriorMessage::text).toList())));
            sources.addAll(ids(unanswered));
        }
        if (reasons.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Line(Kind.FOLLOW_UP, String.join("; ", reasons),
                cap(sources.stream().sorted().toList())));
    }

    /** The latest distinct promises to act after the chat, each quoted from where it starts. */
    private static List<Statement> promises(Prior prior) {
        List<Statement> promises = new ArrayList<>();
        for (PriorMessage m : prior.agentWords) {
            for (String sentence : ChatPhrases.sentences(m.text())) {
                ChatPhrases.promiseStart(sentence).ifPresent(start -> {
                    Statement promise = new Statement(m.id(), sentence.substring(start));
                    promises.removeIf(earlier -> earlier.text().equalsIgnoreCase(promise.text()));
                    promises.add(promise);
                });
            }
        }
        return List.copyOf(promises.subList(Math.max(0, promises.size() - MAX_PROMISES), promises.size()));
    }

    private static String quote(String text) {
        return "\"" + Texts.truncate(Texts.oneLine(text), QUOTE_LIMIT) + "\"";
    }

    private static Totals totals(List<Prior> conversations) {
        int messages = 0;
        Instant first = null;
        Instant last = null;
        for (Prior prior : conversations) {
            messages += prior.texts.size();
            first = earliest(first, prior.start());
            last = latest(last, prior.lastActivity());
        }
        return new Totals(conversations.size(), messages, first, last);
    }

    private static String headline(Prior newest, Totals totals, int followUps) {
        StringBuilder headline = new StringBuilder();
        String newestDate = newest.start() == null ? "unknown date" : DATE.format(newest.start());
        String topic = newest.openingRequest().filter(m -> !ChatPhrases.saysNothing(m.text()))
                .map(m -> " (" + topic(m.text()) + ")").orElse("");
        if (totals.conversations() == 1) {
            headline.append("1 prior conversation on ").append(newestDate).append(topic);
        } else {
            headline.append(totals.conversations()).append(" prior conversations");
            if (totals.firstContact() != null) {
                headline.append(" since ").append(DATE.format(totals.firstContact()));
            }
            headline.append("; last ").append(newestDate).append(topic);
        }
        if (followUps > 0) {
            headline.append("; ").append(followUps).append(followUps == 1 ? " open follow-up" : " open follow-ups");
        }
        return headline.toString();
    }

    /**
     * The opening request as a topic: without leading greetings and fillers ("again,", "ok so", "alors,"), its first
     * sentence when that says enough, starting with a capital, short enough for the headline.
     */
    private static String topic(String text) {
        String request = ChatPhrases.withoutOpeners(text);
        List<String> sentences = ChatPhrases.sentences(request);
        String first = sentences.isEmpty() || ChatPhrases.words(sentences.get(0)).size() < SUBSTANTIVE_WORDS
                ? request : sentences.get(0);
        return Texts.truncate(capitalized(first), TOPIC_LIMIT);
    }

    /** Upper-cases a lower-case first letter, unless the word is written like "iPhone". */
    private static String capitalized(String text) {
        if (text.length() < 2 || !Character.isLowerCase(text.charAt(0)) || Character.isUpperCase(text.charAt(1))) {
            return text;
        }
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    private static String stripTrailingJoiners(String text) {
        return text.replaceAll("[\\s,;:–—-]+$", "");
    }

    private static List<Long> ids(List<PriorMessage> messages) {
        return messages.stream().map(PriorMessage::id).toList();
    }

    private static List<Long> cap(List<Long> ids) {
        if (ids.size() <= MAX_SOURCE_IDS) {
            return List.copyOf(ids);
        }
        List<Long> capped = new ArrayList<>(ids.subList(0, MAX_SOURCE_IDS / 2));
        capped.addAll(ids.subList(ids.size() - MAX_SOURCE_IDS / 2, ids.size()));
        return List.copyOf(capped);
    }

    private static boolean isText(PriorMessage m) {
        return !"Event".equalsIgnoreCase(m.type()) && m.text() != null && !m.text().isBlank();
    }

    private static boolean isInbound(PriorMessage m) {
        return "Inbound".equalsIgnoreCase(m.direction());
    }

    private static boolean isBot(PriorMessage m) {
        return "Bot".equalsIgnoreCase(m.originatingEntity());
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null ? b : b == null || a.isBefore(b) ? a : b;
    }

    private static Instant latest(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }

    /** One conversation with its messages sorted into the views the rules need. */
    private static final class Prior {
        final PriorConversation conversation;
        final List<PriorMessage> messages;
        final List<PriorMessage> texts;
        final List<PriorMessage> customerTexts;
        /** Outbound texts: agent or bot (system notices arrive as events, not texts). */
        final List<PriorMessage> agentTexts;
        /** Outbound texts without the canned ones (auto-replies and closing notices arrive as agent texts). */
        final List<PriorMessage> agentWords;

        Prior(PriorConversation conversation, Predicate<String> canned) {
            this.conversation = conversation;
            this.messages = conversation.messages() == null ? List.of()
                    : conversation.messages().stream().filter(Objects::nonNull).toList();
            this.texts = messages.stream().filter(DeterministicSummarizer::isText).toList();
            this.customerTexts = texts.stream().filter(DeterministicSummarizer::isInbound).toList();
            this.agentTexts = texts.stream().filter(m -> "Outbound".equalsIgnoreCase(m.direction())).toList();
            this.agentWords = agentTexts.stream().filter(m -> !canned.test(m.text())).toList();
        }

        boolean open() {
            return "ACTIVE".equalsIgnoreCase(conversation.state());
        }

        Instant start() {
            if (conversation.startedAt() != null) {
                return conversation.startedAt();
            }
            return messages.stream().map(PriorMessage::at).filter(Objects::nonNull).findFirst().orElse(null);
        }

        /** The last message if any: endedAt can be set long after the chat went quiet (expiry, replacement). */
        Instant end() {
            Instant lastMessage = lastMessageAt();
            return lastMessage != null ? lastMessage : conversation.endedAt();
        }

        Instant lastActivity() {
            Instant end = end();
            return end != null ? end : start();
        }

        private Instant lastMessageAt() {
            Instant last = null;
            for (PriorMessage m : messages) {
                last = latest(last, m.at());
            }
            return last;
        }

        /**
         * The customer's first request: a text that says something in a few words (not "hi", "ok so", or a menu
         * pick like "2"), else the first that is not a greeting, else the first.
         */
        Optional<PriorMessage> openingRequest() {
            return customerTexts.stream().filter(m -> !ChatPhrases.saysNothing(m.text())
                    && ChatPhrases.words(m.text()).size() >= SUBSTANTIVE_WORDS).findFirst()
                    .or(() -> customerTexts.stream().filter(m -> !ChatPhrases.greetingOnly(m.text())).findFirst())
                    .or(() -> customerTexts.stream().findFirst());
        }

        /** Runs of agent/bot texts between customer texts; canned replies are left out. */
        List<List<PriorMessage>> agentTurns() {
            List<List<PriorMessage>> turns = new ArrayList<>();
            List<PriorMessage> turn = new ArrayList<>();
            for (PriorMessage m : texts) {
                if (isInbound(m)) {
                    if (!turn.isEmpty()) {
                        turns.add(turn);
                        turn = new ArrayList<>();
                    }
                } else if (agentWords.contains(m)) {
                    turn.add(m);
                }
            }
            if (!turn.isEmpty()) {
                turns.add(turn);
            }
            return turns;
        }

        /**
         * What the customer asked that no agent answered: with no answer at all, every text that says something;
         * after the last answer (a report or a promise), only questions: "thanks, bye" needs no follow-up.
         */
        List<PriorMessage> unansweredCustomerTexts() {
            int lastAnswer = -1;
            for (int i = 0; i < texts.size(); i++) {
                PriorMessage m = texts.get(i);
                if (agentWords.contains(m) && answers(m)) {
                    lastAnswer = i;
                }
            }
            boolean answered = lastAnswer >= 0;
            return texts.subList(lastAnswer + 1, texts.size()).stream()
                    .filter(m -> isInbound(m) && !ChatPhrases.saysNothing(m.text()))
                    .filter(m -> !answered || ChatPhrases.isQuestion(m.text()))
                    .toList();
        }

        private static boolean answers(PriorMessage agentText) {
            return ChatPhrases.sentences(agentText.text()).stream()
                    .anyMatch(s -> !ChatPhrases.chatter(s) || ChatPhrases.promiseStart(s).isPresent());
        }
    }
}
