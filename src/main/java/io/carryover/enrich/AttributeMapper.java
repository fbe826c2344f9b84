package io.carryover.enrich;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns a (redacted) {@link Summary} into Genesys participant-data attributes, within size limits.
 * <p>
 * Keys, in map order: headline, conversations, last contact (omitted when unknown), one summary per prior
 * conversation (newest first, numbered from 1), link (when given). A summary value packs one conversation's lines: a
 * {@link Summary.Kind#CONVERSATION} line starts a conversation, the lines after it belong to it.
 * <p>
 * Bounds: every value fits {@link Limits#maxValueChars()} (UTF-16 chars, type prefix included; cut between words with
 * "…"); at most {@link Limits#maxAttributes()} keys: headline, link, conversations and last contact first, in that
 * order, then summaries newest first; UTF-8 bytes of all keys and values at most {@link Limits#maxTotalBytes()}: oldest
 * summaries go first, then the headline is shortened, then last contact, conversations and link are dropped. A link
 * longer than maxValueChars is left out (half a URL is useless). Cited message ids stay in the stored summary; they
 * would only crowd the agent's view.
 */
public class AttributeMapper {

    public enum Naming {
        /** {@code <prefix>headline}, {@code <prefix>conversations}, … — plain values. */
        PREFIX,
        /**
         * {@code conversationDetails.participantData.Carryover Headline}, … with Genesys display-type value prefixes
         * ({@code integer:}, {@code datetime:}, {@code longtext:}) so the agent sees them as conversation attributes.
         */
        PARTICIPANT_DATA
    }

    /** @param maxValueChars at least 32, so that a typed last-contact value always fits */
    public record Limits(int maxAttributes, int maxValueChars, int maxTotalBytes) {

        public static final Limits DEFAULTS = new Limits(10, 1000, 8192);

        public Limits {
            if (maxAttributes < 1 || maxValueChars < 32 || maxTotalBytes < 1) {
                throw new IllegalArgumentException("Attribute limits need maxAttributes >= 1, maxValueChars >= 32, "
                        + "maxTotalBytes >= 1; got " + maxAttributes + ", " + maxValueChars + ", " + maxTotalBytes);
            }
        }
    }

    public static final String DEFAULT_PREFIX = "carryover.";
    static final String PARTICIPANT_DATA_KEYS = "conversationDetails.participantData.Carryover ";

    private static final String PART_SEPARATOR = " — ";
    /** A packed part is not shortened below this, so each part still says something. */
    private static final int MIN_PART_CHARS = 24;

    private final Naming naming;
    private final String prefix;
    private final Limits limits;

    /**
     * @param prefix key prefix for {@link Naming#PREFIX} (null: {@value #DEFAULT_PREFIX}); ignored for
     *               {@link Naming#PARTICIPANT_DATA}, whose keys follow the Genesys convention
     */
    public AttributeMapper(Naming naming, String prefix, Limits limits) {
        this.naming = Objects.requireNonNull(naming, "naming");
        this.prefix = prefix == null ? DEFAULT_PREFIX : prefix;
        this.limits = limits == null ? Limits.DEFAULTS : limits;
    }

    public Map<String, String> attributes(Summary summary, Optional<String> link) {
        Objects.requireNonNull(summary, "summary");
        link = link == null ? Optional.empty() : link;
        Entry headline = new Entry(key("headline", "Headline"),
                Texts.truncate(Texts.oneLine(summary.headline()), limits.maxValueChars()));
        List<Entry> fixed = new ArrayList<>(); // in priority order
        fixed.add(headline);
        link.filter(url -> !url.isBlank() && url.length() <= limits.maxValueChars())
                .ifPresent(url -> fixed.add(new Entry(key("link", "Link"), url)));
        int conversations = summary.totals() == null ? 0 : summary.totals().conversations();
        fixed.add(new Entry(key("conversations", "Conversations"), typed("integer:", String.valueOf(conversations))));
        Instant lastContact = summary.totals() == null ? null : summary.totals().lastContact();
        if (lastContact != null) {
            fixed.add(new Entry(key("lastContact", "Last Contact"),
                    typed("datetime:", lastContact.truncatedTo(ChronoUnit.SECONDS).toString())));
        }
        while (fixed.size() > limits.maxAttributes()) {
            fixed.remove(fixed.size() - 1);
        }

        List<Entry> summaries = new ArrayList<>();
        List<List<Summary.Line>> groups = groups(summary.lines());
        for (int i = 0; i < groups.size() && fixed.size() + summaries.size() < limits.maxAttributes(); i++) {
            String longtext = typePrefix("longtext:");
            String text = longtext + pack(groups.get(i), limits.maxValueChars() - longtext.length());
            summaries.add(new Entry(key("summary." + (i + 1), "Summary " + (i + 1)), text));
        }

        while (bytes(fixed) + bytes(summaries) > limits.maxTotalBytes() && !summaries.isEmpty()) {
            summaries.remove(summaries.size() - 1);
        }
        while (bytes(fixed) > limits.maxTotalBytes() && !fixed.isEmpty()) {
            int othersBytes = bytes(fixed) - headline.bytes();
            int valueBudget = limits.maxTotalBytes() - othersBytes - Texts.utf8Bytes(headline.key);
            String shortened = truncateToBytes(headline.value, valueBudget);
            if (shortened.isEmpty() || shortened.equals(Texts.ELLIPSIS)) {
                fixed.remove(fixed.size() - 1); // the headline itself goes last
            } else {
                headline = new Entry(headline.key, shortened);
                fixed.set(0, headline);
            }
        }
        return inDisplayOrder(fixed, summaries);
    }

    private Map<String, String> inDisplayOrder(List<Entry> fixed, List<Entry> summaries) {
        Map<String, String> attributes = new LinkedHashMap<>();
        List<String> order = List.of(key("headline", "Headline"), key("conversations", "Conversations"),
                key("lastContact", "Last Contact"));
        for (String key : order) {
            fixed.stream().filter(e -> e.key.equals(key)).forEach(e -> attributes.put(e.key, e.value));
        }
        summaries.forEach(e -> attributes.put(e.key, e.value));
        String linkKey = key("link", "Link");
        fixed.stream().filter(e -> e.key.equals(linkKey)).forEach(e -> attributes.put(e.key, e.value));
        return attributes;
    }

    private String key(String prefixedName, String label) {
        return switch (naming) {
            case PREFIX -> prefix + prefixedName;
            case PARTICIPANT_DATA -> PARTICIPANT_DATA_KEYS + label;
        };
    }

    private String typed(String displayType, String value) {
        return typePrefix(displayType) + value;
    }

    private String typePrefix(String displayType) {
        return switch (naming) {
            case PREFIX -> "";
            case PARTICIPANT_DATA -> displayType;
        };
    }

    /** Lines grouped per prior conversation; lines before any CONVERSATION line each stand alone. */
    static List<List<Summary.Line>> groups(List<Summary.Line> lines) {
        List<List<Summary.Line>> groups = new ArrayList<>();
        List<Summary.Line> current = null;
        for (Summary.Line line : lines == null ? List.<Summary.Line>of() : lines) {
            if (line == null) {
                continue;
            }
            if (line.kind() == Summary.Kind.CONVERSATION || current == null) {
                current = new ArrayList<>();
                groups.add(current);
            }
            current.add(line);
        }
        return groups;
    }

    /**
     * {@code 2026-11-20 · 12 min · Agent Smith · 8 msgs — Asked: … — Outcome: … — Follow-up: …}. When too long, the
     * parts after the first share the room left: short parts stay whole, long ones are cut to equal shares.
     */
    static String pack(List<Summary.Line> group, int maxChars) {
        List<String> parts = new ArrayList<>();
        for (Summary.Line line : group) {
            parts.add(label(line.kind()) + Texts.oneLine(line.text()));
        }
        if (length(parts) > maxChars && parts.size() > 1) {
            List<Integer> shortestFirst = new ArrayList<>();
            for (int i = 1; i < parts.size(); i++) {
                shortestFirst.add(i);
            }
            shortestFirst.sort(Comparator.comparingInt((Integer i) -> parts.get(i).length()).thenComparing(i -> i));
            int room = maxChars - parts.get(0).length() - PART_SEPARATOR.length() * (parts.size() - 1);
            int left = shortestFirst.size();
            for (int i : shortestFirst) {
                int share = Math.max(MIN_PART_CHARS, room / left);
                if (parts.get(i).length() > share) {
                    parts.set(i, Texts.truncate(parts.get(i), share));
                }
                room -= parts.get(i).length();
                left--;
            }
        }
        return Texts.truncate(String.join(PART_SEPARATOR, parts), maxChars);
    }

    private static String label(Summary.Kind kind) {
        return switch (kind) {
            case CONVERSATION -> "";
            case OPENING_REQUEST -> "Asked: ";
            case OUTCOME -> "Outcome: ";
            case FOLLOW_UP -> "Follow-up: ";
        };
    }

    private static int length(List<String> parts) {
        return String.join(PART_SEPARATOR, parts).length();
    }

    /** The longest word-boundary truncation whose UTF-8 encoding fits; "" when nothing does. */
    static String truncateToBytes(String text, int maxBytes) {
        if (Texts.utf8Bytes(text) <= maxBytes) {
            return text;
        }
        for (int chars = Math.min(text.length(), maxBytes); chars > 0; chars--) {
            String candidate = Texts.truncate(text, chars);
            if (Texts.utf8Bytes(candidate) <= maxBytes) {
                return candidate;
            }
        }
        return "";
    }

    private static int bytes(List<Entry> entries) {
        return entries.stream().mapToInt(Entry::bytes).sum();
    }

    private record Entry(String key, String value) {
        int bytes() {
            return Texts.utf8Bytes(key) + Texts.utf8Bytes(value);
        }
    }
}
