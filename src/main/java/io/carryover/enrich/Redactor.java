package io.carryover.enrich;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Removes personal data from text before it leaves Carryover. Built-ins run first, in this order: e-mail addresses,
 * IBANs (ISO 13616 mod-97 valid), payment card numbers (13–19 digits, Luhn valid), phone numbers (7–15 digits); then
 * each extra pattern. E-mails go first so their digits are not taken for numbers, IBANs before cards because an IBAN's
 * digits may pass Luhn, cards before phones because a phone shape would take a card's digits.
 * <p>
 * Cards become {@value #CARD} without the last four digits: the agent does not need them and less is safer. Errs
 * towards redacting: any run of 7–15 digits written like a phone number (including long order numbers, or amounts
 * without a currency sign and decimals) becomes {@value #PHONE}.
 */
public class Redactor {

    public static final String EMAIL = "[email]";
    public static final String IBAN = "[iban]";
    public static final String CARD = "[card]";
    public static final String PHONE = "[phone]";
    public static final String REDACTED = "[redacted]";

    private static final Pattern EMAIL_PATTERN = Pattern.compile(
            "(?<![\\p{L}\\p{N}._%+_-])[\\p{L}\\p{N}._%+_-]+@(?:[\\p{L}\\p{N}-]+\\.)+\\p{L}{2,}");

    /** Up to 34 chars; where it really ends (at a word end, passing mod-97) is decided in code. */
    private static final Pattern IBAN_CANDIDATE = Pattern.compile(
            "(?<![\\p{L}\\p{N}])[A-Za-z]{2}\\d{2}(?: ?[A-Za-z0-9]){11,30}");

    /** Digit groups split by single spaces or dashes, not after "+" (a phone); which groups form a card: see code. */
    private static final Pattern DIGIT_RUN = Pattern.compile("(?<![\\d+])\\d+(?:[ -]\\d+)*");

    private static final Pattern PHONE_CANDIDATE = Pattern.compile(
            "(?<![\\p{L}\\p{N}_+.,/$€£¥-])(?<![$€£¥] )"
                    // never start on a date: 2025-01-01, 01.02.2025, 1-2-25
                    + "(?!\\d{4}[-./]\\d{1,2}[-./]\\d{1,2}(?!\\d))(?!\\d{1,2}[-./]\\d{1,2}[-./]\\d{2,4}(?!\\d))"
                    + "(?:\\+ ?)?(?:\\d{1,4} ?)?(?:\\(\\d{1,5}\\) ?)?\\d{1,15}(?:[ ./-]\\d{1,15}){0,8}"
                    // not followed by a letter, a time (10:30) or decimals (1 234,50)
                    + "(?![\\p{L}\\p{N}_:]|[.,]\\d)");

    private static final Pattern DECIMAL = Pattern.compile("\\d+\\.\\d+");

    private final List<Pattern> extraPatterns;

    public Redactor() {
        this(List.of());
    }

    /** @param extraPatterns {@link java.util.regex} expressions whose matches become {@value #REDACTED} */
    public Redactor(List<String> extraPatterns) {
        List<Pattern> compiled = new ArrayList<>();
        List<String> sources = extraPatterns == null ? List.of() : extraPatterns;
        for (int i = 0; i < sources.size(); i++) {
            String source = sources.get(i);
            if (source == null || source.isEmpty()) {
                continue;
            }
            try {
                compiled.add(Pattern.compile(source));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(
                        "Extra redaction pattern #" + (i + 1) + " is not a valid regular expression: "
                                + e.getDescription(), e);
            }
        }
        this.extraPatterns = List.copyOf(compiled);
    }

    public String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String result = EMAIL_PATTERN.matcher(text).replaceAll(Matcher.quoteReplacement(EMAIL));
        result = redactIbans(result);
        result = redactCards(result);
        result = redactPhones(result);
        for (Pattern pattern : extraPatterns) {
            result = redactExtra(result, pattern);
        }
        return result;
    }

    /** Empty matches are skipped: a pattern like {@code x*} would otherwise put a placeholder between every char. */
    private static String redactExtra(String text, Pattern pattern) {
        List<int[]> spans = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            if (m.end() > m.start()) {
                spans.add(new int[] { m.start(), m.end() });
            }
        }
        return replace(text, spans, REDACTED);
    }

    /** Headline and every line's text; cited message ids and totals stay as they are. */
    public Summary redact(Summary summary) {
        if (summary == null) {
            return null;
        }
        List<Summary.Line> lines = summary.lines() == null ? List.of()
                : summary.lines().stream()
                        .map(line -> new Summary.Line(line.kind(), redact(line.text()), line.sourceMessageIds()))
                        .toList();
        return new Summary(redact(summary.headline()), lines, summary.totals());
    }

    private static String redactIbans(String text) {
        List<int[]> spans = new ArrayList<>();
        Matcher m = IBAN_CANDIDATE.matcher(text);
        int from = 0;
        while (from < text.length() && m.find(from)) {
            int end = validIbanEnd(text, m.start(), m.end());
            if (end > 0) {
                spans.add(new int[] { m.start(), end });
                from = end;
            } else {
                from = m.start() + 1;
            }
        }
        return replace(text, spans, IBAN);
    }

    /** The longest prefix of the candidate that ends at a word end and is a valid IBAN, or -1. */
    private static int validIbanEnd(String text, int start, int candidateEnd) {
        for (int end = candidateEnd; end > start; end--) {
            boolean wordEnd = end == text.length() || !Character.isLetterOrDigit(text.charAt(end));
            if (!wordEnd || text.charAt(end - 1) == ' ') {
                continue;
            }
            String compact = text.substring(start, end).replace(" ", "").toUpperCase(Locale.ROOT);
            if (compact.length() >= 15 && compact.length() <= 34 && ibanChecksumValid(compact)) {
                return end;
            }
        }
        return -1;
    }

    static boolean ibanChecksumValid(String iban) {
        long digits = iban.substring(4).chars().filter(Character::isDigit).count();
        if (digits < 8) {
            return false; // real BBANs are mostly digits; this keeps words like "at12 the office…" out
        }
        String rearranged = iban.substring(4) + iban.substring(0, 4);
        int remainder = 0;
        for (int i = 0; i < rearranged.length(); i++) {
            char c = rearranged.charAt(i);
            if (c >= '0' && c <= '9') {
                remainder = (remainder * 10 + (c - '0')) % 97;
            } else if (c >= 'A' && c <= 'Z') {
                remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
            } else {
                return false;
            }
        }
        return remainder == 1;
    }

    private static String redactCards(String text) {
        List<int[]> spans = new ArrayList<>();
        Matcher m = DIGIT_RUN.matcher(text);
        while (m.find()) {
            List<int[]> groups = digitGroups(text, m.start(), m.end());
            int i = 0;
            while (i < groups.size()) {
                int last = longestCardFrom(text, groups, i);
                if (last >= 0) {
                    spans.add(new int[] { groups.get(i)[0], groups.get(last)[1] });
                    i = last + 1;
                } else {
                    i++;
                }
            }
        }
        return replace(text, spans, CARD);
    }

    /** Index of the last group of the longest Luhn-valid 13–19 digit number starting at group {@code first}, or -1. */
    private static int longestCardFrom(String text, List<int[]> groups, int first) {
        if (text.charAt(groups.get(first)[0]) == '0') {
            return -1; // no card number starts with 0; keeps "2025-01-01 4111…" from swallowing the date
        }
        StringBuilder digits = new StringBuilder();
        int best = -1;
        for (int j = first; j < groups.size(); j++) {
            digits.append(text, groups.get(j)[0], groups.get(j)[1]);
            if (digits.length() > 19) {
                break;
            }
            if (digits.length() >= 13 && luhnValid(digits)) {
                best = j;
            }
        }
        return best;
    }

    private static List<int[]> digitGroups(String text, int start, int end) {
        List<int[]> groups = new ArrayList<>();
        int i = start;
        while (i < end) {
            int groupStart = i;
            while (i < end && Character.isDigit(text.charAt(i))) {
                i++;
            }
            groups.add(new int[] { groupStart, i });
            i++; // the separator
        }
        return groups;
    }

    static boolean luhnValid(CharSequence digits) {
        int sum = 0;
        boolean doubled = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (doubled) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }

    private static String redactPhones(String text) {
        List<int[]> spans = new ArrayList<>();
        Matcher m = PHONE_CANDIDATE.matcher(text);
        while (m.find()) {
            String candidate = m.group();
            if (DECIMAL.matcher(candidate).matches()) {
                continue;
            }
            int digits = countDigits(candidate);
            if (digits >= 7 && digits <= 15) {
                spans.add(new int[] { m.start(), m.end() });
            } else if (digits > 15) {
                spans.addAll(phonesInLongRun(text, m.start(), m.end()));
            }
        }
        return replace(text, spans, PHONE);
    }

    /**
     * Too many digits for one number: most likely several numbers separated by spaces. Packs space-separated chunks
     * left to right into numbers of at most 15 digits; a short remainder joins the number before it (so a grouped
     * 16-digit number that failed Luhn is redacted whole), a short start stays (a date before a phone number).
     * Chunks of more than 15 digits are not phone numbers and stay.
     */
    private static List<int[]> phonesInLongRun(String text, int start, int end) {
        List<int[]> chunks = new ArrayList<>(); // start, end, digits
        int i = start;
        while (i < end) {
            while (i < end && text.charAt(i) == ' ') {
                i++;
            }
            int chunkStart = i;
            while (i < end && text.charAt(i) != ' ') {
                i++;
            }
            if (i > chunkStart) {
                chunks.add(new int[] { chunkStart, i, countDigits(text.substring(chunkStart, i)) });
            }
        }
        List<int[]> spans = new ArrayList<>();
        int[] window = null;
        int windowDigits = 0;
        for (int[] chunk : chunks) {
            if (window != null && windowDigits + chunk[2] > 15) {
                closeWindow(spans, window, windowDigits, text);
                window = null;
                windowDigits = 0;
            }
            if (chunk[2] <= 15) {
                window = new int[] { window == null ? chunk[0] : window[0], chunk[1] };
                windowDigits += chunk[2];
            }
        }
        if (window != null) {
            closeWindow(spans, window, windowDigits, text);
        }
        return spans;
    }

    private static void closeWindow(List<int[]> spans, int[] window, int digits, String text) {
        if (digits >= 7) {
            spans.add(window);
            return;
        }
        if (!spans.isEmpty()) {
            int[] previous = spans.get(spans.size() - 1);
            if (text.substring(previous[1], window[0]).isBlank()) {
                previous[1] = window[1];
            }
        }
    }

    private static int countDigits(String text) {
        int digits = 0;
        for (int i = 0; i < text.length(); i++) {
            if (Character.isDigit(text.charAt(i))) {
                digits++;
            }
        }
        return digits;
    }

    private static String replace(String text, List<int[]> spans, String placeholder) {
        if (spans.isEmpty()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int copied = 0;
        for (int[] span : spans) {
            out.append(text, copied, span[0]).append(placeholder);
            copied = span[1];
        }
        return out.append(text, copied, text.length()).toString();
    }
}
