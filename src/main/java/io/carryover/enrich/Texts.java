package io.carryover.enrich;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Text shaping shared by the summarizer and the attribute mapper. */
final class Texts {

    static final String ELLIPSIS = "…";
    /** The longest summary line text (opening request, outcome), in chars. */
    static final int LINE_LIMIT = 200;

    private Texts() {
    }

    /** Collapses every run of whitespace (including line breaks) to one space. */
    static String oneLine(String text) {
        if (text == null) {
            return "";
        }
        return text.strip().replaceAll("\\s+", " ");
    }

    static int utf8Bytes(String text) {
        return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * Shortens to at most {@code maxChars} chars (ellipsis included), cutting between words. Never cuts inside a
     * digit-bearing token or a run of them (card, IBAN, phone groups): the summarizer truncates before redaction, and
     * half a number would no longer be recognised as one.
     */
    static String truncate(String text, int maxChars) {
        if (text == null) {
            return null;
        }
        if (text.length() <= maxChars) {
            return text;
        }
        if (maxChars <= ELLIPSIS.length()) {
            return maxChars <= 0 ? "" : ELLIPSIS;
        }
        int budget = maxChars - ELLIPSIS.length();
        List<int[]> tokens = tokens(text);
        int kept = 0;
        while (kept < tokens.size() && tokens.get(kept)[1] <= budget) {
            kept++;
        }
        int cut = kept == 0 ? 0 : tokens.get(kept - 1)[1];
        boolean singleLongWord = cut < budget / 2 && kept < tokens.size();
        if (singleLongWord && !carriesDigitsOrAt(text, tokens.get(kept))) {
            cut = budget;
            if (Character.isHighSurrogate(text.charAt(cut - 1))) {
                cut--;
            }
        } else if (kept > 0 && kept < tokens.size() && numeric(text, tokens.get(kept - 1))
                && numeric(text, tokens.get(kept))) {
            while (kept > 0 && numeric(text, tokens.get(kept - 1))) {
                kept--;
            }
            cut = kept == 0 ? 0 : tokens.get(kept - 1)[1];
        }
        String head = stripTrailingJoiners(text.substring(0, cut));
        return head + ELLIPSIS;
    }

    private static String stripTrailingJoiners(String text) {
        int end = text.length();
        while (end > 0 && (Character.isWhitespace(text.charAt(end - 1))
                || ",;:-–—(/".indexOf(text.charAt(end - 1)) >= 0)) {
            end--;
        }
        return text.substring(0, end);
    }

    private static List<int[]> tokens(String text) {
        List<int[]> tokens = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i > start) {
                tokens.add(new int[] { start, i });
            }
        }
        return tokens;
    }

    private static boolean carriesDigitsOrAt(String text, int[] token) {
        for (int i = token[0]; i < token[1]; i++) {
            char c = text.charAt(i);
            if (Character.isDigit(c) || c == '@') {
                return true;
            }
        }
        return false;
    }

    /** A piece of a number as people write them: digits, maybe letters (IBAN), and + ( ) . - separators. */
    private static boolean numeric(String text, int[] token) {
        boolean digit = false;
        for (int i = token[0]; i < token[1]; i++) {
            char c = text.charAt(i);
            if (Character.isDigit(c)) {
                digit = true;
            } else if (!Character.isLetter(c) && "+().-,".indexOf(c) < 0) {
                return false;
            }
        }
        return digit;
    }
}
