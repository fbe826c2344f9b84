package io.carryover.enrich;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

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
 * Totals and the headline count every conversation of the input (already limited to the configured window); only the
 * newest {@code maxConversations} get lines, and the headline's follow-up count covers those. An empty history gives
 * the headline {@value #NO_HISTORY}, no lines and totals of zero with null contact instants.
 */
public class DeterministicSummarizer implements Summarizer {

    static final String NO_HISTORY = "No prior conversations";
    static final int TEXT_LIMIT = 200;
    static final int QUOTE_LIMIT = 120;
    static final int TOPIC_LIMIT = 60;
    /** Longer conversations cite their first and last half of this many text ids. */
    static final int MAX_SOURCE_IDS = 20;

    private static final DateTimeFormatter DATE = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    private static final Set<String> GREETING_WORDS = Set.of("hi", "hii", "hello", "helo", "hallo", "hey", "heya",
            "hiya", "howdy", "yo", "hola", "bonjour", "greetings", "good", "morning", "afternoon", "evening", "day",
            "there", "all", "everyone", "team", "dear");

    private static final Set<String> GREETING_OPENERS = Set.of("hi", "hii", "hello", "helo", "hallo", "hey", "heya",
            "hiya", "howdy", "yo", "hola", "bonjour", "greetings");
    private static final Set<String> GREETING_TIMES = Set.of("morning", "afternoon", "evening", "day");
    private static final Set<String> GREETING_FILLERS = Set.of("there", "all", "everyone", "team");

    private static final List<String> PROMISE_PHRASES = List.of("i'll get back", "i will get back", "we'll get back",
            "we will get back", "get back to you", "will call", "we'll call", "i'll call", "call you back",
            "follow up", "follow-up", "within 24 hours", "within 48 hours", "i will email", "i'll email",
            "we will email", "we'll email", "will send you", "escalat", "let you know", "get in touch");

    private final int maxConversations;
    private final Clock clock;

    public DeterministicSummarizer(int maxConversations, Clock clock) {
        if (maxConversations < 0) {
            throw new IllegalArgumentException("maxConversations must be >= 0, was " + maxConversations);
        }
        this.maxConversations = maxConversations;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Summary summarize(CustomerHistory history) {
        List<Prior> conversations = history == null || history.conversations() == null ? List.of()
                : history.conversations().stream().filter(Objects::nonNull).map(Prior::new).toList();
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

    /** Distinct agent nicknames in order of appearance; bots collapse into one "bot". */
    private static String agents(Prior prior) {
        Set<String> names = new LinkedHashSet<>();
        for (PriorMessage m : prior.agentTexts) {
            if (isBot(m)) {
                names.add("bot");
            } else {
                String name = Texts.oneLine(m.senderName());
                names.add(name.isEmpty() ? "agent" : name);
            }
        }
        return names.isEmpty() ? "no agent" : String.join(", ", names);
    }

    private static Optional<Line> openingRequest(Prior prior) {
        return prior.openingRequest().map(m -> new Line(Kind.OPENING_REQUEST,
                Texts.truncate(Texts.oneLine(m.text()), TEXT_LIMIT), List.of(m.id())));
    }

    private static Optional<Line> outcome(Prior prior) {
        List<PriorMessage> closing = prior.closingAgentTexts();
        if (closing.isEmpty()) {
            return Optional.empty();
        }
        String text = String.join(" ", closing.stream().map(m -> Texts.oneLine(m.text())).toList());
        return Optional.of(new Line(Kind.OUTCOME, Texts.truncate(text, TEXT_LIMIT), ids(closing)));
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
        Optional<PriorMessage> promise = prior.closingAgentTexts().stream()
                .filter(DeterministicSummarizer::promises)
                .reduce((earlier, later) -> later);
        promise.ifPresent(m -> {
            reasons.add("Agent promised: " + quote(m.text()));
            sources.add(m.id());
        });
        List<PriorMessage> unanswered = prior.trailingCustomerTexts();
        if (!unanswered.isEmpty()) {
            reasons.add("Unanswered: " + quote(String.join(" ", unanswered.stream().map(PriorMessage::text).toList())));
            sources.addAll(ids(unanswered));
        }
        if (reasons.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Line(Kind.FOLLOW_UP, String.join("; ", reasons), cap(List.copyOf(sources))));
    }

    static boolean promises(PriorMessage message) {
        String text = message.text().toLowerCase(Locale.ROOT).replace('’', '\'');
        return PROMISE_PHRASES.stream().anyMatch(text::contains);
    }

    private static String quote(String text) {
        return "\"" + Texts.truncate(Texts.oneLine(text), QUOTE_LIMIT) + "\"";
    }

    static boolean greetingOnly(String text) {
        String words = text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
        if (words.isEmpty()) {
            return true;
        }
        for (String word : words.split(" ")) {
            if (!GREETING_WORDS.contains(word)) {
                return false;
            }
        }
        return true;
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
        String topic = newest.openingRequest().map(m -> " (" + topic(m.text()) + ")").orElse("");
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

    /** The opening request without a leading "Hi there," or "Good morning,", short enough for the headline. */
    private static String topic(String text) {
        String[] words = Texts.oneLine(text).split(" ");
        int skip = 0;
        while (skip < words.length - 1) {
            String word = bareWord(words[skip]);
            if (GREETING_OPENERS.contains(word) || skip > 0 && GREETING_FILLERS.contains(word)) {
                skip++;
            } else if (word.equals("good") && skip < words.length - 2
                    && GREETING_TIMES.contains(bareWord(words[skip + 1]))) {
                skip += 2;
            } else {
                break;
            }
        }
        return Texts.truncate(String.join(" ", List.of(words).subList(skip, words.length)), TOPIC_LIMIT);
    }

    private static String bareWord(String word) {
        return word.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", "");
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

        Prior(PriorConversation conversation) {
            this.conversation = conversation;
            this.messages = conversation.messages() == null ? List.of()
                    : conversation.messages().stream().filter(Objects::nonNull).toList();
            this.texts = messages.stream().filter(DeterministicSummarizer::isText).toList();
            this.customerTexts = texts.stream().filter(DeterministicSummarizer::isInbound).toList();
            this.agentTexts = texts.stream().filter(m -> "Outbound".equalsIgnoreCase(m.direction())).toList();
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

        Optional<PriorMessage> openingRequest() {
            return customerTexts.stream().filter(m -> !greetingOnly(m.text())).findFirst()
                    .or(() -> customerTexts.stream().findFirst());
        }

        /** The last one or two agent/bot texts: usually the answer plus a sign-off. */
        List<PriorMessage> closingAgentTexts() {
            return agentTexts.subList(Math.max(0, agentTexts.size() - 2), agentTexts.size());
        }

        /** The customer's texts after the last agent/bot text, when the customer had the last word. */
        List<PriorMessage> trailingCustomerTexts() {
            int i = texts.size();
            while (i > 0 && isInbound(texts.get(i - 1))) {
                i--;
            }
            return texts.subList(i, texts.size());
        }
    }
}
